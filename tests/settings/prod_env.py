"""The environment a production process gets: realistic variables, files under a temp folder."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SITE_HOST = "birthday.example.com"


def prod_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Everything settings.prod requires, with a throw-away SQLite database."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the test run leaks in: the process reads only what is set here.
        if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    }
    env.update(
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
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `python manage.py ...` in a fresh process with exactly `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
