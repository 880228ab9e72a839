"""Helpers for the password tests: clean abuse counters, and links read out of real email."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache

RESET_URL = "/auth/password_reset/"
DONE_URL = "/auth/password_reset/done/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture(autouse=True)
def _clean_cache():
    """The abuse counters live in the cache: every test starts from zero."""
    cache.clear()


def link_in(message) -> str:
    """The one reset link in a message; the HTML part must carry the same link."""
    pattern = re.escape(settings.SITE_URL) + r"/auth/reset/[^/\s]+/[^/\s]+/"
    links = set(re.findall(pattern, message.body))
    assert len(links) == 1, message.body
    (link,) = links
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    return link


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
