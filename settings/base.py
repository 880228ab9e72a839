"""Settings shared by every profile, read from the environment through django-environ.

Profiles (`dev`, `test`, `prod`) import everything from here and change only what differs.
Only safe, development-grade defaults live here; `prod` demands the real values.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .logging import build_logging
from .mailers import build_anymail, build_mailers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Absolute base URL for links in emails: never taken from the request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # First, so that our registration/ templates win over the admin's.
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # Before django_tasks_db: core's `db_worker` (survives database errors, beats) wins.
    "core",
    "django_tasks_db",
    "django_periodic_tasks",
    "anymail",
    "django_structlog",
    "birthday",
    "alerts",
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",  # first: see core/health.py
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-structlog's, after authentication so that every line carries the user id.
    "core.middleware.RequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into our 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker processes share the file: take the write lock up front and wait for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked (username, IP) pair before any password is checked, on
# every login path (ours, the admin's, any authenticate() call). Then the model backend, which
# lets in only accounts whose address is confirmed.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginLimitBackend",
    "accounts.backends.ConfirmedAccountBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "birthday:list"
LOGOUT_REDIRECT_URL = "birthday:home"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# Mail: Django 6.1 named mailers. `default` carries account email, `alerts` the notifications.
# Both come from the environment (EMAIL_BACKEND, ALERTS_EMAIL_BACKEND, ...; see settings/mailers.py
# and the README); settings/checks.py reports a wrong or missing variable at start-up.
MAILERS = build_mailers(env, file_path=BASE_DIR / "sent_emails")
ANYMAIL = build_anymail(env)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@acme.not")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Background work: Django's Tasks framework, queued in the database (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Recurring tasks (the hourly birthday reminders): `manage.py run_scheduler` (django-periodic-tasks)
# enqueues them when due; the schedule lives in the database, so any number of schedulers enqueue
# each run once. Never started inside web or worker processes.
PERIODIC_TASKS_AUTOSTART = False

# --- Accounts: abuse limits, sign-up confirmation (README "Accounts and abuse limits") ---
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# A sign-up's confirmation link lasts this long (seconds); the account cannot sign in before.
ACCOUNT_CONFIRMATION_TIMEOUT = env.int("ACCOUNT_CONFIRMATION_TIMEOUT", default=3 * 24 * 3600)
# Failed logins (django-axes, counted in its database table): per (username, client IP) pair,
# and per client IP across usernames, within the last LOGIN_LIMIT_WINDOW seconds.
LOGIN_LIMIT_PER_PAIR = env.int("LOGIN_LIMIT_PER_PAIR", default=10)
LOGIN_LIMIT_PER_IP = env.int("LOGIN_LIMIT_PER_IP", default=50)
LOGIN_LIMIT_WINDOW = env.int("LOGIN_LIMIT_WINDOW", default=60 * 60)
# Every other limit (django-ratelimit, counted in the `limits` cache): per hour unless named.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)
SIGNUP_LIMIT_PER_IP = env.int("SIGNUP_LIMIT_PER_IP", default=20)
# Emails about a sign-up to one address (confirmation links, resends, "someone tried" notices).
CONFIRMATION_LIMIT_PER_EMAIL = env.int("CONFIRMATION_LIMIT_PER_EMAIL", default=3)
# Wrong old passwords on the password change page, per user, per PASSWORD_CHANGE_LIMIT_WINDOW s.
PASSWORD_CHANGE_LIMIT_PER_USER = env.int("PASSWORD_CHANGE_LIMIT_PER_USER", default=5)
PASSWORD_CHANGE_LIMIT_WINDOW = env.int("PASSWORD_CHANGE_LIMIT_WINDOW", default=15 * 60)
# Reverse proxies in front of the site that append to X-Forwarded-For; 0: use REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-axes, wired to the numbers above (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.LoginLimitHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "accounts.lockout.pair_limit"
AXES_COOLOFF_TIME = "accounts.lockout.window"
AXES_USERNAME_CALLABLE = "accounts.lockout.normalized_username"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# A success does not wipe failures: one valid account must not reset an attacker's IP counter.
AXES_RESET_ON_SUCCESS = False
# No table of every successful login (it would grow forever); our own log lines say enough.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# django-ratelimit: its counters in the `limits` cache below, keyed by our client IP.
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"

# --- Operations: logging, request ids, Content Security Policy, uploads (README "Deploying") ---
# One structlog pipeline for every logger; `settings.prod` switches the default format to json.
LOGGING = build_logging(
    env.str("LOG_FORMAT", default="console"), env.str("LOG_LEVEL", default="INFO")
)
# Use an incoming X-Request-ID only when the proxy in front sets (and overwrites) it.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("TRUST_REQUEST_ID_HEADER", default=False)
# A task's log lines carry the request id of the request that enqueued it. The context travels
# through a cache every web and worker process shares: the database (`migrate` makes its table).
# core.task_logs connects django-structlog's task receiver itself (so it stays off here), minus
# the cache for tasks whose rows carry their request ids (the alerts' send pass).
DJANGO_STRUCTLOG_DJANGO_TASKS_ENABLED = False
# `default` holds nothing that must last. `limits` counts the abuse limits: shared by every web
# process, never culled by a flood (MAX_ENTRIES), and each count kept at least as long as the
# longest window (Django's generic incr() re-sets a key with the cache's TIMEOUT, while
# django-ratelimit puts the window in the key). The database by default (`migrate` makes the
# table), or a Redis URL. `manage.py check` warns about a cache that would not hold them.
LIMITS_CACHE = env.cache_url("LIMITS_CACHE_URL", default="dbcache://birthday_limits")
LIMITS_CACHE["TIMEOUT"] = env.int("LIMITS_CACHE_TIMEOUT", default=60 * 60 + 60)
if "redis" not in LIMITS_CACHE["BACKEND"]:  # Redis has no MAX_ENTRIES: its maxmemory policy.
    LIMITS_CACHE.setdefault("OPTIONS", {})["MAX_ENTRIES"] = env.int(
        "LIMITS_CACHE_MAX_ENTRIES", default=1_000_000
    )
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    "limits": LIMITS_CACHE,
    "django_structlog": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_structlog_cache",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}
# No inline scripts or styles anywhere: everything comes from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Photos: at most MAX_UPLOAD_SIZE bytes (birthday.validators); bigger uploads spool to disk.
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Form fields other than files: our forms are a few short texts.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Photos larger than this many pixels are refused, checked from the header before decoding.
BIRTHDAY_IMAGE_MAX_PIXELS = env.int("BIRTHDAY_IMAGE_MAX_PIXELS", default=25_000_000)
# The Beatles rule: rejections signalled per account and per client IP an hour; more get 429.
BIRTHDAY_REJECTION_LIMIT = env.int("BIRTHDAY_REJECTION_LIMIT", default=30)

# Alerts (the `alerts` app): who sends, how, and how much. See README "Alerts".
ALERTS_FROM_EMAIL = env.str("ALERTS_FROM_EMAIL", default="birthday_form@acme.not")
# "queue": sent by a task worker after commit; "inline": inside the request (benchmarks only).
ALERTS_DELIVERY = env.str("ALERTS_DELIVERY", default="queue")
# At most ALERTS_THROTTLE individual emails per recipient and kind per window (seconds);
# the rest are folded into one digest sent when the window closes. 0 turns throttling off.
ALERTS_THROTTLE = env.int("ALERTS_THROTTLE", default=5)
ALERTS_THROTTLE_WINDOW = env.int("ALERTS_THROTTLE_WINDOW", default=600)
# A transient error (core/retry.py) is retried with EMAIL_RETRY_* below; 8 attempts ≈ 1 hour.
ALERTS_MAX_ATTEMPTS = env.int("ALERTS_MAX_ATTEMPTS", default=8)
# A worker's claim on a batch expires after this many seconds (a killed worker's batch is resent).
ALERTS_CLAIM_TIMEOUT = env.int("ALERTS_CLAIM_TIMEOUT", default=300)
ALERTS_BATCH_SIZE = env.int("ALERTS_BATCH_SIZE", default=50)
# Connections one worker sends a batch over at once (threads): the mail server's or provider's
# round trips overlap. 1 sends one message at a time over one connection.
ALERTS_SEND_CONCURRENCY = env.int("ALERTS_SEND_CONCURRENCY", default=8)
# The longest silence an admin may set, in days from now (README "Silences").
ALERTS_SILENCE_MAX_DAYS = env.int("ALERTS_SILENCE_MAX_DAYS", default=30)

# Operations (README "Deploying"): /healthz says `worker` once deliveries or tasks are due and
# no worker has beaten for this long; /healthz details and /metrics need this bearer token.
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=60)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Failover mailers (EMAIL_BACKEND=postmark,mailgun,smtp): a backend failing this many times in a
# row is skipped by every process for this many seconds, then tried again.
EMAIL_FAILOVER_THRESHOLD = env.int("EMAIL_FAILOVER_THRESHOLD", default=5)
EMAIL_FAILOVER_COOLDOWN = env.int("EMAIL_FAILOVER_COOLDOWN", default=60)

# Account email (accounts/retry.py, README "Password reset and login limits"): a transient
# error is retried up to this many attempts in all; a reset link is never tried later than
# PASSWORD_RESET_TIMEOUT after the first attempt.
ACCOUNT_EMAIL_MAX_ATTEMPTS = env.int("ACCOUNT_EMAIL_MAX_ATTEMPTS", default=5)

# One retry policy for all email (core/retry.py): after failed attempt n wait
# BASE · 2^(n-1) seconds, at most MAX, shortened by up to JITTER (a fraction, 0-1).
# ALERTS_RETRY_BASE_DELAY / ACCOUNT_EMAIL_RETRY_BASE_DELAY / ALERTS_RETRY_MAX_DELAY, the
# earlier names, are still read when the new ones are not set.
EMAIL_RETRY_BASE_DELAY = env.int(
    "EMAIL_RETRY_BASE_DELAY",
    default=env.int(
        "ALERTS_RETRY_BASE_DELAY", default=env.int("ACCOUNT_EMAIL_RETRY_BASE_DELAY", default=30)
    ),
)
EMAIL_RETRY_MAX_DELAY = env.int(
    "EMAIL_RETRY_MAX_DELAY", default=env.int("ALERTS_RETRY_MAX_DELAY", default=1920)
)
EMAIL_RETRY_JITTER = env.float("EMAIL_RETRY_JITTER", default=0.1)
