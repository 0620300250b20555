"""Django settings for ServiceHall, built from the environment read in ``servicehall.env``.

Only process-level configuration lives here. Anything a hall manager may change (prefixes, timeouts,
deadlines) is a per-hall database setting, not a Django setting.
"""

import os
from pathlib import Path

import dj_database_url

from servicehall.env import read_environment

# Every variable is read there, once: a malformed value stops start-up with a message saying what to set.
ENV = read_environment()
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = ENV.var_dir

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
SERVICEHALL_ENV = ENV.env
SERVICEHALL_REDIS_URL = ENV.redis_url

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "servicehall.core",
    "servicehall.catalog",
    "servicehall.live",
    "servicehall.queueing",
    "servicehall.appointments",
    "servicehall.quality",
    "servicehall.customers",
    "servicehall.feedback",
    "servicehall.training",
    "servicehall.kiosk",
    "servicehall.navigation",
    "servicehall.guides",
    "servicehall.consult",
    "servicehall.analytics",
    "servicehall.eforms",
    "servicehall.cases",
    "servicehall.staff",
    # The demo hall and `servicehall demo`: it uses every domain above, so it is an app of its own.
    "servicehall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "servicehall.core.middleware.ContentSecurityPolicyMiddleware",
    "servicehall.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "servicehall.core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "servicehall.core.middleware.DomainErrorPageMiddleware",
    "servicehall.core.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "servicehall.urls"
WSGI_APPLICATION = "servicehall.wsgi.application"
ASGI_APPLICATION = "servicehall.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicehall.core.context_processors.servicehall",
            ],
        },
    },
]


def _database(url: str) -> dict:
    if url.startswith("sqlite:"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "servicehall.core.sqlite",
            "NAME": path,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers never
                # both read and then fail to upgrade; WAL lets readers go on while one writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA busy_timeout=20000;"
                ),
            },
            # The test database is a file, not memory, so that a server started as a subprocess by the
            # tests (tests/serverproc.py) opens the same database; one file per test process, so that two
            # runs in one checkout never delete each other's database.
            "TEST": {"NAME": ENV.test_sqlite_name or str(ENV.var_dir / f"test-{os.getpid()}.sqlite3")},
        }
    config = dj_database_url.parse(url)
    config.setdefault("OPTIONS", {})
    if ENV.db_pool:
        # Under ASGI, persistent connections leak; psycopg's pool is the safe way to reuse them.
        config["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 20, "timeout": 10}
        config["CONN_MAX_AGE"] = 0
    else:
        # Persistent connections: safe under WSGI (one per worker thread; `servicehall serve --workers N`
        # sets 600 s for its granian workers), never under ASGI.
        config["CONN_MAX_AGE"] = ENV.conn_max_age
        # A kept connection is checked (one SELECT 1) before its first use in a request, so a database
        # restart costs no failed request.
        config["CONN_HEALTH_CHECKS"] = config["CONN_MAX_AGE"] != 0 and ENV.conn_health_checks
    return config


DATABASES = {"default": _database(ENV.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# One backend, with the lock-out and the audit, for every way to sign in (core/auth.py).
AUTHENTICATION_BACKENDS = ["servicehall.core.auth.LockoutBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = ENV.time_zone
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if ENV.s3 is not None:  # uploaded files in a private S3-compatible bucket (servicehall.core.media)
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **ENV.s3,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ENV.env == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind nginx these belong to nginx; a server that speaks HTTPS itself sets them (docs/security.md).
    SECURE_HSTS_SECONDS = ENV.hsts_seconds
    SECURE_SSL_REDIRECT = ENV.ssl_redirect

# Log-in lock-out (core.services.login_is_locked): this many failures of one account from one address lock
# that pair for the window, doubled for each further batch within a day; twice as many from anywhere lock the
# account except from addresses it signed in from before; four times as many lock an address.
SERVICEHALL_LOGIN_MAX_FAILURES = 5
SERVICEHALL_LOGIN_LOCK_SECONDS = 15 * 60
# Public endpoints: requests per minute per client address.
SERVICEHALL_PUBLIC_RATE_PER_MINUTE = ENV.public_rate_per_minute
# How long one process reuses a hall's queue snapshot for wait estimates (seconds; 0 = always read).
SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS = ENV.estimate_snapshot_seconds
# Texts to citizens: "console", "file" (var/notifications.jsonl) or the dotted path of an SMS gateway class.
SERVICEHALL_NOTIFY_BACKEND = ENV.notify_backend
# The public address of the site, for links in text messages (a phone cannot open a bare path).
SERVICEHALL_PUBLIC_URL = ENV.public_url
# Per-process memo of rows every request reads (servicehall.core.memo); 0 turns it off.
SERVICEHALL_MEMO_SECONDS = ENV.memo_seconds
# How many proxies (nginx) to trust in X-Forwarded-For (core.actors.client_ip).
SERVICEHALL_TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count
# A .ttf/.ttc to embed in PDFs (catalog.pdf); blank: the first CJK font found.
SERVICEHALL_PDF_FONT = ENV.pdf_font
# Personal data at rest (core.crypto): the Fernet keys, newest first, and the stable key of look-up digests.
SERVICEHALL_DATA_KEYS = ENV.data_keys
SERVICEHALL_DIGEST_KEY = ENV.digest_key

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "expected_answers": {"()": "servicehall.core.logging.ExpectedAnswers"},
        "outage_tracebacks": {"()": "servicehall.core.logging.OutageTracebacks"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "servicehall": {"level": "INFO"},
        "django.request": {"level": "WARNING", "filters": ["expected_answers", "outage_tracebacks"]},
    },
}

# Shared counters (rate limits) must be shared by every server process: Redis when configured.
if ENV.redis_url:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ENV.redis_url}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
