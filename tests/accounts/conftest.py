"""Fixtures for the account tests: clean abuse counters, forms sent as a browser would."""

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.support.passwords import NEW_PASSWORD, RESET_URL


@pytest.fixture(autouse=True)
def _clean_cache():
    """The abuse counters live in the cache: every test starts from zero."""
    cache.clear()


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """POST the reset form as a browser would, running what waits for the commit."""

    def ask(email: str, using=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return (using or client).post(RESET_URL, {"email": email}, **extra)

    return ask


@pytest.fixture
def set_new_password(client, django_capture_on_commit_callbacks):
    """Follow a reset link and submit the new password; returns the final response."""

    def follow(link: str, password: str = NEW_PASSWORD, using=None):
        browser = using or client
        response = browser.get(link.removeprefix(settings.SITE_URL))
        assert response.status_code == 302, response.status_code
        assert response.url.endswith("/set-password/")
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(
                response.url, {"new_password1": password, "new_password2": password}
            )

    return follow
