"""Tests: fast hashing, tasks run in place unless a test says otherwise, an optional PostgreSQL."""

import structlog

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

SECRET_KEY = "test-only-secret-key-not-for-any-real-use"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SITE_URL = "http://birthday.test"
# One lane: a mail backend that reads the database (the failover breaker) would do it from a
# lane's thread, whose own connection cannot see the test's transaction. The tests of
# concurrent sending set it themselves.
ALERTS_SEND_CONCURRENCY = 1

if test_database_url := env.str("TEST_DATABASE_URL", default=""):
    DATABASES["default"] = env.db_url_config(test_database_url)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: there, concurrent connections (the alerts workers' tests)
    # fail with "table is locked" instead of waiting for the write lock as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

# Loggers must not freeze their processors on first use, or structlog.testing.capture_logs
# misses every logger that an earlier test already used.
structlog.configure(cache_logger_on_first_use=False)

# Exact retry times in tests; tests/core/test_retry.py measures the jitter itself.
EMAIL_RETRY_JITTER = 0
