"""/healthz shows the alerts backlog: unsent deliveries and the age of the oldest one."""

import datetime as dt

import pytest
from django.utils import timezone

from alerts.fanout import fan_out
from alerts.models import Delivery, new_message_id
from alerts.recording import record_event
from tests.factories import AlertRecipientFactory

Status = Delivery.Status


def delivery(status: str, age: dt.timedelta, **fields) -> Delivery:
    return Delivery.objects.create(
        recipient=AlertRecipientFactory(),
        kind="beatles_name_rejected",
        window_start=timezone.now(),
        status=status,
        message_id=new_message_id(),
        created_at=timezone.now() - age,
        **fields,
    )


@pytest.mark.django_db
def test_nothing_waits_on_a_fresh_site(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["alerts"] == {"pending": 0, "oldest_pending_seconds": None, "outbox": 0}


@pytest.mark.django_db
def test_counts_alerts_waiting_in_the_outbox_until_a_pass_fans_them_out(client):
    record_event("beatles_name_rejected", {"first_name": "Ринго"})
    assert client.get("/healthz").json()["alerts"]["outbox"] == 1
    fan_out()
    assert client.get("/healthz").json()["alerts"] == {
        "pending": 1,
        "oldest_pending_seconds": 0,
        "outbox": 0,
    }


@pytest.mark.django_db
def test_counts_unsent_deliveries_due_or_not_and_the_oldest_age(client):
    now = timezone.now()
    delivery(Status.PENDING, dt.timedelta(seconds=40), next_attempt_at=now)
    # Backing off after a transport error: not due, still waiting.
    delivery(Status.PENDING, dt.timedelta(seconds=700), next_attempt_at=now + dt.timedelta(hours=1))
    delivery(Status.SENDING, dt.timedelta(seconds=5), claimed_by="worker", claimed_at=now)
    for done in (Status.SENT, Status.FAILED, Status.DIGESTED):
        delivery(done, dt.timedelta(days=3))

    alerts = client.get("/healthz").json()["alerts"]

    assert alerts["pending"] == 3
    assert 700 <= alerts["oldest_pending_seconds"] < 760


@pytest.mark.django_db
def test_holds_no_address(client):
    delivery(Status.PENDING, dt.timedelta(seconds=1), next_attempt_at=timezone.now())
    body = client.get("/healthz").content.decode()
    assert "@" not in body
