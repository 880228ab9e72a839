"""/healthz shows the operator the alerts backlog (unsent deliveries, the age of the oldest), and
says `worker` to anyone when deliveries are due and no worker beats."""

import datetime as dt

import pytest
from django.utils import timezone

from alerts.fanout import fan_out
from alerts.models import Delivery, new_message_id
from alerts.recording import record_event
from tests.factories import AlertRecipientFactory

Status = Delivery.Status


TOKEN = "operator-token-for-tests"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def details(client) -> dict:
    return client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()


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
    assert details(client)["alerts"] == {"pending": 0, "oldest_pending_seconds": None, "outbox": 0}


@pytest.mark.django_db
def test_counts_alerts_waiting_in_the_outbox_until_a_pass_fans_them_out(client):
    record_event("beatles_name_rejected", {"first_name": "Ринго"})
    assert details(client)["alerts"]["outbox"] == 1
    fan_out()
    assert details(client)["alerts"] == {
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

    alerts = details(client)["alerts"]

    assert alerts["pending"] == 3
    assert 700 <= alerts["oldest_pending_seconds"] < 760


@pytest.mark.django_db
def test_holds_no_address(client):
    delivery(Status.PENDING, dt.timedelta(seconds=1), next_attempt_at=timezone.now())
    body = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert '"alerts"' in body
    assert "@" not in body


@pytest.mark.django_db
def test_due_deliveries_without_a_worker_are_503_worker(client):
    delivery(Status.PENDING, dt.timedelta(seconds=1), next_attempt_at=timezone.now())
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "worker"})


@pytest.mark.django_db
def test_deliveries_backing_off_need_no_worker_yet(client):
    later = timezone.now() + dt.timedelta(minutes=5)
    delivery(Status.PENDING, dt.timedelta(seconds=1), next_attempt_at=later)
    assert client.get("/healthz").status_code == 200
