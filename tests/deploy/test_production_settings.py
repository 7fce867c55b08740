"""Production settings (govit.settings_production): refuse to start without a real secret key and host names;
once given them, DEBUG is off, HTTP is redirected to HTTPS, HSTS covers subdomains, cookies are Secure and
HttpOnly, the proxy's X-Forwarded-Proto is trusted, and `govit check --deploy --fail-level WARNING` is clean.
Each case runs in a fresh interpreter, as a server would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOVIT = ROOT / ".venv" / "bin" / "govit"
GOOD_KEY = "k" * 25 + "Q7x!pL2#vR9@mZ4$wT6&yU1*aB3^cD"  # 55 characters, not the development key

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
plain = Client().get("/static/govit/govit.css", HTTP_HOST="govit.example.gov.cn")
secure = Client().get("/static/govit/govit.css", HTTP_HOST="govit.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_SECURE,
                settings.CSRF_COOKIE_HTTPONLY],
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security", ""),
               secure.get("Content-Security-Policy", ""), secure.get("Referrer-Policy", "")],
}))
"""


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # a server's environment: none of the test run's own settings (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses)
    unset = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOVIT_") and k not in unset}
    environ.update(
        {"GOVIT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "govit.settings_production", **env}
    )
    return subprocess.run(
        args, env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOVIT_ALLOWED_HOSTS": "govit.example.gov.cn"}, "GOVIT_SECRET_KEY"),
        ({"GOVIT_ALLOWED_HOSTS": "govit.example.gov.cn", "GOVIT_SECRET_KEY": GOOD_KEY[:49]}, "at least 50"),
        (
            {
                "GOVIT_ALLOWED_HOSTS": "govit.example.gov.cn",
                "GOVIT_SECRET_KEY": "django-insecure-" + GOOD_KEY,
            },
            "GOVIT_SECRET_KEY",
        ),
        ({"GOVIT_SECRET_KEY": GOOD_KEY}, "GOVIT_ALLOWED_HOSTS"),
    ],
    ids=["no secret key", "49-character key", "development key", "no allowed hosts"],
)
def test_it_refuses_to_start_without_a_secret_key_and_hosts(tmp_path, env, message):
    result = run(tmp_path, str(GOVIT), "check", **env)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_deploy_check_is_clean_and_https_is_enforced(tmp_path):
    env = {
        "GOVIT_SECRET_KEY": GOOD_KEY[:50],
        "GOVIT_ALLOWED_HOSTS": "govit.example.gov.cn",
        "GOVIT_DEBUG": "1",
    }
    check = run(tmp_path, str(GOVIT), "check", "--deploy", "--fail-level", "WARNING", **env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    probe = run(tmp_path, sys.executable, "-c", PROBE, **env)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False and seen["hosts"] == ["govit.example.gov.cn"]  # GOVIT_DEBUG=1 is overridden
    assert seen["cookies"] == [True, True, True, True]
    assert seen["plain"] == [301, "https://govit.example.gov.cn/static/govit/govit.css"]
    status, hsts, csp, referrer = seen["secure"]
    assert status == 200 and hsts == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and referrer == "same-origin"


def test_development_pages_carry_the_policy_too(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "unsafe-inline" not in policy
