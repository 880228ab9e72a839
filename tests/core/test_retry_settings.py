"""The retry variables: one documented set, the earlier names still read."""

import os

import pytest

from tests.support.processes import manage

pytestmark = pytest.mark.slow

PRINT = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_RETRY_BASE_DELAY, s.EMAIL_RETRY_MAX_DELAY)"
)


def retry_settings(**variables: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings.dev", **variables}
    for name in ("EMAIL_RETRY_BASE_DELAY", "ALERTS_RETRY_BASE_DELAY", "ALERTS_RETRY_MAX_DELAY"):
        if name not in variables:
            env.pop(name, None)
    result = manage(env, "shell", "--no-imports", "-c", PRINT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_defaults_and_the_new_names():
    assert retry_settings() == "30 1920"
    assert retry_settings(EMAIL_RETRY_BASE_DELAY="5", EMAIL_RETRY_MAX_DELAY="60") == "5 60"


def test_the_earlier_names_still_work_when_the_new_ones_are_unset():
    assert retry_settings(ALERTS_RETRY_BASE_DELAY="7", ALERTS_RETRY_MAX_DELAY="70") == "7 70"
    assert retry_settings(ACCOUNT_EMAIL_RETRY_BASE_DELAY="9") == "9 1920"
    assert retry_settings(EMAIL_RETRY_BASE_DELAY="5", ALERTS_RETRY_BASE_DELAY="7") == "5 1920"
