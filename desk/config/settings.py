"""The one settings module, by concern. Every deployment choice comes from an environment
variable; docs/configuration.md lists each one (a test keeps the two in step).

With no variables set, socialdesk runs on an embedded default: SQLite in the working
directory and Celery on a broker folder beside it (`manage.py run_demo` starts the web
server, a worker and beat together), so a fresh checkout needs neither PostgreSQL nor Redis.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from desk.config import components
from desk.config.schedule import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _embedded_secret_key() -> str:
    # The embedded default keeps a random key beside the SQLite file, so a demo install never
    # ships a known secret and sessions survive restarts. Production sets SECRET_KEY.
    key_file = Path.cwd() / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# --- The site -----------------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY") or _embedded_secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Where platforms reach us: webhook URLs printed by `channel add` are built from it.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS, MIDDLEWARE, TEMPLATES = (
    components.INSTALLED_APPS,
    components.MIDDLEWARE,
    components.TEMPLATES,
)
ROOT_URLCONF = components.ROOT_URLCONF
WSGI_APPLICATION = components.WSGI_APPLICATION

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed by `npm ci` (package.json); only their dist folders.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Oversized bodies are refused before they are parsed; see desk.api for the field limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 256 * 1024)
# Mail posted by an inbound-parse service carries its attachments: SendGrid posts messages of
# up to 30 MB, Mailgun up to 25 MB. Only those channels' webhook URLs accept this much.
INBOUND_MAIL_MAX_BYTES = env_int("INBOUND_MAIL_MAX_BYTES", 30 * 1024 * 1024)

# --- Languages and time -------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("pl", "Polski"),
    ("sv", "Svenska"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Storage: database and cache ----------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{Path.cwd() / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A health check is a SELECT 1 round trip per request, as dear as a webhook's INSERT.
        # Without it a connection broken by a database restart fails one request with a 503
        # (desk.ops.errors), is closed at its end, and the next request reconnects.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
# The hottest INSERTs run as prepared statements (tickets.prepared); off behind a pooler that
# does not keep a server session per client (PgBouncer in transaction mode).
PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", True)
REDIS_URL = env("REDIS_URL")
# The embedded default: SQLite and no Redis (the demo of `make run`).
_EMBEDDED = not REDIS_URL and DATABASES["default"]["ENGINE"].endswith("sqlite3")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the demo's web process read while a task writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if _EMBEDDED:
    # Web, worker, beat and the traffic stream write to one SQLite file: wait for the lock
    # instead of failing, and take the write lock when a transaction begins, not mid-way.
    DATABASES["default"]["OPTIONS"].update(timeout=30, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "desk.config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "socialdesk"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work: Celery and its schedule ---------------------------------------------

# Redis in production. Without Redis, on SQLite (the embedded default), the broker is a folder
# beside the SQLite file (kombu's filesystem transport): `manage.py run_demo` starts a worker
# and beat on it, so the same tasks and schedule run as in production, with no server. Tests
# make tasks eager themselves (tests/conftest.py). With PostgreSQL but no Redis there is no
# broker a worker could share: tasks run inline.
_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
EMBEDDED_BROKER_DIR = Path(env("EMBEDDED_BROKER_DIR", str(Path.cwd() / ".broker")))
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", REDIS_URL or ("filesystem://localhost/" if _SQLITE else "memory://")
)
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL and not _SQLITE
)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "socialdesk")
# Publish straight to the queue's list. Through a named exchange, Redis routes by a binding
# that lives only in Redis: after a Redis restart without persistence, a web process that
# declared it before keeps publishing into nothing until a worker declares it again.
CELERY_TASK_DEFAULT_EXCHANGE = ""
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One immediate retry on a fresh connection (a pooled one may have gone stale), then give up:
# the event is stored, and the sweeper takes over.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
# A publish must fail fast when Redis is down: the event is already stored and the sweeper
# will enqueue it later, so a webhook should not hang waiting for the broker.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "visibility_timeout": 3600,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder is both ends of the queue; the worker polls it once a second.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(EMBEDDED_BROKER_DIR),
        "data_folder_out": str(EMBEDDED_BROKER_DIR),
        "processed_folder": str(EMBEDDED_BROKER_DIR / "processed"),
        # kombu's default is "control" in the working directory: a clone's root, after make run.
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 1,
    }
    (EMBEDDED_BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
# Beat's crontab entries are in the desk's time zone (the weekly summary on Monday morning).
CELERY_TIMEZONE = TIME_ZONE
# Channel health (docs/channels/health.md): how often beat asks the platforms about tokens,
# permissions and subscriptions.
HEALTH_CHECK_SECONDS = env_float("HEALTH_CHECK_SECONDS", 3600)
CELERY_BEAT_SCHEDULE = beat_schedule(
    inbound_sweep_seconds=env_float("INBOUND_SWEEP_SECONDS", 10),
    health_check_seconds=HEALTH_CHECK_SECONDS,
)

# --- Security: sign-in, HTTPS, headers ----------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"
# Login brute-force protection (django-axes): a username is locked for an address after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "desk.security.backends.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
AXES_VERBOSE = False
# Two-factor login (desk.security.two_factor): optional per staff member; STAFF_REQUIRE_2FA=1
# sends everyone without an enrolled authenticator app to enrol before any other page.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA")
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "socialdesk")

# HTTPS defaults to on when socialdesk is published over https (PUBLIC_BASE_URL), so a
# production install is secure without extra switches, while the demo on http://127.0.0.1
# keeps working; HTTPS=0/1 overrides.
HTTPS = env_bool("HTTPS", PUBLIC_BASE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (set only if it always does).
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = components.SECURE_CSP
# Fernet keys (comma separated, newest first) that encrypt channel credentials at rest.
# Without one, a key derived from SECRET_KEY is used, which is fine only for the demo.
CREDENTIALS_KEYS = env_list("CREDENTIALS_KEYS")

# --- The REST API -------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["desk.api.auth.ApiClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "desk.api.permissions.TokenHasScope",
    ],
    "DEFAULT_PARSER_CLASSES": ["desk.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "desk.api.schema.ScopedAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["desk.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": env("API_THROTTLE_RATE", "6000/min")},
    "EXCEPTION_HANDLER": "desk.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = components.SPECTACULAR_SETTINGS

# --- Mail ---------------------------------------------------------------------------------

_MAIL_BACKEND = env("EMAIL_BACKEND", "desk.config.mail.ConsoleBackend")
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 10,
            }
            if _MAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "desk@socialdesk.invalid")

# --- Channels: inbound processing, the outbound client, polling and delivery --------------

# Processing attempts before an inbound event is parked as failed, and the base of the
# exponential backoff between attempts (seconds).
INBOUND_MAX_ATTEMPTS = env_int("INBOUND_MAX_ATTEMPTS", 6)
INBOUND_RETRY_BASE_SECONDS = env_int("INBOUND_RETRY_BASE_SECONDS", 30)
# The sweeper leaves a new event this long to the drain its storing asked for before asking
# for one itself (a drain lost with its worker or broker).
INBOUND_SWEEP_GRACE_SECONDS = env_int("INBOUND_SWEEP_GRACE_SECONDS", 10)
# Events a worker claims and processes in one transaction. SQLite has one writer at a time:
# smaller batches keep the web process from waiting for a whole batch to commit.
INBOUND_BATCH_SIZE = env_int("INBOUND_BATCH_SIZE", 20 if _SQLITE else 200)
# A batch commits what it has done after this long and leaves the rest of its claim pending:
# its first tickets do not wait for its last ones.
INBOUND_BATCH_SECONDS = env_float("INBOUND_BATCH_SECONDS", 1.0)
# While events keep arriving, a drain waits this long between partial batches to gather a
# larger one (fewer commits, less CPU per event during a spike); 0 turns it off.
INBOUND_GATHER_SECONDS = env_float("INBOUND_GATHER_SECONDS", 0.25)
# A drain hands over to a new one after this long, so other tasks on the queue get their turn.
INBOUND_DRAIN_SECONDS = env_float("INBOUND_DRAIN_SECONDS", 10)
# A web process counts and indexes the inquiries it creates (crisis counters, similar
# questions) together, once per window of this length, after their commits, by a background
# thread on a connection of its own (desk.ingestion.counting). 0 counts each create before it
# answers: the tests do, since their transactions are invisible to a second connection. SQLite
# (one writer at a time) always counts before answering.
INQUIRY_COUNT_WINDOW_SECONDS = env_float("INQUIRY_COUNT_WINDOW_SECONDS", 0.05)
# A reply to a resolved ticket within this many days reopens it; later, a new ticket opens.
REOPEN_WINDOW_DAYS = env_int("REOPEN_WINDOW_DAYS", 7)
# Hosts that may resolve to private or loopback addresses (fake platforms in tests, an
# internal mail server); everything else must be a public address.
OUTBOUND_ALLOW_PRIVATE_HOSTS = env_list("OUTBOUND_ALLOW_PRIVATE_HOSTS")
HTTP_TIMEOUT_SECONDS = env_float("HTTP_TIMEOUT_SECONDS", 20)
HTTP_MAX_RETRIES = env_int("HTTP_MAX_RETRIES", 3)
HTTP_RETRY_BASE_SECONDS = env_float("HTTP_RETRY_BASE_SECONDS", 1)
# A Retry-After longer than this is not waited out in the request: the poll is rescheduled.
HTTP_MAX_RETRY_WAIT_SECONDS = env_float("HTTP_MAX_RETRY_WAIT_SECONDS", 30)
# Pages fetched by one poll of one channel before it yields to the others.
POLL_MAX_PAGES = env_int("POLL_MAX_PAGES", 10)
# Outbound messages: attempts before failing, and the age at which the sweeper re-enqueues
# a message still queued (its task was lost, e.g. Redis was down).
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_SWEEP_AFTER_SECONDS = env_int("DELIVERY_SWEEP_AFTER_SECONDS", 300)
# Days before a platform token's end when staff are warned (or the token refreshed).
TOKEN_WARN_DAYS = env_int("TOKEN_WARN_DAYS", 7)
# Our applications on the platforms, for connecting channels from the browser
# (docs/channels/*.md says where each is registered). Empty means that platform's button
# is not offered. Mastodon registers itself on each instance; Bluesky uses app passwords.
META_APP_ID = env("META_APP_ID")
META_APP_SECRET = env("META_APP_SECRET")
# Facebook Login for Business: the configuration (permissions, token type) made in the app.
META_LOGIN_CONFIG_ID = env("META_LOGIN_CONFIG_ID")
X_CLIENT_ID = env("X_CLIENT_ID")
X_CLIENT_SECRET = env("X_CLIENT_SECRET")
# The app's API key secret (signs webhooks) and app-only bearer token (registers the webhook).
X_CONSUMER_SECRET = env("X_CONSUMER_SECRET")
X_APP_BEARER_TOKEN = env("X_APP_BEARER_TOKEN")
X_WEBHOOK_ID = env("X_WEBHOOK_ID")
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET")
LINKEDIN_CLIENT_ID = env("LINKEDIN_CLIENT_ID")
LINKEDIN_CLIENT_SECRET = env("LINKEDIN_CLIENT_SECRET")
# Platform addresses by kind ({"x": {"api": ...}}), replacing the connectors' defaults: set
# by tests to reach fake platforms; never needed in production.
CONNECT_ENDPOINTS: dict[str, dict[str, str]] = {}
# Channel health (docs/channels/health.md; how often it is checked: HEALTH_CHECK_SECONDS,
# with beat's schedule above): the days a channel's usual delivery rhythm is learnt from, and
# when a silence counts as unusual (longer than FACTOR usual intervals, than any gap in those
# days, and than MIN_MINUTES).
HEALTH_RHYTHM_DAYS = env_int("HEALTH_RHYTHM_DAYS", 7)
HEALTH_QUIET_FACTOR = env_float("HEALTH_QUIET_FACTOR", 10)
HEALTH_QUIET_MIN_MINUTES = env_int("HEALTH_QUIET_MIN_MINUTES", 60)
# Web form submissions allowed per address per hour; a form sent sooner than
# WEBFORM_MIN_SECONDS after it was served is taken for a bot.
WEBFORM_RATE_LIMIT_PER_HOUR = env_int("WEBFORM_RATE_LIMIT_PER_HOUR", 5)
WEBFORM_MIN_SECONDS = env_float("WEBFORM_MIN_SECONDS", 3)

# --- Replies: what the outbound gate adds -------------------------------------------------

# A personal reply by an employee ends with this disclosure (000 HARMAN: staff posting about
# the company say they work there).
EMPLOYEE_DISCLOSURE = env("EMPLOYEE_DISCLOSURE", "#MyEmployer")
# How long the split view holds resolve, netiquette, flag, assign and bulk actions for "Undo".
DESK_UNDO_SECONDS = env_float("DESK_UNDO_SECONDS", 5)

# --- Privacy: retention notices and retention ---------------------------------------------

# How channels without their own notice configuration give the retention notice.
PRIVACY_DEFAULT_NOTICE_METHOD = env("PRIVACY_DEFAULT_NOTICE_METHOD", "first_reply")
# What retention does when a conversation's notice period has passed ("anonymize" keeps
# counts and timings for the SLA figures; "delete" removes the conversation), how long
# conversations without a recorded notice are kept, and the batch size of the nightly run.
PRIVACY_RETENTION_ACTION = env("PRIVACY_RETENTION_ACTION", "anonymize")
PRIVACY_UNNOTICED_RETENTION_DAYS = env_int("PRIVACY_UNNOTICED_RETENTION_DAYS", 365)
PRIVACY_RETENTION_BATCH_SIZE = env_int("PRIVACY_RETENTION_BATCH_SIZE", 1000)

# --- Crisis detection and brand ambassadors -----------------------------------------------

# A crisis: at least CRISIS_MIN_NEGATIVE negative mentions in the last CRISIS_WINDOW_MINUTES
# on one channel or tracked term, and more than the usual level at this time of day (median
# over the last CRISIS_BASELINE_DAYS days) by CRISIS_MAD_FACTOR robust deviations.
CRISIS_WINDOW_MINUTES = env_int("CRISIS_WINDOW_MINUTES", 60)
CRISIS_BASELINE_DAYS = env_int("CRISIS_BASELINE_DAYS", 28)
CRISIS_MIN_NEGATIVE = env_int("CRISIS_MIN_NEGATIVE", 5)
CRISIS_MAD_FACTOR = env_float("CRISIS_MAD_FACTOR", 4)
# Positive messages after which a contact is suggested as a brand ambassador.
AMBASSADOR_MIN_POSITIVE = env_int("AMBASSADOR_MIN_POSITIVE", 3)

# --- Operations: metrics and logs ---------------------------------------------------------

# /-/metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when one is set.
METRICS_TOKEN = env("METRICS_TOKEN")
# LOG_FORMAT=json: one JSON object per line, for a log collector.
_JSON_LOGS = env("LOG_FORMAT", "text").lower() == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 4xx is logged in one line, without a traceback.
    "filters": {
        "client_errors_without_traceback": {
            "()": "desk.ops.log_filters.ClientErrorsWithoutTraceback"
        }
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if _JSON_LOGS else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors_without_traceback"]},
    },
}

# --- The embedded demo (make run) ---------------------------------------------------------

# The built-in sandbox platform and the demo's pages: only in the embedded default (SQLite,
# no Redis), never in a production configuration.
DEMO_MODE = _EMBEDDED and env_bool("DEMO_MODE", True)
# Seconds between demo mentions, and mentions between two bursts of negative mentions.
DEMO_TRAFFIC_SECONDS = env_float("DEMO_TRAFFIC_SECONDS", 6)
DEMO_CRISIS_EVERY = env_int("DEMO_CRISIS_EVERY", 60)
# run_demo shows (and passes on) the address it serves unless PUBLIC_BASE_URL was given.
PUBLIC_BASE_URL_FROM_ENV = "PUBLIC_BASE_URL" in os.environ

# --- Feeds (channels.adapters.feed) ------------------------------------------------------

# The largest feed document read, and how many
# older pages of a paged feed one poll follows back to the entries already seen.
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 10 * 1024 * 1024)
FEED_MAX_PAGES = env_int("FEED_MAX_PAGES", 5)

# --- Bounded requests (desk.security.request_limits) -----------------------------------

# Every request body is read whole within
# REQUEST_BODY_TIMEOUT_SECONDS plus its declared size at REQUEST_BODY_MIN_RATE bytes a second,
# or answered 408; MAX_REQUEST_BYTES (DATA_UPLOAD_MAX_MEMORY_SIZE) is refused unread with 413.
REQUEST_BODY_TIMEOUT_SECONDS = env_float("REQUEST_BODY_TIMEOUT_SECONDS", 10)
REQUEST_BODY_MIN_RATE = env_int("REQUEST_BODY_MIN_RATE", 32 * 1024)
