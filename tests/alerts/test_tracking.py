"""Tracking webhooks: real Postmark and signed Mailgun payloads through Anymail's views."""

import datetime as dt
import hashlib
import hmac
import importlib
import json
from base64 import b64encode

import pytest
from django.urls import clear_url_caches

from alerts import kinds
from alerts.models import AlertRecipient, Delivery
from core.checks import check_webhook_secret
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

pytestmark = pytest.mark.django_db

SECRET = "postmark-hook:9f86d081884c7d65"
URL = "/anymail/postmark/tracking/"
PROVIDER_ID = "2706ee8a-737c-4285-b032-ccd317af53ed"


def reload_urls() -> None:
    """The URL map decides at import whether to mount the webhooks: import it again."""
    importlib.reload(importlib.import_module("settings.urls"))
    clear_url_caches()


@pytest.fixture
def webhooks(settings):
    """ANYMAIL_WEBHOOK_SECRET is set and Postmark configured, so its webhook is mounted."""
    original = settings.ANYMAIL
    settings.ANYMAIL = {**original, "WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "token"}
    reload_urls()
    yield
    settings.ANYMAIL = original
    reload_urls()


@pytest.fixture
def sent(db) -> Delivery:
    """The default recipient's delivery of one alert, sent through Postmark."""
    alert = record(
        kinds.BEATLES_NAME_REJECTED.name,
        {"first_name": "Ринго", "last_name": "Старр"},
        now=WINDOW_START,
    )
    delivery = alert.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=WINDOW_START, provider_message_id=PROVIDER_ID
    )
    return delivery


def post(client, event: dict, secret: str | None = SECRET, url: str = URL):
    headers = {}
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + b64encode(secret.encode()).decode()
    return client.post(url, json.dumps(event), content_type="application/json", **headers)


def hard_bounce(**changes) -> dict:
    """Postmark's bounce webhook, as in Anymail's own test suite."""
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": "HardBounce",
        "TypeCode": 1,
        "ServerID": 23,
        "Name": "Hard bounce",
        "MessageID": PROVIDER_ID,
        "Description": "The server was unable to deliver your message "
        "(ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "admin@acme.not",
        "From": "birthday_form@acme.not",
        "BouncedAt": "2026-03-01T12:05:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Another Beatles member",
        "Content": "...",
        **changes,
    }


def spam_complaint() -> dict:
    return {
        "RecordType": "SpamComplaint",
        "ID": 901542551,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "alerts",
        "MessageID": PROVIDER_ID,
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": "admin@acme.not",
        "From": "birthday_form@acme.not",
        "BouncedAt": "2026-03-01T12:06:50Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Another Beatles member",
    }


def delivered(delivery: Delivery, message_id: str = "883953f4-6105-42a2-a16a-77a8eac79483"):
    """Postmark's delivery webhook; the metadata we sent names the delivery."""
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageID": message_id,
        "Recipient": "admin@acme.not",
        "Tag": "alerts",
        "Metadata": {
            "kind": delivery.kind,
            "delivery_id": str(delivery.pk),
            "alert_id": str(delivery.alert_id),
        },
        "DeliveredAt": "2026-03-01T12:00:10.2735393Z",
        "Details": "Test delivery webhook details",
    }


def recipient() -> AlertRecipient:
    return AlertRecipient.objects.get(email="admin@acme.not")


def test_a_hard_bounce_deactivates_the_recipient_with_reason_and_time(
    client, webhooks, sent, json_logs
):
    response = post(client, hard_bounce())

    assert response.status_code == 200
    bounced = recipient()
    assert not bounced.is_active
    assert bounced.deactivated_at is not None
    assert "unknown user, mailbox not found" in bounced.deactivation_reason
    [line] = [line for line in json_logs() if line["event"] == "recipient_deactivated"]
    assert line["email"] == "a***@acme.not"
    assert line["delivery_id"] == sent.pk
    assert "admin@acme.not" not in json_logs.text()


def test_a_spam_complaint_deactivates_the_recipient(client, webhooks, sent):
    assert post(client, spam_complaint()).status_code == 200

    assert not recipient().is_active
    assert recipient().deactivation_reason == "Пометил письмо оповещения как спам."


def test_a_soft_bounce_keeps_the_recipient(client, webhooks, sent):
    soft = hard_bounce(Type="SoftBounce", TypeCode=4096, Name="Soft bounce")

    assert post(client, soft).status_code == 200

    assert recipient().is_active


