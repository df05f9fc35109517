"""Settings, read from the environment (12-factor).

The embedded default (no variable set) is SQLite plus the in-memory channel layer in one
process; the scale-out deployment sets DATABASE_URL and REDIS_URL (see docker-compose.yml).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Without DEBUG an unset key stays empty: Django refuses it when something needs it (signing a
# session, a token) and `alliance/asgi.py` refuses to serve without it, while commands that
# need no key (migrations, checks) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or env_bool("ALLIANCE_TESTING", False)):
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "alliance",
    "proposals",
    "deliberation",
    "documents",
    "assemblies",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alliance.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alliance.middleware.IdOutOfRangeMiddleware",
    "alliance.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "alliance.urls"
ASGI_APPLICATION = "alliance.asgi.application"
WSGI_APPLICATION = None

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
                "frontend.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# DATABASE_CONN_MAX_AGE (seconds): connections are kept between requests (opening one cost
# more than a page's queries, and slowed the fail-over of docs/RELIABILITY.md) and checked
# before reuse, so a restarted PostgreSQL is reconnected to, not failed on.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) for the test database too, so that a real daphne process started
    # by the browser and live tests reads the same data as the test.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # DATABASE_POOL_SIZE: the most PostgreSQL connections a process holds (0: no pool, then
    # DATABASE_CONN_MAX_AGE applies). Under ASGI each request runs in a thread of its own, and
    # connections kept per thread outlived their threads until PostgreSQL refused new ones
    # (docs/PERFORMANCE.md); a pool takes each connection back at the end of the request and
    # checks it before lending it again. With PostgreSQL down, a request waits `timeout`
    # seconds for a connection, then answers 503 (`database_unavailable`); a failed connection
    # attempt is given up after `reconnect_timeout`, so the next request tries again at once.
    pool_size = int(os.environ.get("DATABASE_POOL_SIZE", "10"))
    if pool_size > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": min(2, pool_size),
            "max_size": pool_size,
            "timeout": 2,
            "reconnect_timeout": 2,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "alliance.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "alliance"),
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
else:
    # Channels' own in-memory layer, minus a scan per message received (alliance/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "alliance.layers.InMemoryChannelLayer"}}

# LIVE_TALLY_WRITE_SHARE: the share of its time a server process spends writing live tallies
# to its screens at most, once a second's worth saved up is spent (assemblies/fanout.py). In a
# large room under a flood of votes, writing tallies was most of a process's time and starved
# the votes themselves (docs/PERFORMANCE.md). Measured in elapsed time, so it adapts by itself
# to a slower machine or to processes sharing a core.
LIVE_TALLY_WRITE_SHARE = float(os.environ.get("LIVE_TALLY_WRITE_SHARE", "0.25"))
if not 0 < LIVE_TALLY_WRITE_SHARE <= 1:
    raise ImproperlyConfigured("LIVE_TALLY_WRITE_SHARE must be above 0 and at most 1.")

# --- Cache (login failure counts): shared by every daphne process through Redis when set ----
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "alliance-cache"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "alliance.User"
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:home"
# After this many failed logins for one username from one address (or, from one address for
# any usernames, the second limit, sized for a venue behind one public address; a success takes
# its own failures off it) within the window, further attempts of that pair (or from that
# address) are refused until the window passes or the secretariat lifts the lock
# (alliance/throttling.py).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_IP = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_IP", "100"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", str(15 * 60)))
# Password reset requests: per email (known or not) and per address, in the window.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "5"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "20"))
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW", str(60 * 60)))
# Addresses or networks (comma-separated, e.g. "172.16.0.0/12,10.0.0.5") of the reverse proxies
# whose `X-Forwarded-For` tells the client's address. Empty: no header is believed, the
# connection's address is the client's (alliance/throttling.py, `client_ip`).
# A wrong entry stops the start here rather than at the first sign-in.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry, strict=False)) for entry in env_list("TRUSTED_PROXIES", "")
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: French first, English second --------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("ALLIANCE_TESTING", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("ALLIANCE_TESTING", False)

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Alliance des CAE <noreply@localhost>")

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then answers 401 with `WWW-Authenticate: Token`.
        "alliance.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "alliance.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "alliance.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "alliance.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance API",
    "DESCRIPTION": "API de la plateforme de gouvernance de l'alliance des CAE.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Many models have fields named `kind` or `status`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        f"{path.rsplit('.', 1)[1]}Enum": path
        for path in [
            "proposals.models.scenarios.ProposalStatus",
            "proposals.models.scenarios.AmendmentStatus",
            "proposals.models.scenarios.NoteKind",
            "proposals.models.scenarios.Position",
            "proposals.models.consultation.Respondents",
            "proposals.models.consultation.ResultsVisibility",
            "proposals.models.consultation.Weighting",
            "proposals.models.consultation.ConsultationStatus",
            "proposals.models.consultation.AnswerChannel",
            "deliberation.models.notifications.NotificationFrequency",
            "deliberation.models.synthesis.PinKind",
            "deliberation.models.threads.Stance",
            "deliberation.models.threads.CommentStatus",
            "deliberation.models.threads.ReactionKind",
            "documents.models.DocumentKind",
            "documents.models.DocumentStatus",
            "documents.models.VersionKind",
            "documents.models.AnswerStatus",
        ]
    },
}

# --- Security (production values when DEBUG is off) ----------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
