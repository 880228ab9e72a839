"""Drill: two live workers, a mail server that answers each message in 2 s, a 5 s claim timeout.

Before leases were renewed, a claim expired while its worker was still sending and the sweep
handed the rest of the batch to the other worker: 4 of 10 alerts arrived twice, one three times.
Now the lease is renewed while the batch is sent, and every alert arrives exactly once. Real
`db_worker` processes; on PostgreSQL in CI (TEST_DATABASE_URL), on SQLite otherwise.
"""

import asyncio
import time

import pytest

from alerts.models import Delivery
from alerts.tasks import send_deliveries
from tests.support.processes import wait_until
from tests.support.smtp import RecordingHandler
from tests.support.workers import (
    CLAIM_TIMEOUT,
    WorkerPool,
    arrivals,
    duplicates,
    pending_deliveries,
    worker_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOTAL = 10
ANSWER_SECONDS = 2


class SlowServer(RecordingHandler):
    """Keeps each message, and takes ANSWER_SECONDS to say "250 OK"."""

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(ANSWER_SECONDS)
        return reply


def test_two_workers_and_a_slow_server_send_every_alert_once(
    db_tasks, smtp_server, tmp_path, record_property
):
    assert CLAIM_TIMEOUT == 5
    smtp_server.handler = SlowServer()
    smtp_server.stop()
    smtp_server.start()
    deliveries = pending_deliveries(TOTAL)
    started = time.monotonic()

    # Batches of 5 take 10 s each, twice the claim timeout; each worker claims one.
    env = worker_env(
        smtp_server.port, ALERTS_BATCH_SIZE="5", EMAIL_TIMEOUT=str(ANSWER_SECONDS + 0.5)
    )
    with WorkerPool(env, tmp_path) as pool:
        pool.start("w1")
        pool.start("w2")
        pool.wait_started()
        send_deliveries.enqueue()
        send_deliveries.enqueue()
        wait_until(
            lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(),
            90,
            "every delivery sent",
        )
        time.sleep(CLAIM_TIMEOUT + 1)  # a late sweep would still find something to resend
    elapsed = time.monotonic() - started

    record_property("elapsed_seconds", round(elapsed, 1))
    assert duplicates(smtp_server.messages) == {}
    assert set(arrivals(smtp_server.messages)) == {d.message_id for d in deliveries}
    assert len(smtp_server.messages) == TOTAL
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    claims_lost = [line for line in pool.lines() if line.get("event") == "delivery_claim_lost"]
    assert claims_lost == []
