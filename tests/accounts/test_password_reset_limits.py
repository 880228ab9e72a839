"""Abuse limits on reset requests: per address and per client IP, with the same answer."""

import pytest
import structlog
from django.core import checks
from django.test import RequestFactory

from accounts.checks import check_limits_cache
from core.client_ip import client_ip
from tests.factories import UserFactory
from tests.support.passwords import DONE_URL
from tests.support.texts import RESET_SUBJECT

pytestmark = pytest.mark.django_db


def test_per_address_limit(settings, user, mailoutbox, ask_reset):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    spellings = [user.email, user.email.upper(), f"  {user.email} ", user.email]
    with structlog.testing.capture_logs() as logs:
        answers = [ask_reset(email) for email in spellings]
    assert {(answer.status_code, answer.url) for answer in answers} == {(302, DONE_URL)}
    assert len(mailoutbox) == 3

    (throttled,) = [entry for entry in logs if entry["event"] == "password_reset_throttled"]
    assert throttled["email"] == f"{user.email[0]}***@example.com"
    assert throttled["log_level"] == "warning"


def test_per_address_limit_counts_unknown_addresses_too(settings, mailoutbox, ask_reset):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    ask_reset("ghost@example.com")
    UserFactory(email="ghost@example.com")
    ask_reset("ghost@example.com")
    assert mailoutbox == []


def reset_recipients(mailoutbox) -> list[list[str]]:
    """Who got a reset link (passing a per-IP limit also alerts the admins: kind "security")."""
    return [message.to for message in mailoutbox if message.subject == RESET_SUBJECT]


def test_per_ip_limit(settings, mailoutbox, ask_reset):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    users = UserFactory.create_batch(3)
    for user in users:
        response = ask_reset(user.email, REMOTE_ADDR="198.51.100.9")
        assert response.url == DONE_URL
    assert reset_recipients(mailoutbox) == [[users[0].email], [users[1].email]]

    ask_reset(users[2].email, REMOTE_ADDR="198.51.100.10")
    assert reset_recipients(mailoutbox)[-1] == [users[2].email]


def test_forwarded_for_cannot_dodge_the_limit_by_default(settings, mailoutbox, ask_reset):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 1
    for n, user in enumerate(UserFactory.create_batch(3)):
        ask_reset(user.email, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert len(reset_recipients(mailoutbox)) == 1


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "not-an-ip", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_a_behind_proxy_client_is_counted_by_its_own_address(settings, mailoutbox, ask_reset):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESET_LIMIT_PER_IP = 1
    for n, user in enumerate(UserFactory.create_batch(2)):
        ask_reset(user.email, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    ("cache", "problem"),
    [
        ({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "per process"),
        ({"BACKEND": "django.core.cache.backends.dummy.DummyCache"}, "per process"),
        (
            {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"},
            "evicts entries",
        ),
        (
            {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "TIMEOUT": None},
            "culls past MAX_ENTRIES=300",
        ),
        (
            {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            },
            "TIMEOUT (300 s) is shorter",
        ),
    ],
)
def test_check_warns_about_a_cache_that_loses_counts(settings, cache, problem):
    settings.CACHES = {**settings.CACHES, "limits": {"LOCATION": "x", **cache}}
    [warning] = check_limits_cache(None)
    assert isinstance(warning, checks.Warning)
    assert warning.id == "accounts.W001"
    assert problem in warning.msg


def test_check_accepts_the_default_and_redis(settings):
    assert check_limits_cache(None) == []
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "TIMEOUT": 3700,
        },
    }
    assert check_limits_cache(None) == []


def test_check_runs_with_manage_py_check(settings):
    settings.CACHES = {**settings.CACHES, "limits": {"BACKEND": PER_PROCESS}}
    ids = [message.id for message in checks.run_checks()]
    assert "accounts.W001" in ids


PER_PROCESS = "django.core.cache.backends.locmem.LocMemCache"
