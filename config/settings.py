"""Settings for the science-and-technology bureau registry.

One file, driven by environment variables (see the table in README.md).
Defaults are safe: DEBUG is off and a SECRET_KEY must be given unless DEBUG is on.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1/0 or true/false")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (make run sets a development key).")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First, so that its templates (admin/base_site.html, ...) override the admin's own.
    "registry",
    "registry.apps.RegistryAdminConfig",  # django.contrib.admin with the dashboard site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: forwarded headers count only when the request comes from the configured proxy.
    "registry.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index.include) are PostgreSQL's; SQLite builds the same index without the
# extra columns, which is all the embedded database needs (registry/models/talents.py).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    # django-axes first so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: Chinese by default whatever the browser says; English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "registry" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Production serves hashed, compressed files made by `collectstatic`; development and tests
# serve the app directories directly (no collectstatic needed).
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
# Evidence files (registry/models/evidence.py): under MEDIA_ROOT, which no URL serves, or in S3-compatible
# object storage when several app servers share them (EVIDENCE_STORAGE=s3, docs/scaling.md).
EVIDENCE_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("EVIDENCE_S3_BUCKET", ""),
            "endpoint_url": env("EVIDENCE_S3_ENDPOINT", "") or None,
            "access_key": env("EVIDENCE_S3_ACCESS_KEY", ""),
            "secret_key": env("EVIDENCE_S3_SECRET_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if env("EVIDENCE_STORAGE", "files") == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
EVIDENCE_MAX_UPLOAD_BYTES = envint("EVIDENCE_MAX_UPLOAD_MB", 20) * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": EVIDENCE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# The admin lives under a configurable path (ADMIN_URL=manage/ moves it away from /admin/).
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"

# Mail (send_reminders): the console backend prints mails in development; set the SMTP backend and
# its host in production (or the file backend and EMAIL_FILE_PATH to keep mails as files).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "registry@localhost")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "mail"))
# The site's address in the reminders' mails (links to the records), e.g. https://registry.example.org.
REMINDER_SITE_URL = env("REMINDER_SITE_URL")

# Sessions end after 8 hours of work or when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# HTTPS and security headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy: X-Forwarded-Proto (and X-Forwarded-For, the client's address) are
# believed only from TRUSTED_PROXIES; registry.middleware.TrustedProxyMiddleware drops them otherwise.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "127.0.0.1,::1")
if envbool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): everything from this site only, no inline script, no framing.
# Inline styles stay allowed: the admin and the dashboard's charts use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Health checks over plain HTTP on loopback are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Login protection (registry/login_limits.py): lock a user and address pair after repeated failures,
# and the account itself after more failures from any number of addresses (its sessions then end).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_ACCOUNT_FAILURE_LIMIT = envint("AXES_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "registry.login_limits.AccountLockHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registry/lockout.html"
AXES_VERBOSE = False

# Cache: local memory by default; set CACHE_BACKEND to the database cache when several servers share one DB.
CACHES = {
    "default": {
        "BACKEND": env("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env("CACHE_LOCATION", "registry"),
    }
}

# Background tasks (django-tasks, the task API of Django 6): the immediate backend runs a task inside
# the request that queues it (development, tests, small registries); production sets
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs `manage.py db_worker` (docs/scaling.md).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}
# Report snapshots older than this are recounted in the background (an approval recounts at once).
REPORTS_MAX_AGE_SECONDS = envint("REPORTS_MAX_AGE_SECONDS", 15 * 60)

# Technology contracts whose technology transaction amount reaches this many 万元 are flagged for
# expert review when they are registered (技术合同认定登记).
CONTRACT_EXPERT_REVIEW_THRESHOLD = envint("CONTRACT_EXPERT_REVIEW_THRESHOLD", 500)

# Spreadsheet import limits.
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_MB", 20) * 1024 * 1024
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
# Files waiting for confirmation expire after this many seconds.
IMPORT_PENDING_TTL = envint("IMPORT_PENDING_TTL", 2 * 60 * 60)
# Files with more rows than this are checked and written by a background task (importing/jobs.py).
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", 20_000)
# A background import or export whose worker gave no sign for this long may be started again.
IMPORT_JOB_STALE_SECONDS = envint("IMPORT_JOB_STALE_SECONDS", 600)
# Exports of more rows than this are written by a background task (importing/export_jobs.py); the
# file is kept for the user who asked for EXPORT_FILE_TTL seconds.
EXPORT_BACKGROUND_ROWS = envint("EXPORT_BACKGROUND_ROWS", 20_000)
EXPORT_FILE_TTL = envint("EXPORT_FILE_TTL", 24 * 60 * 60)
# Workbooks are read in a child process with this much address space and CPU time (workbook_process.py).
IMPORT_READER_MEMORY_MB = envint("IMPORT_READER_MEMORY_MB", 2048)
IMPORT_READER_SECONDS = envint("IMPORT_READER_SECONDS", 120)

# Backups (manage.py backup_registry): where the archives go, and how many of the newest are kept (0 keeps all).
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_KEEP = envint("BACKUP_KEEP", 14)

# The read-only API (registry/api/, docs/api.md). Authentication, permission and throttling are set
# on its views; these are the defaults of everything else REST framework and the schema read.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.handle",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "科技局人才与技术转移登记系统 API",
    "DESCRIPTION": "只读接口，见 docs/api.md。认证：Authorization: Bearer <API 密钥>，或已登录管理后台的工作人员。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Requests per API key (or staff member) and period, e.g. 600/minute or 20000/hour.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "600/minute")
# A key's "last used" time is written at most this often (seconds), not on every call.
API_KEY_LAST_USED_INTERVAL = envint("API_KEY_LAST_USED_INTERVAL", 300)
# Secret of the keyed hash API keys are stored as; SECRET_KEY when empty. Changing it invalidates every key.
API_KEY_SECRET = env("API_KEY_SECRET")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# `loaddata articles` finds the article fixtures here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
