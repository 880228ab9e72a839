"""The alerts' log events keep their names and fields (operators' dashboards depend on them)."""

import datetime as dt

import pytest

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from alerts.recording import record_event
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START

BEATLES = kinds.BEATLES_NAME_REJECTED.name
T = WINDOW_START
pytestmark = pytest.mark.django_db


def events(json_logs, name: str) -> list[dict]:
    return [line for line in json_logs() if line["event"] == name]


def test_alert_recorded_counts_every_delivery(json_logs):
    AlertRecipientFactory()

    alert = record_event(BEATLES, {"first_name": "Ринго"}, now=T)

    [line] = events(json_logs, "alert_recorded")
    assert (line["alert_id"], line["kind"], line["deliveries"]) == (alert.pk, BEATLES, 2)
    assert line["level"] == "info"


def test_delivery_sent_and_digest_sent(settings, json_logs):
    settings.ALERTS_THROTTLE = 1
    first, *_ = [
        record_event(BEATLES, {"first_name": "Ринго"}, now=T + dt.timedelta(seconds=i))
        for i in range(4)
    ]
    digest = Delivery.objects.get(alert__isnull=True)

    send_due(now=T + dt.timedelta(seconds=settings.ALERTS_THROTTLE_WINDOW))

    [sent] = events(json_logs, "delivery_sent")
    assert (sent["alert_id"], sent["delivery_id"]) == (first.pk, first.deliveries.get().pk)
    [digest_line] = events(json_logs, "digest_sent")
    assert (digest_line["delivery_id"], digest_line["alerts"]) == (digest.pk, 3)


def test_the_last_failed_attempt_has_no_next_try(settings, alerts_smtp, json_logs):
    smtp_server = alerts_smtp
    settings.ALERTS_MAX_ATTEMPTS = 1
    smtp_server.refuse("554 5.7.1 Rejected for admin@acme.not")
    alert = record_event(BEATLES, {"first_name": "Ринго"}, now=T)

    send_due(now=T)

    [line] = events(json_logs, "delivery_failed")
    assert line["level"] == "error"
    assert line["alert_id"] == alert.pk
    assert line["delivery_id"] == alert.deliveries.get().pk
    assert (line["attempt"], line["next_try"]) == (1, None)
    assert line["error"] == "SMTPDataError"
    assert alert.deliveries.get().status == Delivery.Status.FAILED
