"""GovIT settings, read from the environment.

GOVIT_DATA_DIR       where the SQLite file and uploaded files live (default: ./var)
DATABASE_URL         e.g. postgres://user:pass@host:5432/govit (default: SQLite in GOVIT_DATA_DIR)
GOVIT_SECRET_KEY     required when GOVIT_DEBUG is off
GOVIT_DEBUG          1 for development (default 0)
GOVIT_ALLOWED_HOSTS  comma-separated host names
GOVIT_MEDIA_ROOT     where uploaded materials are stored (default: GOVIT_DATA_DIR/media)
GOVIT_UPLOAD_MAX_MB  largest accepted upload in MB (default 200)
GOVIT_STORAGE        where uploaded materials are stored: local (default, GOVIT_MEDIA_ROOT) or s3 for an
                     S3-compatible object store (MinIO, 阿里云 OSS, 华为云 OBS …), configured by
                     GOVIT_S3_BUCKET, GOVIT_S3_ENDPOINT_URL, GOVIT_S3_ACCESS_KEY, GOVIT_S3_SECRET_KEY,
                     GOVIT_S3_REGION (default us-east-1), GOVIT_S3_PREFIX (key prefix, default none),
                     GOVIT_S3_ADDRESSING (path, default, or virtual)
GOVIT_BASE_URL       the address users open, used in e-mailed links (default http://127.0.0.1:8000)
GOVIT_OCID_PREFIX    the OCDS publisher prefix of exported contracting data (default ocds-govit-)
GOVIT_TASKS_BACKEND  background-task backend (default django_tasks_db.DatabaseBackend: the database is
                     the queue, run `govit worker`); e.g. a Celery backend for several machines
GOVIT_SCAN_SECONDS   how often the worker scans obligations (default 300)
GOVIT_EMAIL_HOST, GOVIT_EMAIL_PORT, GOVIT_EMAIL_USER, GOVIT_EMAIL_PASSWORD, GOVIT_EMAIL_TLS, GOVIT_EMAIL_FROM
                     SMTP for reminders; without GOVIT_EMAIL_HOST mail is written to the log
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin and form classes be written with type parameters (ModelAdmin[Project]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("GOVIT_DATA_DIR", PROJECT_ROOT / "var")).resolve()
DEBUG = env_bool("GOVIT_DEBUG", False)
# Without GOVIT_SECRET_KEY a development key is used; `govit check --deploy` reports it (security.W009).
SECRET_KEY = os.environ.get("GOVIT_SECRET_KEY") or "django-insecure-govit-development-key"

ALLOWED_HOSTS = env_list("GOVIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("GOVIT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "govit.core",
    "govit.audit",
    "govit.accounts",
    "govit.policies",
    "govit.projects",
    "govit.documents",
    "govit.experts",
    "govit.workflow",
    "govit.delivery",
    "govit.acceptance",
    "govit.obligations",
    "govit.similarity",
    "govit.printouts",
    "govit.dashboards",
    "govit.opendata",
    "govit.imports",
    "govit.seeding",
    "govit.portal",
    "axes",  # login failure lockout (see the authentication and session block)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "csp",  # Content-Security-Policy headers (see the transport and browser security block)
    "govit.backups",  # govit backup / govit restore (等保 8.1.4.9 a)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "govit.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govit.audit.middleware.RequestContextMiddleware",
    "govit.accounts.middleware.SessionControlMiddleware",
    "govit.core.middleware.ServiceErrorPageMiddleware",
]

ROOT_URLCONF = "govit.urls"
WSGI_APPLICATION = "govit.wsgi.application"

# <select> drawn in Python (govit.core.forms.FormRenderer): same HTML, no template per <option>
FORM_RENDERER = "govit.core.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govit.accounts.context_processors.navigation",
                "govit.accounts.context_processors.unread_messages",
            ],
            "builtins": ["govit.core.templatetags.govit_format"],
        },
    }
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{DATA_DIR / 'govit.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # WAL for readers beside one writer; a 64 MB page cache and memory-mapped reads so that large
            # scans and batch writes (the obligation scan, the seeder) do not thrash SQLite's default 2 MB
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication and sessions (等保 8.1.4.1 a/b/d, 8.1.4.10 a) ------------------------------------------------
# Passwords: ≥ 8 characters, 3 of 4 character classes, not common, not one of the last 5, changed every 90 days
# (and at first login after an initial or reset password). No upper length limit; pasting is allowed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "govit.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govit.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "govit.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
GOVIT_PASSWORD_MAX_AGE_DAYS = 90

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after 30 minutes without activity or 8 hours after login, whichever comes first
# (govit.accounts.middleware); the last activity is written at most once a minute, so reads do not write.
GOVIT_SESSION_IDLE_SECONDS = 30 * 60
GOVIT_SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
GOVIT_SESSION_ACTIVITY_WRITE_SECONDS = 60
SESSION_COOKIE_AGE = GOVIT_SESSION_ABSOLUTE_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True

# Lockout (django-axes): 5 failures of a password or a second-factor code lock the account and, separately,
# the source address for 10 minutes; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "govit.audit.middleware.client_ip_of"  # the same address the audit log records
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit chain (auth.login)
AXES_VERBOSE = False

# Second factor (TOTP, django-otp) for the roles in govit.accounts.mfa.MFA_ROLES. Repeated wrong codes are
# limited by the lockout above, not by django-otp's own growing delay.
OTP_TOTP_ISSUER = "GovIT"
OTP_TOTP_THROTTLE_FACTOR = 0

# Optional single sign-on (OIDC, mozilla-django-oidc): on only when GOVIT_OIDC_ISSUER is set; the username
# claim must name an existing account (no account is created). Local passwords keep working.
GOVIT_OIDC_ISSUER = os.environ.get("GOVIT_OIDC_ISSUER", "")
GOVIT_OIDC_ENABLED = bool(GOVIT_OIDC_ISSUER)
GOVIT_OIDC_USERNAME_CLAIM = os.environ.get("GOVIT_OIDC_USERNAME_CLAIM", "preferred_username")
if GOVIT_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("govit.accounts.oidc.GovitOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ.get("GOVIT_OIDC_CLIENT_ID", "")
    OIDC_RP_CLIENT_SECRET = os.environ.get("GOVIT_OIDC_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
        "GOVIT_OIDC_AUTHORIZATION_ENDPOINT", f"{GOVIT_OIDC_ISSUER.rstrip('/')}/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get(
        "GOVIT_OIDC_TOKEN_ENDPOINT", f"{GOVIT_OIDC_ISSUER.rstrip('/')}/token"
    )
    OIDC_OP_USER_ENDPOINT = os.environ.get(
        "GOVIT_OIDC_USERINFO_ENDPOINT", f"{GOVIT_OIDC_ISSUER.rstrip('/')}/userinfo"
    )
    OIDC_OP_JWKS_ENDPOINT = os.environ.get(
        "GOVIT_OIDC_JWKS_ENDPOINT", f"{GOVIT_OIDC_ISSUER.rstrip('/')}/jwks"
    )
    OIDC_RP_SIGN_ALGO = os.environ.get("GOVIT_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("GOVIT_OIDC_SCOPES", "openid profile")
    OIDC_CREATE_USER = False
    OIDC_USE_PKCE = True
    LOGIN_REDIRECT_URL_FAILURE = "/login/?oidc=failed"
# --- end of authentication and sessions ---------------------------------------------------------------------------
CSRF_COOKIE_HTTPONLY = False
# --- Transport and browser security (等保 8.1.4.7 a / 8.1.4.8 a: HTTPS, HSTS, CSP) ------------------------------
# GOVIT_HTTPS=1 (always on under govit.settings_production) behind a TLS-terminating proxy that sets
# X-Forwarded-Proto. The Content-Security-Policy is sent in development too, so browser tests see violations.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and env_bool("GOVIT_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True  # no script reads the CSRF cookie: forms carry the token
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # ECharts' "save as image" and Django admin icons
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# SM4 key for materials at rest (govit/documents/crypto.py): 32 hex digits, or a file holding them. Keep the
# key outside the database and outside backups.
GOVIT_SM4_KEY = os.environ.get("GOVIT_SM4_KEY", "")
GOVIT_SM4_KEY_FILE = os.environ.get("GOVIT_SM4_KEY_FILE", "")
# --- end of transport and browser security ---------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GOVIT_MEDIA_ROOT", DATA_DIR / "media"))
# Largest upload accepted, in bytes (GOVIT_UPLOAD_MAX_MB, default 200 MB).
GOVIT_UPLOAD_MAX_BYTES = int(os.environ.get("GOVIT_UPLOAD_MAX_MB", "200")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("GOVIT_PLAIN_STATIC", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
GOVIT_STORAGE = os.environ.get("GOVIT_STORAGE", "local")


def s3_storage(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The Django STORAGES entry for an S3-compatible object store. Stores other than AWS reject the CRC
    checksums boto3 sends since 1.36 unless they are limited to the operations that require them."""
    from botocore.config import Config

    missing = [
        k for k in ("GOVIT_S3_BUCKET", "GOVIT_S3_ACCESS_KEY", "GOVIT_S3_SECRET_KEY") if not environ.get(k)
    ]
    if missing:
        raise ImproperlyConfigured(f"GOVIT_STORAGE=s3 needs {', '.join(missing)}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["GOVIT_S3_BUCKET"],
            "endpoint_url": environ.get("GOVIT_S3_ENDPOINT_URL") or None,
            "access_key": environ["GOVIT_S3_ACCESS_KEY"],
            "secret_key": environ["GOVIT_S3_SECRET_KEY"],
            "region_name": environ.get("GOVIT_S3_REGION", "us-east-1"),
            "location": environ.get("GOVIT_S3_PREFIX", ""),
            "addressing_style": environ.get("GOVIT_S3_ADDRESSING", "path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,  # every version of a material is its own object
            "querystring_auth": True,  # downloads go through GovIT, never a public link
            "client_config": Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


if GOVIT_STORAGE == "s3":
    STORAGES["default"] = s3_storage()
elif GOVIT_STORAGE != "local":
    raise ImproperlyConfigured("GOVIT_STORAGE must be local or s3")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVIT_LOG_LEVEL", "WARNING")},
}

# Number of projects per page in lists.
GOVIT_PAGE_SIZE = 20
# Largest amount accepted for any cost head or total, in 元.
GOVIT_MAX_AMOUNT_YUAN = 10**12

# Where users open GovIT (links in e-mailed reminders).
GOVIT_OCID_PREFIX = os.environ.get("GOVIT_OCID_PREFIX", "ocds-govit-")
GOVIT_BASE_URL = os.environ.get("GOVIT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks (Django's tasks API through django-tasks; imported only in govit/core/tasks.py). The
# database backend needs no extra server: `govit worker` runs the queue and the periodic obligation scan.
TASKS = {"default": {"BACKEND": os.environ.get("GOVIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
GOVIT_SCAN_SECONDS = int(os.environ.get("GOVIT_SCAN_SECONDS", "300"))
# Days after the due date at which an overdue obligation is escalated: to the unit's 负责人, then the bureau.
GOVIT_ESCALATION_DAYS = (3, 10)

if os.environ.get("GOVIT_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["GOVIT_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("GOVIT_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("GOVIT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GOVIT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("GOVIT_EMAIL_TLS", False)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("GOVIT_EMAIL_FROM", "govit@localhost")

# 安全审计 (等保 8.1.4.3 c/d, 网络安全法 网络日志留存不少于六个月): audit events are kept
# GOVIT_AUDIT_RETENTION_DAYS days (at least 190; `govit check` refuses less) before `govit audit purge` may delete
# them; `govit audit checkpoint` signs its checkpoints with SM2 when GOVIT_AUDIT_SM2_PRIVATE_KEY (64 hex digits)
# is set, and `govit audit verify` checks them with GOVIT_AUDIT_SM2_PUBLIC_KEY (or the key derived from the
# private one). GOVIT_AUDIT_EXPORT_MAX_ROWS caps one .xlsx/.csv export of the audit page.
GOVIT_AUDIT_RETENTION_DAYS = int(os.environ.get("GOVIT_AUDIT_RETENTION_DAYS", "200"))
GOVIT_AUDIT_SM2_PRIVATE_KEY = os.environ.get("GOVIT_AUDIT_SM2_PRIVATE_KEY", "")
GOVIT_AUDIT_SM2_PUBLIC_KEY = os.environ.get("GOVIT_AUDIT_SM2_PUBLIC_KEY", "")
GOVIT_AUDIT_EXPORT_MAX_ROWS = int(os.environ.get("GOVIT_AUDIT_EXPORT_MAX_ROWS", "100000"))
