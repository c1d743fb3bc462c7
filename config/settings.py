"""The one settings module of CBAM Exchange, driven by environment variables.

Development defaults need no services: SQLite (WAL mode) for the database, Celery's
filesystem transport for the broker and an in-process cache. Setting ``DATABASE_URL``,
``CELERY_BROKER_URL`` and ``REDIS_URL`` switches to PostgreSQL and Redis.

Production is ``DEBUG=false``: it refuses to start without its secrets (see
``_require``) and is shaped to pass ``manage.py check --deploy --fail-level WARNING``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CBAM_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true/false, 1/0, yes/no or on/off")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", True)

_missing: list[str] = []


def _require(name: str, dev_default: str) -> str:
    """Return the variable; in production a missing secret stops the process at start."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_default
    _missing.append(name)
    return ""


SECRET_KEY = _require(
    "SECRET_KEY", "dev-only-insecure-key-7f3c9a1e5b2d4c6a8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c"
)
# Fernet key (urlsafe base64 of 32 bytes) that encrypts signing keys and TOTP secrets at rest.
FIELD_ENCRYPTION_KEY = _require(
    "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMzI="
)
DATABASE_URL = _require("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cbam.sqlite3'}")
CELERY_BROKER_URL = _require("CELERY_BROKER_URL", "filesystem://")
REDIS_URL = _require("REDIS_URL", "")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
if not DEBUG and "ALLOWED_HOSTS" not in os.environ:
    _missing.append("ALLOWED_HOSTS")
