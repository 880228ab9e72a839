"""Drill: a worker is SIGKILLed in the middle of a batch, and another one is started.

The kill comes at the worst moment: the SMTP server has the message, the worker has not yet
recorded it. Everything is delivered in the end. A batch's outcomes are recorded together when
it ends, so what the killed batch had sent goes out again, each message with its own Message-ID
(at least once, by design): nothing from an earlier batch. Real `db_worker` processes on the
test database, one connection each, so that the kill lands on a known message.
"""

import threading
import time

import pytest

from alerts.models import Delivery
from alerts.tasks import send_deliveries
from tests.support.processes import wait_until
from tests.support.smtp import RecordingHandler
from tests.support.workers import (
    BATCH_SIZE,
    CLAIM_TIMEOUT,
    WorkerPool,
    arrivals,
    duplicates,
    pending_deliveries,
    worker_env,
)

pytestmark = pytest.mark.slow

TOTAL = 100
KILL_AT = BATCH_SIZE + BATCH_SIZE // 2  # the middle of the second batch


class KillsTheSender(RecordingHandler):
    """Keeps the message, then kills the worker before it can hear "250 OK"."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.victim = None
        self.killed = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == self.at and self.victim is not None:
            self.victim.kill()
            self.killed.set()
        return reply


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_batch_then_restarted(db_tasks, smtp_server, tmp_path, record_property):
    handler = smtp_server.handler = KillsTheSender(at=KILL_AT)
    smtp_server.stop()
    smtp_server.start()
    deliveries = pending_deliveries(TOTAL)
    started = time.monotonic()

    env = worker_env(smtp_server.port, ALERTS_SEND_CONCURRENCY="1")
    with WorkerPool(env, tmp_path) as pool:
        handler.victim = pool.start("first")
        pool.wait_started()
        send_deliveries.enqueue()
        wait_until(handler.killed.is_set, 30, "the kill")
        in_flight = Delivery.objects.filter(status=Delivery.Status.SENDING)
        assert in_flight.count() == BATCH_SIZE  # the whole second batch is still unrecorded
        assert len(smtp_server.messages) == KILL_AT

        pool.start("restarted")  # it runs the sweep the dead batch queued for itself
        wait_until(
            lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(),
            CLAIM_TIMEOUT + 30,
            "every delivery sent",
        )
    elapsed = time.monotonic() - started

    repeated = duplicates(smtp_server.messages)
    record_property("duplicates", repeated)
    record_property("elapsed_seconds", round(elapsed, 1))
    print(f"worker killed: {TOTAL} in {elapsed:.1f} s, sent twice: {repeated}")  # noqa: T201
    killed_batch_sent = smtp_server.messages[BATCH_SIZE:KILL_AT]
    assert repeated == {str(message["Message-ID"]): 2 for message in killed_batch_sent}
    assert set(arrivals(smtp_server.messages)) == {d.message_id for d in deliveries}
    resent = Delivery.objects.filter(message_id__in=repeated)
    assert {delivery.attempts for delivery in resent} == {2}
