"""/metrics: Prometheus text for the operator's bearer token, figures read from the database."""

import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from core.breaker import record_failover, record_failure
from core.models import WorkerHeartbeat
from tests.support.pipeline import record
from tests.support.smtp import LOCMEM, failover_mailer

TOKEN = "scrape-token-for-tests"
BEATLES = kinds.BEATLES_NAME_REJECTED.name
PAYLOAD = {"first_name": "Ринго", "last_name": "Старр"}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample as {(name, sorted labels): value}."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_404_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_401_without_a_token_403_with_a_wrong_one(client):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


def test_served_to_a_scraper_that_addresses_the_machine_by_ip(client):
    response = client.get(
        "/metrics", HTTP_HOST="10.0.3.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200


def test_the_figures_move_as_deliveries_happen(client):
    kind = (("kind", BEATLES),)
    before = scrape(client)
    assert before[("birthday_alert_events_total", kind)] == 0
    assert before[("birthday_delivery_backlog", ())] == 0

    occurred = timezone.now() - dt.timedelta(seconds=3)
    alert = record(BEATLES, PAYLOAD, now=occurred)
    Delivery.objects.filter(alert=alert).update(created_at=occurred)
    waiting = scrape(client)
    assert waiting[("birthday_alert_events_total", kind)] == 1
    assert waiting[("birthday_delivery_backlog", ())] == 1
    assert waiting[("birthday_delivery_oldest_pending_seconds", ())] >= 3

    send_due()
    after = scrape(client)
    assert after[("birthday_alert_outbox", ())] == 0
    sent = (("kind", BEATLES), ("status", "sent"))
    assert after[("birthday_deliveries_total", sent)] == 1
    assert after[("birthday_delivery_backlog", ())] == 0
    assert after[("birthday_event_to_sent_seconds_count", kind)] == 1
    assert 3 <= after[("birthday_event_to_sent_seconds_sum", kind)] < 30
    assert after[("birthday_event_to_sent_seconds_bucket", (*kind, ("le", "1.0")))] == 0
    assert after[("birthday_event_to_sent_seconds_bucket", (*kind, ("le", "5.0")))] == 1


def test_events_folded_into_a_digest_count_from_the_digest(client, settings):
    settings.ALERTS_THROTTLE = 1
    occurred = timezone.now() - dt.timedelta(seconds=2)
    for _ in range(3):
        record(BEATLES, PAYLOAD, now=occurred)
    digest = Delivery.objects.get(alert__isnull=True)
    Delivery.objects.filter(pk=digest.pk).update(next_attempt_at=occurred)
    send_due()
    figures = scrape(client)
    kind = (("kind", BEATLES),)
    assert figures[("birthday_deliveries_total", (*kind, ("status", "digested")))] == 2
    assert (
        figures[("birthday_event_to_sent_seconds_count", kind)] == 3
    )  # one email, two in a digest


def test_failovers_and_open_breakers(client, settings):
    settings.EMAIL_FAILOVER_THRESHOLD = 1
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": failover_mailer(postmark=LOCMEM, smtp=LOCMEM),
    }
    record_failure("alerts", "postmark")
    for _ in range(4):
        record_failover("alerts", "postmark", "smtp")
    figures = scrape(client)
    assert (
        figures[("birthday_mail_breaker_open", (("backend", "postmark"), ("mailer", "alerts")))]
        == 1
    )
    assert figures[("birthday_mail_breaker_open", (("backend", "smtp"), ("mailer", "alerts")))] == 0
    labels = (("from_backend", "postmark"), ("mailer", "alerts"), ("to_backend", "smtp"))
    assert figures[("birthday_mail_failovers_total", labels)] == 4


def test_workers_alive(client):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, seen_at=now)
    old = now - dt.timedelta(hours=1)
    WorkerHeartbeat.objects.create(worker_id="w0", started_at=old, seen_at=old)
    assert scrape(client)[("birthday_workers_alive", ())] == 1


def test_a_failing_collector_does_not_take_the_others_down(client, monkeypatch):
    from core import metrics

    def broken():
        raise RuntimeError("boom")
        yield

    monkeypatch.setitem(metrics._collectors, "broken", broken)
    figures = scrape(client)
    assert figures[("birthday_collector_up", (("collector", "broken"),))] == 0
    assert figures[("birthday_collector_up", (("collector", "alerts"),))] == 1
