"""The limits on django-ratelimit: a window lasts its whole length in the database cache (Django's
incr() must not cut it to the default 5 minutes), and wrong current passwords are limited."""

import datetime as dt
import types

import pytest
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import db as db_cache
from django_ratelimit import core

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOUR = 60 * 60


class Clock:
    """Controlled time for django-ratelimit's windows and the database cache's expiry."""

    def __init__(self, monkeypatch, start: float) -> None:
        self.now = start
        fake_time = types.SimpleNamespace(time=lambda: self.now)
        monkeypatch.setattr(core, "time", fake_time)  # the window in the key
        monkeypatch.setattr(cache_base, "time", fake_time)  # when an entry expires
        monkeypatch.setattr(  # whether it has
            db_cache, "tz_now", lambda: dt.datetime.fromtimestamp(self.now, tz=dt.UTC)
        )

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """Stopped a second into the hour window of the client 127.0.0.1 (each key's window starts
    at its own offset in the hour)."""
    return Clock(monkeypatch, core._get_window("127.0.0.1", HOUR) - HOUR + 1)


def sign_up(client, n):
    return client.post(
        "/auth/registration/",
        {
            "username": f"newcomer{n}",
            "email": f"newcomer{n}@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )


def test_a_sign_up_limit_lasts_the_hour(client, settings, clock):
    settings.SIGNUP_LIMIT_PER_IP = 2
    assert [sign_up(client, n).status_code for n in range(3)] == [302, 302, 429]
    clock.advance(10 * 60)  # past the database cache's default 300 s timeout
    assert sign_up(client, 3).status_code == 429
    clock.advance(49 * 60)  # 59 minutes in
    assert sign_up(client, 4).status_code == 429
    clock.advance(2 * 60)  # the next hour's window
    assert sign_up(client, 5).status_code == 302


def change(client, old_password):
    new = "a-brand-new-passphrase-42"
    return client.post(
        "/auth/password_change/",
        {"old_password": old_password, "new_password1": new, "new_password2": new},
    )


def test_wrong_current_passwords_are_limited(client, settings, user):
    client.force_login(user)
    statuses = [change(client, f"guess-{n}").status_code for n in range(5)]
    assert statuses == [400] * 5
    blocked = change(client, PASSWORD)  # even the right one: it is not checked
    assert blocked.status_code == 429
    assert "Слишком много неверных текущих паролей" in blocked.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_change_limit_is_per_user(client, user, other_user):
    client.force_login(user)
    for n in range(5):
        change(client, f"guess-{n}")
    client.force_login(other_user)
    assert change(client, PASSWORD).status_code == 302


def test_the_password_change_window_is_15_minutes(client, user, monkeypatch):
    clock = Clock(monkeypatch, core._get_window(str(user.pk), 15 * 60) - 15 * 60 + 1)
    client.force_login(user)
    for n in range(5):
        change(client, f"guess-{n}")
    clock.advance(14 * 60)
    assert change(client, PASSWORD).status_code == 429
    clock.advance(2 * 60)
    assert change(client, PASSWORD).status_code == 302