def test_a_bounce_of_a_message_that_is_not_an_alert_changes_nothing(client, webhooks, sent):
    assert post(client, hard_bounce(MessageID="account-email-0001")).status_code == 200

    assert recipient().is_active


def test_delivered_confirms_the_delivery_found_by_its_metadata(client, webhooks, sent):
    assert post(client, delivered(sent)).status_code == 200

    sent.refresh_from_db()
    assert sent.confirmed_at == dt.datetime(2026, 3, 1, 12, 0, 10, 273539, tzinfo=dt.UTC)
    assert recipient().is_active


def test_delivered_without_metadata_is_found_by_the_provider_message_id(client, webhooks, sent):
    event = delivered(sent, message_id=PROVIDER_ID)
    del event["Metadata"]

    post(client, event)

    sent.refresh_from_db()
    assert sent.confirmed_at is not None


@pytest.mark.parametrize("secret", [None, "postmark-hook:wrong"], ids=["missing", "wrong"])
def test_a_request_without_the_secret_is_refused_and_changes_nothing(
    client, webhooks, sent, secret
):
    response = post(client, hard_bounce(), secret=secret)

    assert response.status_code == 400  # Anymail: SuspiciousOperation
    assert recipient().is_active
    response = post(client, delivered(sent), secret=secret)
    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.confirmed_at is None


def test_without_a_webhook_secret_the_webhooks_are_not_mounted(client, sent):
    response = post(client, hard_bounce())

    assert response.status_code == 404
    assert recipient().is_active


def test_the_confirmation_shows_in_the_admin(admin_client, webhooks, sent):
    post(admin_client, delivered(sent))

    page = admin_client.get(sent.get_admin_path())

    assert "Доставка подтверждена" in page.content.decode()


@pytest.mark.parametrize(("secret", "errors"), [("user:password", []), ("no-colon", ["E006"])])
def test_a_webhook_secret_that_is_not_user_password_fails_the_checks(settings, secret, errors):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": secret}

    found = [m.id.removeprefix("project.") for m in check_webhook_secret()]

    assert found == errors


# Mailgun signs each webhook (HMAC-SHA256 of timestamp + token with the webhook signing key)
# on top of the basic auth every provider's webhook gets here.
MAILGUN_URL = "/anymail/mailgun/tracking/"
MAILGUN_SIGNING_KEY = "key-mailgun-webhook-signing-0123456789"


@pytest.fixture
def mailgun(settings, webhooks):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    reload_urls()  # Mailgun's webhook is mounted once its signing key is set


def mailgun_failure(delivery: Delivery, severity: str, signing_key: str = MAILGUN_SIGNING_KEY):
    """Mailgun's "failed" tracking webhook, in the JSON shape Anymail's own tests use."""
    timestamp, token = "1772366750", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(
        signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed",
            "severity": severity,
            "reason": "bounce" if severity == "permanent" else "generic",
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "timestamp": 1772366750.329574,
            "recipient": "admin@acme.not",
            "tags": ["alerts"],
            "user-variables": {"delivery_id": str(delivery.pk), "kind": delivery.kind},
            "delivery-status": {
                "code": 550 if severity == "permanent" else 452,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "mailbox not found",
            },
            "message": {
                "headers": {
                    "to": "admin@acme.not",
                    "message-id": "20260301120550.1.A1B2C3@mg.acme.not",
                    "from": "birthday_form@acme.not",
                    "subject": "Another Beatles member",
                }
            },
        },
    }


def test_a_signed_mailgun_hard_bounce_deactivates_the_recipient(client, mailgun, sent):
    response = post(client, mailgun_failure(sent, "permanent"), url=MAILGUN_URL)

    assert response.status_code == 200
    assert not recipient().is_active
    assert "mailbox not found" in recipient().deactivation_reason


def test_a_temporary_mailgun_failure_keeps_the_recipient(client, mailgun, sent):
    assert post(client, mailgun_failure(sent, "temporary"), url=MAILGUN_URL).status_code == 200
    assert recipient().is_active


def test_a_mailgun_webhook_with_a_wrong_signature_is_refused(client, mailgun, sent):
    forged = mailgun_failure(sent, "permanent", signing_key="not-the-key")

    assert post(client, forged, url=MAILGUN_URL).status_code == 400
    assert recipient().is_active
