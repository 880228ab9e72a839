"""accounts' security events as the alert kind "security": recorded from the signals, delivered
to its subscribers, folded into one digest in a storm; never a password in an alert."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Alert
from tests.factories import AlertRecipientFactory, UserFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

pytestmark = pytest.mark.django_db

SECURITY = kinds.SECURITY.name
WRONG = "not-the-password-42"


@pytest.fixture
def watcher(no_default_recipient):
    return AlertRecipientFactory(email="security@acme.not", kinds=[SECURITY])


def test_a_locked_login_alerts_the_subscribers(
    client, settings, watcher, django_capture_on_commit_callbacks
):
    settings.LOGIN_LIMIT_PER_PAIR = 3
    AlertRecipientFactory(email="beatles-only@acme.not")  # subscribed to another kind
    UserFactory(username="admin", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            client.post(
                "/admin/login/",
                {"username": " admin", "password": WRONG},
                REMOTE_ADDR="203.0.113.66",
            )

    [alert] = Alert.objects.filter(kind=SECURITY)
    assert alert.payload == {
        "event": "login_locked",
        "scope": "pair",
        "username": "admin",
        "ip": "203.0.113.66",
        "failures": 3,
    }
    [message] = mail.outbox
    assert message.to == ["security@acme.not"]
    assert message.subject == (
        "Безопасность: Вход заблокирован: 3 неудачные попытки для «admin» с 203.0.113.66"
    )
    assert "203.0.113.66" in message.body
    html = message.alternatives[0][0]
    assert "«admin»" in html
    assert WRONG not in message.body + html + str(alert.payload)


def test_passing_the_sign_up_limit_is_recorded_once(client, settings, watcher):
    settings.SIGNUP_LIMIT_PER_IP = 1
    for n in range(4):
        client.post("/auth/registration/", {"username": f"u{n}"}, REMOTE_ADDR="198.51.100.7")
    [alert] = Alert.objects.filter(kind=SECURITY)
    assert alert.payload == {
        "event": "ip_limit_passed",
        "limit": "signup",
        "ip": "198.51.100.7",
        "count": 2,
        "allowed": 1,
    }


def test_an_admin_password_change_is_recorded_with_a_masked_address(
    watcher, django_capture_on_commit_callbacks
):
    admin = UserFactory(username="boss", email="boss@acme.not", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        admin.set_password("a-new-long-passphrase-7")
        admin.save()
    [alert] = Alert.objects.filter(kind=SECURITY)
    assert alert.payload == {
        "event": "admin_password_changed",
        "user_id": admin.pk,
        "username": "boss",
        "email": "b***@acme.not",
    }
    [message] = mail.outbox
    assert "boss@acme.not" not in message.body
    assert "a-new-long-passphrase-7" not in message.body


def test_a_brute_force_storm_is_one_digest(watcher):
    for n in range(8):
        record(
            SECURITY,
            {
                "event": "login_locked",
                "scope": "ip",
                "username": None,
                "ip": f"203.0.113.{n}",
                "failures": 50,
            },
            now=WINDOW_START + dt.timedelta(seconds=n),
        )
    send_due(now=WINDOW_START + dt.timedelta(seconds=599))
    assert len(mail.outbox) == 5  # ALERTS_THROTTLE individual emails
    send_due(now=WINDOW_START + dt.timedelta(seconds=600))
    assert len(mail.outbox) == 6
    digest = mail.outbox[-1]
    assert digest.subject == "Сводка оповещений: 3 × Событие безопасности"
    for n in (5, 6, 7):
        assert f"50 неудачных попыток с 203.0.113.{n}" in digest.body
    assert "203.0.113.4" not in digest.body


def test_the_admin_sends_a_test_security_alert(
    admin_client, watcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:alerts_alertrecipient_changelist"),
            {"action": "send_test_alert", "_selected_action": [watcher.pk]},
            follow=True,
        )
    [message] = mail.outbox
    assert message.to == [watcher.email]
    assert message.subject.startswith(
        "[тест] Безопасность: Вход заблокирован: 10 неудачных попыток"
    )
