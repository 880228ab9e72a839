"""Production: every secret comes from the environment, and a missing one stops start-up.

Served by gunicorn behind an HTTPS-terminating proxy; static files by WhiteNoise; PostgreSQL
through DATABASE_URL. See README "Deploying" for every variable.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, MIDDLEWARE, env
from .logging import build_logging
from .mailers import build_mailers

REQUIRED_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_URL",
    "EMAIL_BACKEND",
)
if missing := [name for name in REQUIRED_VARIABLES if not env.str(name, default="")]:
    raise ImproperlyConfigured(f"Set these environment variables: {', '.join(missing)}")

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("SITE_URL").rstrip("/")

# Every web process must count the password reset limits in one place: the database by default
# (`migrate` makes its table), or a Redis URL.
CACHES["default"] = env.cache_url("CACHE_URL", default="dbcache://birthday_cache")

# Persistent connections, checked before reuse so a restarted database costs no failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

LOGGING = build_logging(env.str("LOG_FORMAT", default="json"), env.str("LOG_LEVEL", default="INFO"))

# HTTPS only. The proxy in front terminates TLS and must set X-Forwarded-Proto (and overwrite
# any value a client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Static files: WhiteNoise serves what `collectstatic` wrote, compressed, with hashed names.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production names its mail backend (README "Email backends"): a forgotten EMAIL_BACKEND must
# not quietly write files.
MAILERS = build_mailers(env, file_path=BASE_DIR / "sent_emails", default_backend=None)
