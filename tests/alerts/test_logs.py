"""The alerts' log events keep their names and fields (operators' dashboards depend on them)."""

import datetime as dt

import pytest

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

BEATLES = kinds.BEATLES_NAME_REJECTED.name
T = WINDOW_START
pytestmark = pytest.mark.django_db


def events(json_logs, name: str) -> list[dict]:
    return [line for line in json_logs() if line["event"] == name]


def test_alert_recorded_then_fanned_out_counting_every_delivery(json_logs):
    AlertRecipientFactory()

    alert = record(BEATLES, {"first_name": "Ринго"}, now=T)

    [recorded] = events(json_logs, "alert_recorded")
    assert (recorded["alert_id"], recorded["kind"]) == (alert.pk, BEATLES)
    assert recorded["level"] == "info"
    [fanned_out] = events(json_logs, "alert_fanned_out")
    assert (fanned_out["alert_id"], fanned_out["deliveries"]) == (alert.pk, 2)


def test_delivery_sent_and_digest_sent(settings, json_logs):
    settings.ALERTS_THROTTLE = 1
    first, *_ = [
        record(BEATLES, {"first_name": "Ринго"}, now=T + dt.timedelta(seconds=i)) for i in range(4)
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
    alert = record(BEATLES, {"first_name": "Ринго"}, now=T)

    send_due(now=T)

    [line] = events(json_logs, "delivery_failed")
    assert line["level"] == "error"
    assert line["alert_id"] == alert.pk
    assert line["delivery_id"] == alert.deliveries.get().pk
    assert (line["attempt"], line["next_try"]) == (1, None)
    assert line["error"] == "SMTPDataError"
    assert alert.deliveries.get().status == Delivery.Status.FAILED
