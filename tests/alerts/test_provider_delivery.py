"""Alert email through a real Anymail backend (Postmark) talking to a provider API on loopback."""

import datetime as dt

import pytest
from django.core import mail

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from core.retry import backoff
from settings.mailers import build_mailers
from tests.support.environments import make_env
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

BEATLES = kinds.BEATLES_NAME_REJECTED.name
T = WINDOW_START
Status = Delivery.Status
TOKEN = "postmark-alerts-token"
POSTMARK_OK = {
    "To": "admin@acme.not",
    "SubmittedAt": "2026-03-01T12:01:30Z",
    "MessageID": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
    "ErrorCode": 0,
    "Message": "OK",
}
pytestmark = pytest.mark.django_db


@pytest.fixture
def postmark(settings, tmp_path, mail_http_server):
    """The `alerts` mailer is Anymail's Postmark backend, aimed at the loopback API."""
    env = make_env(
        ALERTS_EMAIL_BACKEND="postmark",
        ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN=TOKEN,
        ALERTS_ANYMAIL_POSTMARK_API_URL=mail_http_server.url,
    )
    alerts_mailer = build_mailers(env, file_path=tmp_path)["alerts"]
    settings.MAILERS = {**settings.MAILERS, "alerts": alerts_mailer}
    return mail_http_server


def answer(api, status: int, reply: dict) -> None:
    api.status, api.reply = status, reply


def test_provider_errors_are_retried_with_backoff_until_the_email_goes_out(postmark, json_logs):
    alert = record(BEATLES, {"first_name": "Ринго", "last_name": "Старр"}, now=T)
    delivery = alert.deliveries.get()

    answer(postmark, 500, {"ErrorCode": 500, "Message": "Internal server error"})
    assert send_due(now=T).sent == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.next_attempt_at == T + backoff(1)
    assert "500" in delivery.last_error

    second_try = delivery.next_attempt_at
    assert send_due(now=second_try - dt.timedelta(seconds=1)).sent == []  # not due yet
    answer(postmark, 429, {"ErrorCode": 429, "Message": "Rate limit exceeded"})
    assert send_due(now=second_try).sent == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 2)
    assert delivery.next_attempt_at == second_try + backoff(2)
    assert backoff(2) > backoff(1)

    answer(postmark, 200, POSTMARK_OK)
    assert send_due(now=delivery.next_attempt_at).sent == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 3)
    assert delivery.provider_message_id == "0a129aee-e1cd-480d-b08d-4f48548ff48d"
    assert delivery.last_error == ""

    assert len(postmark.requests) == 3
    for request in postmark.requests:  # every attempt is the same email
        assert request.path == "/email"
        assert request.headers["X-Postmark-Server-Token"] == TOKEN
        sent = request.json()
        assert sent["From"] == "birthday_form@acme.not"
        assert sent["To"] == "admin@acme.not"
        assert sent["Subject"] == "Another Beatles member"
        assert "Ринго Старр пытался опубликовать запись!" in sent["TextBody"]
        assert "<strong>Ринго Старр</strong>" in sent["HtmlBody"]
        assert sent["Tag"] == "alerts"
        assert sent["Metadata"] == {
            "kind": BEATLES,
            "delivery_id": str(delivery.pk),
            "alert_id": str(alert.pk),
        }
        assert {"Name": "Message-ID", "Value": delivery.message_id} in sent["Headers"]
    assert mail.outbox == []

    lines = [line for line in json_logs() if line["event"].startswith("delivery_")]
    assert [(line["event"], line.get("attempt")) for line in lines] == [
        ("delivery_failed", 1),
        ("delivery_failed", 2),
        ("delivery_sent", None),
    ]
    assert lines[0]["next_try"] == second_try.isoformat()
    assert all((line["alert_id"], line["delivery_id"]) == (alert.pk, delivery.pk) for line in lines)
    assert TOKEN not in json_logs.text()
    assert "admin@acme.not" not in json_logs.text()


def test_a_provider_refusal_fails_at_once_with_its_reason_in_the_admin(postmark, admin_client):
    delivery = record(BEATLES, {"first_name": "Ринго"}, now=T).deliveries.get()
    answer(postmark, 401, {"ErrorCode": 10, "Message": "The Server Token was invalid."})

    result = send_due(now=T)

    assert result.sent == [] and result.retry == {}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
    page = admin_client.get(delivery.get_admin_path()).content.decode()
    assert "The Server Token was invalid." in page
    assert "401" in page


def test_a_digest_carries_the_tag_and_its_own_delivery_id(postmark, settings):
    settings.ALERTS_THROTTLE = 1
    for second in range(3):
        record(BEATLES, {"first_name": f"Ринго{second}"}, now=T + dt.timedelta(seconds=second))
    digest = Delivery.objects.get(alert__isnull=True)
    answer(postmark, 200, POSTMARK_OK)

    send_due(now=T + dt.timedelta(seconds=settings.ALERTS_THROTTLE_WINDOW))

    sent = postmark.requests[-1].json()
    assert sent["Subject"].startswith("Сводка оповещений: 2")
    assert sent["Tag"] == "alerts"
    assert sent["Metadata"] == {"kind": BEATLES, "delivery_id": str(digest.pk)}
    digest.refresh_from_db()
    assert digest.provider_message_id == POSTMARK_OK["MessageID"]