# The public address people open the platform at: every link an e-mail carries starts with it
# (``core.links.absolute_url``). Development serves on 127.0.0.1:8000 (``make demo`` and
# ``make run`` set it from ``ADDR``); production must say it (and ``check --deploy`` checks
# that it is an https address of a host in ALLOWED_HOSTS, ``core.checks``).
SITE_URL = _require("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if _missing:
    raise ImproperlyConfigured(
        "DEBUG=false (production) needs these environment variables: " + ", ".join(_missing)
    )

# The host the PACT documents name: product URNs and the CBAM extension's ``dataSchema``
# (https://<PLATFORM_HOST>/schemas/cbam-exchange/cbam-footprint-v1.json, served by this
# platform). Production defaults to SITE_URL's host, so that the URL resolves at the public
# address (``check --deploy`` refuses another host, cbam.E004); development keeps a fixed name.
PLATFORM_HOST = os.environ.get("PLATFORM_HOST") or (
    urlsplit(SITE_URL).netloc if not DEBUG else "cbam-exchange.local"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "reference",
    "accounts",
    "suppliers",
    "exchange",
    "exchange.sharing",
    "exchange.boms",
    "exchange.declarations",
    "exchange.pools",
    "exchange.partners",
    "web",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.SecurityHeadersMiddleware",
    "core.request_context.RequestIdMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    # Before SecurityMiddleware: a plain-HTTP call of the PACT host is refused, not redirected.
    "exchange.pact.middleware.PactTlsOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A PACT action (/3/…) goes to its view from here: it needs none of what follows.
    "exchange.pact.middleware.PactActionsMiddleware",
    # Production serves its own static files (collected by the release step).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Language: the user's setting (web.middleware), else the language cookie, else the
    # browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# JSON and form bodies up to 10 MiB (a calculator request of a few thousand goods); multipart
# uploads up to 21 MiB (an evidence file of 20 MiB and its form). Larger bodies answer 413
# before they are read (core.middleware.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
REQUEST_MAX_UPLOAD_BYTES = 21 * 1024 * 1024

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
                "web.context.layout",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not :memory:, so that a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-cbam.sqlite3")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # psycopg prepares a statement on its sixth run on a connection; Django's own cursors
    # bind on the client and never prepare, so this reaches only core.compiled_queries
    # (the hot read paths), whose statements are planned once per connection.
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, login lockout counters) ---------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT = timedelta(minutes=_env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Password attempts per window, counted in the cache (accounts.throttle): per caller address
# and per e-mail address tried (known or not). Refusals read like a wrong password.
LOGIN_THROTTLE_WINDOW = timedelta(minutes=_env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 15))
LOGIN_THROTTLE_PER_IP = _env_int("LOGIN_THROTTLE_PER_IP", 30)
LOGIN_THROTTLE_PER_ACCOUNT = _env_int("LOGIN_THROTTLE_PER_ACCOUNT", 10)
# How many reverse proxies of ours stand in front of the web processes, each appending to
# X-Forwarded-For; 0 means REMOTE_ADDR is the caller. Set it behind a load balancer, or every
# caller shares the balancer's address and its per-address login limit.
CLIENT_IP_PROXY_COUNT = _env_int("CLIENT_IP_PROXY_COUNT", 0)
# Password reset by e-mail: how long a link works, and how many links one caller address and
# one e-mail address may ask for per window (more requests get the same answer, no e-mail).
PASSWORD_RESET_TTL = timedelta(minutes=_env_int("PASSWORD_RESET_TTL_MINUTES", 60))
PASSWORD_RESET_THROTTLE_WINDOW = timedelta(hours=1)
PASSWORD_RESET_THROTTLE_PER_IP = _env_int("PASSWORD_RESET_THROTTLE_PER_IP", 10)
PASSWORD_RESET_THROTTLE_PER_ACCOUNT = _env_int("PASSWORD_RESET_THROTTLE_PER_ACCOUNT", 3)
# How often beat deletes expired OAuth access tokens and spent password-reset links.
TOKEN_PURGE_INTERVAL_SECONDS = _env_int("TOKEN_PURGE_INTERVAL_SECONDS", 3600)

# The platform as a PACT client (exchange.partners): partner hosts are called over HTTPS,
# verified against the system's CA bundle, or PACT_CA_BUNDLE (a PEM file) when set;
# PACT_PARTNER_ALLOW_HTTP lets a development setup call a partner over plain HTTP.
PACT_CA_BUNDLE = os.environ.get("PACT_CA_BUNDLE", "")
PACT_PARTNER_ALLOW_HTTP = _env_bool("PACT_PARTNER_ALLOW_HTTP", False)
PACT_HTTP_TIMEOUT_SECONDS = _env_int("PACT_HTTP_TIMEOUT_SECONDS", 15)
# How long an event to a partner is retried (the specification: no more than 3 days).
PACT_DELIVERY_HOURS = _env_int("PACT_DELIVERY_HOURS", 72)
PACT_DELIVERY_INTERVAL_SECONDS = _env_int("PACT_DELIVERY_INTERVAL_SECONDS", 30)
INVITATION_TTL = timedelta(days=_env_int("INVITATION_TTL_DAYS", 7))
OAUTH_TOKEN_TTL = timedelta(seconds=_env_int("OAUTH_TOKEN_TTL_SECONDS", 3600))

# --- Internationalisation --------------------------------------------------------------------
# Every page, form, error, finding and e-mail exists in both languages; CI fails on a
# missing or fuzzy zh-Hans translation (tests/web/test_translations.py). The catalogues are
# each app's locale/zh_Hans/LC_MESSAGES/django.po, compiled by `manage.py compile_translations`.
# Our catalogues first: they win over Django's own for the same English text ("Log out" is
# 退出登录 here, not the admin's 注销).
LOCALE_PATHS = [
    BASE_DIR / package / "locale"
    for package in ("web", "accounts", "suppliers", "exchange", "reference", "core")
]
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LANGUAGE_COOKIE_NAME = "cbam_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
# Numbers and dates per language (web/formats/: grouped amounts in both languages).
FORMAT_MODULE_PATH = ["web.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves STATIC_ROOT (filled by collectstatic); in development the finders serve
# the apps' static folders directly.
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CBAM Exchange <no-reply@localhost>")

# --- Security (production) -------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
    # Healthchecks come from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# The PACT host (/3/…, /auth/token, /.well-known/openid-configuration) answers HTTPS only: a
# plain-HTTP call gets 400 BadRequest and no token or data (exchange.pact.middleware). True
# everywhere, development included (`make tls` serves over TLS). Behind a proxy, HTTPS is
# recognised from its X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER, deploy/nginx/).
PACT_REQUIRE_TLS = _env_bool("PACT_REQUIRE_TLS", True)

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StablePageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PlatformAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.ClientRateThrottle",
        "accounts.api.throttling.OrganisationRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": os.environ.get("THROTTLE_CLIENT_RATE", "600/min"),
        "organisation": os.environ.get("THROTTLE_ORGANISATION_RATE", "3000/min"),
        "token": os.environ.get("THROTTLE_TOKEN_RATE", "30/min"),
        "calculator_anon": os.environ.get("THROTTLE_CALCULATOR_ANON_RATE", "20/min"),
        "footprint_verify": os.environ.get("THROTTLE_FOOTPRINT_VERIFY_RATE", "120/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CBAM Exchange API",
    "DESCRIPTION": (
        "Supply-chain carbon data exchange for the EU Carbon Border Adjustment Mechanism. "
        "Errors share one envelope: {code, message, extra}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.roles.Role",
        "MachineRoleEnum": "accounts.roles.MACHINE_ROLE_CHOICES",
        "CalculatorRouteEnum": "cbam.parsing.ROUTE_CHOICES",
        "BuyerProductRouteEnum": "exchange.boms.inputs.ROUTE_CHOICES",
    },
}

# --- Celery ------------------------------------------------------------------------------------
# Hard limit of one task run; the lease on a work row and the broker's visibility timeout are
# derived from it so that a redelivered message always finds the previous lease expired.
CELERY_TASK_TIME_LIMIT = _env_int("CELERY_TASK_TIME_LIMIT", 30)
if CELERY_TASK_TIME_LIMIT < 2:
    raise ImproperlyConfigured(
        f"CELERY_TASK_TIME_LIMIT={CELERY_TASK_TIME_LIMIT}: expected at least 2 seconds"
    )
# The soft limit interrupts the handler (its transaction rolls back, the job is retried) just
# before the hard kill: 5 s before it, or a fifth of the limit when the limit is short (a 6 s
# limit keeps 5 s of work instead of 1 s).
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, min(5, CELERY_TASK_TIME_LIMIT // 5))
JOB_LEASE_SECONDS = CELERY_TASK_TIME_LIMIT + 5
# Redis keeps the message of a killed worker "unacked" until this many seconds have passed.
# kombu's defaults (1 h timeout, a restore scan only every 10th 10-second tick) would leave a
# lost task for well over an hour; with the restore options below it is back in ~55 s.
BROKER_VISIBILITY_TIMEOUT = _env_int("BROKER_VISIBILITY_TIMEOUT", 50)
if BROKER_VISIBILITY_TIMEOUT <= JOB_LEASE_SECONDS:
    raise ImproperlyConfigured(
        f"BROKER_VISIBILITY_TIMEOUT={BROKER_VISIBILITY_TIMEOUT} must exceed the job lease "
        f"({JOB_LEASE_SECONDS} s = CELERY_TASK_TIME_LIMIT + 5), "
        "or a task still running is delivered to a second worker"
    )
JOB_MAX_ATTEMPTS = _env_int("JOB_MAX_ATTEMPTS", 5)
# A pending row not picked up after this long is enqueued again by the sweeper.
JOB_REQUEUE_AFTER_SECONDS = _env_int("JOB_REQUEUE_AFTER_SECONDS", 60)
JOB_SWEEP_INTERVAL_SECONDS = _env_int("JOB_SWEEP_INTERVAL_SECONDS", 30)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "cbam")
# Celery's Django fixup closes the database connection around every task unless told to keep
# it; a fresh PostgreSQL backend per task cost about a third of a validation (bench/validation.py).
# Workers keep it for this many tasks; config/celery.py still drops a broken or aged connection
# (CONN_MAX_AGE, CONN_HEALTH_CHECKS) before each task.
CELERY_DB_REUSE_MAX = _env_int("CELERY_DB_REUSE_MAX", 1000)

# --- Validation --------------------------------------------------------------------------------
# The certificate price ASSUMED where none is published (EUR per certificate), always labelled as
# an assumption in what it prices: the published prices are reference data
# (reference/data/certificate-prices-ir2025-2548.csv; declarations use the price of each
# shipment's quarter, exposure the last published one). The "default value must be used"
# decisions still price their cost at this figure. 75 EUR is an illustrative figure in the
# 70-80 EUR range of EU ETS prices in 2025 (DOMAIN.md).
CBAM_CERTIFICATE_PRICE_EUR = os.environ.get("CBAM_CERTIFICATE_PRICE_EUR", "75.00")
DECISION_REFRESH_INTERVAL_SECONDS = _env_int("DECISION_REFRESH_INTERVAL_SECONDS", 60)
# Validation: how many runs of a batch one work row validates (in one transaction).
VALIDATION_CHUNK_SIZE = _env_int("VALIDATION_CHUNK_SIZE", 50)
# Footprint requests: how often open requests are expired / reminded, and how many days
# before the due date the reminder goes out.
SHARING_PERIODIC_INTERVAL_SECONDS = _env_int("SHARING_PERIODIC_INTERVAL_SECONDS", 3600)
SHARING_REQUEST_REMINDER_DAYS = _env_int("SHARING_REQUEST_REMINDER_DAYS", 3)
# Bills of materials: how often stored results are checked against their inputs' digest
# (changes seen through audit events are recomputed at once; this catches the rest).
BOMS_REFRESH_INTERVAL_SECONDS = _env_int("BOMS_REFRESH_INTERVAL_SECONDS", 3600)
# Shipment CSV uploads: the largest file and the most rows one upload may hold.
DECLARATIONS_UPLOAD_MAX_BYTES = _env_int("DECLARATIONS_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
DECLARATIONS_UPLOAD_MAX_ROWS = _env_int("DECLARATIONS_UPLOAD_MAX_ROWS", 5000)
# Dotted modules of extra validation rules, imported after the shipped ones in every process
# (suppliers.validation.loading); the tests give worker processes a slow rule this way.
VALIDATION_EXTRA_RULE_MODULES = _env_list("CBAM_EXTRA_RULE_MODULES", [])

BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # Restore at most this many unacked messages per check; keeps restores cheap.
        "unacked_restore_limit": 100,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
        # A worker killed while holding the restore mutex must not block restores for 5 min.
        "unacked_mutex_expire": 30,
        # A frozen Redis must not hang a web request that enqueues work.
        "socket_timeout": 5,
        "socket_connect_timeout": 3,
        "socket_keepalive": True,
        "retry_on_timeout": False,
        "health_check_interval": 25,
    }
