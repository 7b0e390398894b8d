"""Settings read from the environment, so one image runs as a laptop demo or a bureau server.

DATABASE_URL     sqlite:///… (default: var/acupoint.sqlite3) or postgres://…
SECRET_KEY       required unless DEBUG is on
DEBUG            "1"/"true" for development
ALLOWED_HOSTS    comma-separated host names
CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://acupoint.example.gov.cn
HTTPS            "0" only for an intranet served over plain HTTP (no secure cookies, no HSTS)
SECURE_SSL_REDIRECT   "0" when the proxy in front already redirects HTTP to HTTPS
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ACUPOINT_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = _flag("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (生产环境必须设置 SECRET_KEY)."
        )
    SECRET_KEY = "acupoint-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_htmx",
    "acupoint.site",
    "acupoint.accounts",
    "acupoint.registry",
    "acupoint.triage",
    "acupoint.clusters",
    "acupoint.policies",
    "acupoint.cocreation",
    "acupoint.projects",
    "acupoint.cultivation",
    "acupoint.brands",
    "acupoint.dashboard",
    "acupoint.notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "acupoint.site.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "acupoint.site.middleware.WorkingCalendarMiddleware",
    "acupoint.site.middleware.UploadLimitMiddleware",
    "acupoint.site.middleware.BusyDatabaseMiddleware",
    "acupoint.site.logs.SlowRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "acupoint.site.urls"
WSGI_APPLICATION = "acupoint.site.wsgi.application"
ASGI_APPLICATION = "acupoint.site.asgi.application"

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
                "django.template.context_processors.i18n",
                "acupoint.site.context.navigation",
                "acupoint.notices.context.unread",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'acupoint.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One writer at a time: a request waits up to the busy timeout for the writer before it
    # is told the platform is busy (BusyDatabaseMiddleware).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("ACUPOINT_SQLITE_BUSY_SECONDS", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "dashboard:overview"
# Sign-in attempts are counted per account and per address (django-axes): after the limit of
# failures either is locked out for the cool-off, the page says so, and every failure is
# audited. Behind a reverse proxy, set AXES_IPWARE_PROXY_COUNT so the client's address is read.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("ACUPOINT_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("ACUPOINT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "acupoint.accounts.views.locked_out"
AXES_VERBOSE = False
# An API token lives this many days, and dies at once when its user's password changes.
ACUPOINT_API_TOKEN_DAYS = int(os.environ.get("ACUPOINT_API_TOKEN_DAYS", "90"))

# Notices are also e-mailed when the site has a mail server (EMAIL_HOST); the link in each
# mail starts with ACUPOINT_SITE_URL.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "acupoint@localhost")
ACUPOINT_NOTICE_EMAIL = bool(EMAIL_HOST)
ACUPOINT_SITE_URL = os.environ.get("ACUPOINT_SITE_URL", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

HTTPS = _flag("HTTPS", default=True)
if not DEBUG and HTTPS:
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", default=True)
    if not SECURE_SSL_REDIRECT:
        # The operator declares that the proxy in front redirects HTTP to HTTPS.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    # A load balancer asks over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every page, charts included, runs only the platform's own scripts and style sheets: no
# inline script, no eval (charts use Vega's expression interpreter), nothing from elsewhere.
# Style attributes are allowed, for Vega sizes its charts with them; they run nothing.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
    "style-src-elem": ["'self'"], "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"], "font-src": ["'self'"], "connect-src": ["'self'"],
    "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}}

# Logs: key=value lines (one entry per line, a traceback below it) to stdout and to a file
# that rotates at 50 MB, ten files kept (ACUPOINT_LOG_DIR, default var/log).
LOG_DIR = Path(os.environ.get("ACUPOINT_LOG_DIR", VAR_DIR / "log"))
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"keyvalue": {"()": "acupoint.site.logs.KeyValueFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "keyvalue"},
        "file": {"class": "logging.handlers.RotatingFileHandler", "formatter": "keyvalue",
                 "filename": str(LOG_DIR / "acupoint.log"), "maxBytes": 50 * 1024 * 1024,
                 "backupCount": 10, "encoding": "utf-8"},
    },
    "root": {"handlers": ["console", "file"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"acupoint": {"level": os.environ.get("ACUPOINT_LOG_LEVEL", "INFO")}},
}
# Requests and queries slower than these are logged (milliseconds).
ACUPOINT_SLOW_REQUEST_MS = int(os.environ.get("ACUPOINT_SLOW_REQUEST_MS", "3000"))
ACUPOINT_SLOW_QUERY_MS = int(os.environ.get("ACUPOINT_SLOW_QUERY_MS", "1000"))

ACUPOINT_PAGE_SIZE = 50

# How large an uploaded file may be, checked before its body is read; and how large the
# sheets of a workbook may be, checked before it is opened. The defaults hold a year of a
# large city's data (300,000 rows of 60 columns).
# /healthz fails below this much free space on the media disk.
ACUPOINT_MIN_FREE_DISK_MB = int(os.environ.get("ACUPOINT_MIN_FREE_DISK_MB", "1024"))
# gunicorn workers of `acupoint serve` (each holds the engine; about 300 MB apiece).
ACUPOINT_WEB_WORKERS = int(os.environ.get("ACUPOINT_WEB_WORKERS",
                                          str(min(2 * (os.cpu_count() or 1) + 1, 9))))
ACUPOINT_UPLOAD_MAX_MB = int(os.environ.get("ACUPOINT_UPLOAD_MAX_MB", "200"))
ACUPOINT_SHEET_MAX_ROWS = int(os.environ.get("ACUPOINT_SHEET_MAX_ROWS", "1048576"))
ACUPOINT_SHEET_MAX_COLUMNS = int(os.environ.get("ACUPOINT_SHEET_MAX_COLUMNS", "2000"))
ACUPOINT_SHEET_MAX_CELLS = int(os.environ.get("ACUPOINT_SHEET_MAX_CELLS", "30000000"))
ACUPOINT_WORKBOOK_MAX_UNPACKED_MB = int(
    os.environ.get("ACUPOINT_WORKBOOK_MAX_UNPACKED_MB", "3072"))

# Long work (an evaluation of 100,000 enterprises) runs in a worker: `acupoint worker`
# (django-tasks-db's db_worker), which `acupoint demo` starts beside the site. Set
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend to run tasks in the request.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND",
                                               "django_tasks_db.DatabaseBackend")}}

# A class kept in fewer than this share of the uncertainty analysis's draws is "fragile":
# such firms are listed for manual review before a run is published.
ACUPOINT_FRAGILE_BELOW = float(os.environ.get("ACUPOINT_FRAGILE_BELOW", "0.8"))
ACUPOINT_ROBUSTNESS_DRAWS = int(os.environ.get("ACUPOINT_ROBUSTNESS_DRAWS", "200"))
