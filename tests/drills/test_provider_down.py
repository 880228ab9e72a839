"""Drill: the primary provider answers 503 while alerts go out through `postmark,smtp`.

A real worker sends through Anymail's Postmark backend, aimed at an HTTP stand-in on loopback,
with the SMTP server on loopback second. Every alert arrives through SMTP within seconds, the
breaker stops calling Postmark after EMAIL_FAILOVER_THRESHOLD failures, no Message-ID arrives
twice, and once the cool-down has passed Postmark takes the mail again. The worker sends over
several connections at once, so a few messages already on their way when the breaker opens
still try Postmark first. The web process's
/metrics, reading the database, counts what the worker did.
"""

import time
from collections import Counter

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from alerts import kinds
from alerts.models import Alert, AlertRecipient, Delivery, new_message_id
from alerts.tasks import send_deliveries
from alerts.windows import window_bounds
from tests.support.processes import wait_until
from tests.support.provider_api import serve_provider_api
from tests.support.smtp import LOCMEM, failover_mailer
from tests.support.workers import WorkerPool, pending_deliveries, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THRESHOLD = 3
LANES = 4  # the worker's ALERTS_SEND_CONCURRENCY
COOLDOWN = 4
FIRST, SECOND = 20, 5
POSTMARK_OK = {"To": "x@acme.not", "MessageID": "pm", "ErrorCode": 0, "Message": "OK"}
TOKEN = "drill-scrape-token"


def more_deliveries(count: int) -> None:
    """`count` more due deliveries to the recipients already there."""
    people = list(AlertRecipient.objects.all())
    now = timezone.now()
    kind = kinds.BEATLES_NAME_REJECTED.name
    for i in range(count):
        alert = Alert.objects.create(
            kind=kind, occurred_at=now, fanned_out_at=now, payload={"first_name": f"{i}"}
        )
        Delivery.objects.create(
            alert=alert,
            recipient=people[i % len(people)],
            kind=kind,
            window_start=window_bounds(now)[0],
            next_attempt_at=now,
            message_id=new_message_id(),
        )


def postmark_message_ids(api) -> list[str]:
    """Message-IDs of the emails Postmark accepted (answered 200)."""
    return [
        header["Value"]
        for request in api.requests
        if request.status == 200
        for header in request.json().get("Headers", [])
        if header["Name"].lower() == "message-id"
    ]


def scrape(client) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_primary_down_every_alert_through_the_second_once(
    client, settings, db_tasks, smtp_server, tmp_path
):
    settings.METRICS_TOKEN = TOKEN
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": failover_mailer(postmark=LOCMEM, smtp=LOCMEM),
    }  # the same names as the worker's, for the breaker gauge; this process sends nothing
    with (
        serve_provider_api() as postmark,
        WorkerPool(
            worker_env(
                smtp_server.port,
                ALERTS_EMAIL_BACKEND="postmark,smtp",
                ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN="drill-token",
                ALERTS_ANYMAIL_POSTMARK_API_URL=postmark.url,
                ALERTS_EMAIL_HOST="127.0.0.1",
                ALERTS_EMAIL_PORT=str(smtp_server.port),
                ALERTS_EMAIL_TIMEOUT="1",
                ALERTS_ANYMAIL_REQUESTS_TIMEOUT="1",  # the claim (5 s) outlives two of 1 + 1 s
                EMAIL_FAILOVER_THRESHOLD=str(THRESHOLD),
                EMAIL_FAILOVER_COOLDOWN=str(COOLDOWN),
                ALERTS_SEND_CONCURRENCY=str(LANES),
            ),
            tmp_path,
        ) as pool,
    ):
        postmark.status, postmark.reply = 503, {"ErrorCode": 500, "Message": "Unavailable"}
        pool.start("w1")
        pool.wait_started()

        pending_deliveries(FIRST)
        started = time.monotonic()
        send_deliveries.enqueue()
        wait_until(lambda: len(smtp_server.messages) == FIRST, 30, "every alert through SMTP")
        opened_by = time.monotonic()
        assert opened_by - started < 15
        # Then the breaker skips it; lanes already sending when it opened each tried once.
        assert THRESHOLD <= len(postmark.requests) <= THRESHOLD + LANES - 1

        figures = scrape(client)
        failovers = (("from_backend", "postmark"), ("mailer", "alerts"), ("to_backend", "smtp"))
        assert figures[("birthday_mail_failovers_total", failovers)] == FIRST
        breaker = (("backend", "postmark"), ("mailer", "alerts"))
        assert figures[("birthday_mail_breaker_open", breaker)] == 1
        sent = (("kind", "beatles_name_rejected"), ("status", "sent"))
        assert figures[("birthday_deliveries_total", sent)] == FIRST

        # Postmark is back; after the cool-down it is tried again and takes the mail.
        postmark.status, postmark.reply = 200, POSTMARK_OK
        time.sleep(COOLDOWN)
        more_deliveries(SECOND)
        send_deliveries.enqueue()
        wait_until(
            lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == FIRST + SECOND,
            30,
            "the alerts after the cool-down",
        )

    backends = Counter(Delivery.objects.values_list("backend", flat=True))
    assert backends == {"smtp": FIRST, "postmark": SECOND}
    assert len(smtp_server.messages) == FIRST
    every_message_id = [str(m["Message-ID"]) for m in smtp_server.messages]
    every_message_id += postmark_message_ids(postmark)
    assert len(every_message_id) == FIRST + SECOND
    assert len(set(every_message_id)) == FIRST + SECOND  # none twice
    assert set(every_message_id) == set(Delivery.objects.values_list("message_id", flat=True))
    assert scrape(client)[("birthday_mail_breaker_open", breaker)] == 0
