"""Environments the settings read: a made-up one in-process, a production one for a child."""

from pathlib import Path

import environ

from tests.support.processes import basic_env

SITE_HOST = "birthday.example.com"


def make_env(**variables: str) -> environ.Env:
    """An environ.Env that sees only these variables, as if they were the process environment."""
    env = environ.Env()
    env.ENVIRON = dict(variables)
    return env


def prod_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Everything settings.prod requires, with a throw-away SQLite database.

    Nothing from the test run leaks in: the process reads only what is set here.
    """
    variables = dict(
        DJANGO_SETTINGS_MODULE="settings.prod",
        SECRET_KEY="x7Qm2vN9pL4kR8sT1wZ6yB3cF5hJ0dG7aE2uI9oP4nM1qV8rS3tK6lX0",
        ALLOWED_HOSTS=SITE_HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{SITE_HOST}",
        SITE_URL=f"https://{SITE_HOST}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="smtp.example.com",
        EMAIL_USE_TLS="true",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return basic_env(**{**variables, **overrides})
