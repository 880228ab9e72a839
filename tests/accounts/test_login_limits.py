"""Brute force on the login form: failures per username and per client are limited."""

import pytest
import structlog

from tests.factories import PASSWORD

URL = "/auth/login/"
BLOCKED = "Слишком много неудачных попыток входа."


def log_in(client, username, password, **extra):
    return client.post(URL, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_a_wrong_password_is_a_400_with_the_form(client, user):
    response = log_in(client, user.username, "wrong")
    assert response.status_code == 400
    assert 'name="username"' in response.text


@pytest.mark.django_db
def test_after_the_limit_even_the_right_password_is_refused(client, settings, user):
    settings.LOGIN_LIMIT_PER_USERNAME = 3
    for _ in range(3):
        assert log_in(client, user.username.upper(), "wrong").status_code == 400
    with structlog.testing.capture_logs() as logs:
        blocked = log_in(client, user.username, PASSWORD)
    assert blocked.status_code == 429
    assert BLOCKED in blocked.text
    assert f'value="{user.username}"' in blocked.text
    assert "_auth_user_id" not in client.session
    [event] = [log for log in logs if log["event"] == "login_throttled"]
    assert PASSWORD not in str(event)


@pytest.mark.django_db
def test_the_limit_is_per_username_until_the_client_limit(client, settings, user, other_user):
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    settings.LOGIN_LIMIT_PER_IP = 4
    for _ in range(2):
        log_in(client, "someone-else", "wrong")
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        log_in(client, "a-third-name", "wrong")
    assert log_in(client, other_user.username, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_another_client_is_not_blocked_by_the_ip_limit(client, settings, user):
    settings.LOGIN_LIMIT_PER_IP = 2
    for _ in range(2):
        log_in(client, "guess", "wrong", REMOTE_ADDR="203.0.113.7")
    assert log_in(client, "guess", "wrong", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_successful_logins_do_not_count(client, settings, user):
    settings.LOGIN_LIMIT_PER_USERNAME = 2
    for _ in range(3):
        assert log_in(client, user.username, PASSWORD).status_code == 302
        client.logout()
