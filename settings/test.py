"""Tests: fast hashing, tasks run in place unless a test says otherwise, an optional PostgreSQL."""

import structlog

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = "test-only-secret-key-not-for-any-real-use"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SITE_URL = "http://birthday.test"

if test_database_url := env.str("TEST_DATABASE_URL", default=""):
    DATABASES["default"] = env.db_url_config(test_database_url)

# Loggers must not freeze their processors on first use, or structlog.testing.capture_logs
# misses every logger that an earlier test already used.
structlog.configure(cache_logger_on_first_use=False)
