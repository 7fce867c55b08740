# GovIT — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint install lock bench clean

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

## Serve GovIT with demo data at http://127.0.0.1:8000
run: $(STAMP)
	GOVIT_DEBUG=1 $(BIN)/govit migrate --noinput
	GOVIT_DEBUG=1 $(BIN)/govit demo
	GOVIT_DEBUG=1 $(BIN)/govit worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	GOVIT_DEBUG=1 $(BIN)/govit runserver 127.0.0.1:8000

## Everything the project checks: lint, types, Django checks, tests on SQLite and PostgreSQL, browser tests
test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy govit

## Re-resolve requirements/*.in into the lock file
lock:
	rm -rf /tmp/govit-lock && $(PYTHON) -m venv /tmp/govit-lock
	/tmp/govit-lock/bin/pip install --quiet -r requirements/dev.in
	(echo "# Pinned, resolved dependency set (runtime + development). Regenerate with: make lock"; \
	 /tmp/govit-lock/bin/pip freeze --exclude-editable) > requirements/lock.txt

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) var test-artifacts
