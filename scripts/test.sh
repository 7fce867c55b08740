#!/usr/bin/env bash
# Everything GovIT checks. Called by `make test` (and so by CI).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export GOVIT_DATA_DIR="${GOVIT_DATA_DIR:-$(mktemp -d)}"
export PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL

step() { printf '\n==> %s\n' "$*"; }

step "System packages (PostgreSQL, Chromium, CJK font)"
bash scripts/system-deps.sh

step "ruff"
$BIN/ruff check .
$BIN/ruff format --check .

step "mypy"
$BIN/mypy govit

step "Django checks"
$BIN/govit check --fail-level WARNING
GOVIT_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') GOVIT_ALLOWED_HOSTS=govit.example.gov.cn DJANGO_SETTINGS_MODULE=govit.settings_production $BIN/govit check --deploy --fail-level WARNING
$BIN/govit makemigrations --check --dry-run

step "Policy engine (no database)"
$BIN/pytest -q -p no:django govit/policies/tests 2>&1 | tee var-engine.log || { rm -f var-engine.log; exit 1; }
engine_line=$(grep -E '^[0-9]+ passed' var-engine.log | tail -n1 || true)
rm -f var-engine.log

step "Test suite on SQLite (with browser tests)"
$BIN/pytest -q -n 2 --dist loadfile 2>&1 | tee var-sqlite.log || { rm -f var-sqlite.log; exit 1; }
sqlite_line=$(grep -E '^[0-9]+ passed' var-sqlite.log | tail -n1 || true)
rm -f var-sqlite.log

step "Test suite on PostgreSQL (throwaway cluster)"
pgdir=$(mktemp -d /tmp/govit-pg.XXXXXX)
trap 'bash scripts/pg-cluster.sh stop "$pgdir"' EXIT
DATABASE_URL=$(bash scripts/pg-cluster.sh start "$pgdir")
export DATABASE_URL
$BIN/pytest -q -n 2 --dist loadfile 2>&1 | tee var-pg.log || { rm -f var-pg.log; exit 1; }
pg_line=$(grep -E '^[0-9]+ passed' var-pg.log | tail -n1 || true)
rm -f var-pg.log

printf '\n==> Summary\n'
echo "policy engine (no database): ${engine_line:-none}"
echo "SQLite:      ${sqlite_line:-none}"
echo "PostgreSQL:  ${pg_line:-none}"
