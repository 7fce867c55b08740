"""GovIT settings for production: ``DJANGO_SETTINGS_MODULE=govit.settings_production``.

Everything in ``govit.settings``, with DEBUG off and HTTPS enforced whatever the environment says
(等保 8.1.4.7 a / 8.1.4.8 a: integrity and confidentiality in transmission). GovIT runs behind a reverse proxy
that terminates TLS and sets ``X-Forwarded-Proto``. Refuses to start without

GOVIT_SECRET_KEY     at least 50 characters, not the development key
GOVIT_ALLOWED_HOSTS  the host names users open, e.g. govit.sc.gov.cn

`govit check --deploy --fail-level WARNING` is clean under these settings (scripts/test.sh checks it).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_secret = os.environ.get("GOVIT_SECRET_KEY", "")
if len(_secret) < 50 or _secret.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "GOVIT_SECRET_KEY must be set to a random value of at least 50 characters in production, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not os.environ.get("GOVIT_ALLOWED_HOSTS", "").strip():
    raise ImproperlyConfigured("GOVIT_ALLOWED_HOSTS must name the host(s) GovIT is served at in production")

os.environ["GOVIT_DEBUG"] = "0"
# The HTTPS block of govit.settings: secure cookies, redirect, HSTS, the proxy's header.
os.environ["GOVIT_HTTPS"] = "1"

from govit.settings import *  # noqa: E402, F403
from govit.settings import env_list  # noqa: E402

DEBUG = False
SECRET_KEY = _secret
ALLOWED_HOSTS = env_list("GOVIT_ALLOWED_HOSTS")
