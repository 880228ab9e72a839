"""Brute force on every login path: failures per (normalized username, client IP) and per IP,
counted by django-axes in the database."""

import datetime as dt

import pytest
import structlog
from axes.models import AccessAttempt

from accounts.signals import login_locked
from tests.factories import PASSWORD, UserFactory

URL = "/auth/login/"
ADMIN_URL = "/admin/login/"
BLOCKED = "Слишком много неудачных попыток входа."
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.2"

pytestmark = pytest.mark.django_db


def log_in(client, username, password, url=URL, ip=ATTACKER, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, **kwargs) -> list[int]:
    return [log_in(client, username, "wrong", **kwargs).status_code for _ in range(times)]


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def limits(settings):
    settings.LOGIN_LIMIT_PER_PAIR = 3
    settings.LOGIN_LIMIT_PER_IP = 6
    return settings


def test_a_wrong_password_is_a_400_with_the_form(client, user):
    response = log_in(client, user.username, "wrong")
    assert response.status_code == 400
    assert 'name="username"' in response.text


def test_a_locked_pair_refuses_even_the_right_password(client, limits, user):
    assert fail(client, user.username, 3) == [400, 400, 429]  # the third failure locks
    with structlog.testing.capture_logs() as logs:
        blocked = log_in(client, user.username, PASSWORD)
    assert blocked.status_code == 429
    assert BLOCKED in blocked.text
    assert 'class="site-header"' in blocked.text  # our page, not a bare message
    assert f'value="{user.username}"' in blocked.text
    assert not is_signed_in(client)
    assert PASSWORD not in str(logs)


def test_spellings_of_one_username_share_one_counter(client, limits):
    mallory = UserFactory(username="mallory")
    for spelling in ["mallory", " mallory", "mallory "]:
        log_in(client, spelling, "wrong")
    for spelling in ["mallory", " mallory", "mallory ", "ｍａｌｌｏｒｙ", "MALLORY"]:
        response = log_in(client, spelling, PASSWORD)
        assert response.status_code == 429, spelling
    assert not is_signed_in(client)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {mallory.username}


def test_the_owner_logs_in_from_another_address_while_the_pair_is_locked(client, limits, user):
    fail(client, user.username, 3)
    assert log_in(client, user.username, PASSWORD).status_code == 429
    assert log_in(client, user.username, PASSWORD, ip=OWNER).status_code == 302
    assert is_signed_in(client)


def test_the_ip_limit_counts_across_usernames(client, limits, user):
    for n in range(3):
        fail(client, f"guess{n}", 2)
    assert log_in(client, user.username, PASSWORD).status_code == 429
    assert log_in(client, user.username, PASSWORD, ip=OWNER).status_code == 302


def test_the_admin_login_is_limited_and_shares_the_counter(client, limits):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    assert fail(client, "admin", 2, url=ADMIN_URL) == [200, 200]  # the admin's own page
    assert log_in(client, "admin", "wrong").status_code == 429  # the same pair on our page
    response = log_in(client, "admin", PASSWORD, url=ADMIN_URL)
    assert response.status_code == 429
    assert BLOCKED in response.text
    assert not is_signed_in(client)
    assert log_in(client, admin.username, PASSWORD, url=ADMIN_URL, ip=OWNER).status_code == 302


def test_a_forwarded_for_header_cannot_dodge_the_limit(client, limits, user):
    for n in range(3):
        log_in(client, user.username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert (
        log_in(client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429
    )


def test_behind_a_trusted_proxy_the_client_is_counted(client, limits, user):
    limits.TRUSTED_PROXY_COUNT = 1
    fail(client, user.username, 3, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    owner = log_in(client, user.username, PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=OWNER)
    assert owner.status_code == 302


def age_attempts(minutes: int) -> None:
    """As if `minutes` had passed since the failures: the window is measured from them."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_the_window_lasts_an_hour(client, settings, user):
    settings.LOGIN_LIMIT_PER_PAIR = 3
    fail(client, user.username, 3)
    age_attempts(59)
    assert log_in(client, user.username, PASSWORD).status_code == 429
    age_attempts(61)
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_successful_logins_do_not_count(client, limits, user):
    for _ in range(4):
        assert log_in(client, user.username, PASSWORD).status_code == 302
        client.logout()


def test_locking_sends_one_security_event(client, limits, user):
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    login_locked.connect(receiver)
    try:
        fail(client, user.username, 3)
        log_in(client, user.username, "wrong")
        log_in(client, user.username, PASSWORD)
    finally:
        login_locked.disconnect(receiver)
    [event] = events
    assert event["scope"] == "pair"
    assert event["username"] == user.username
    assert event["ip"] == ATTACKER
    assert event["failures"] == 3
    assert PASSWORD not in str(event)


def test_authenticate_without_a_request_is_not_counted(user):
    """A shell or the test client's login(): no client to count, nothing to refuse."""
    from django.contrib.auth import authenticate

    assert authenticate(username=user.username, password="wrong") is None
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert not AccessAttempt.objects.exists()
