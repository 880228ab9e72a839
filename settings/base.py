"""Settings shared by every profile, read from the environment through django-environ.

Profiles (`dev`, `test`, `prod`) import everything from here and change only what differs.
Only safe, development-grade defaults live here; `prod` demands the real values.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

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
    "django_tasks_db",
    "birthday",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CSRF_FAILURE_VIEW = "settings.views.csrf_failure"

# Mail: Django 6.1 named mailers. `default` carries account email, `alerts` the notifications.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(BASE_DIR / "sent_emails")},
    },
}
MAILERS["alerts"] = MAILERS["default"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@acme.not")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Background work: Django's Tasks framework, queued in the database (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Alerts (the `alerts` app): who sends, how, and how much. See README "Alerts".
ALERTS_FROM_EMAIL = env.str("ALERTS_FROM_EMAIL", default="birthday_form@acme.not")
# "queue": sent by a task worker after commit; "inline": inside the request (benchmarks only).
ALERTS_DELIVERY = env.str("ALERTS_DELIVERY", default="queue")
# At most ALERTS_THROTTLE individual emails per recipient and kind per window (seconds);
# the rest are folded into one digest sent when the window closes. 0 turns throttling off.
ALERTS_THROTTLE = env.int("ALERTS_THROTTLE", default=5)
ALERTS_THROTTLE_WINDOW = env.int("ALERTS_THROTTLE_WINDOW", default=600)
# Transport errors: retried after 30 s · 2^n, capped; 8 attempts span about an hour.
ALERTS_MAX_ATTEMPTS = env.int("ALERTS_MAX_ATTEMPTS", default=8)
ALERTS_RETRY_BASE_DELAY = env.int("ALERTS_RETRY_BASE_DELAY", default=30)
ALERTS_RETRY_MAX_DELAY = env.int("ALERTS_RETRY_MAX_DELAY", default=1920)
# A worker's claim on a batch expires after this many seconds (a killed worker's batch is resent).
ALERTS_CLAIM_TIMEOUT = env.int("ALERTS_CLAIM_TIMEOUT", default=300)
ALERTS_BATCH_SIZE = env.int("ALERTS_BATCH_SIZE", default=50)
