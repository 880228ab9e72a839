"""Scale-out: three real workers share 1,000 deliveries; one is SIGKILLed mid-batch.

Guarantees checked: every delivery is sent; no Message-ID arrives twice except the one a killed
worker had handed to the SMTP server without recording it (at least once, never a new
Message-ID); the dead worker's claimed batch is sent again once its claim expires, by the
deferred sweep the batch queued for itself.
"""

import datetime as dt
import time

import pytest
from django_tasks_db.models import DBTaskResult

from alerts.delivery import send_due
from alerts.models import Delivery
from alerts.tasks import send_deliveries
from tests.support.processes import wait_until
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

Status = Delivery.Status
TOTAL = 1000


def claims_in_flight() -> set[tuple[int, str, dt.datetime]]:
    in_flight = Delivery.objects.filter(status=Status.SENDING)
    return set(in_flight.values_list("pk", "claimed_by", "claimed_at"))


@pytest.mark.django_db
def test_each_batch_of_a_long_run_is_claimed_at_its_own_time(settings):
    """Else a sweep would take a live worker's later batches for a dead worker's."""
    settings.ALERTS_BATCH_SIZE = 1
    pending_deliveries(2, recipients=1)
    leases = []

    def on_claim(expires_at: dt.datetime, token: str) -> None:
        leases.append(expires_at)
        time.sleep(0.01)

    assert len(send_due(on_claim=on_claim).sent) == 2
    assert len(leases) == 2
    assert leases[0] < leases[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_workers_one_killed_every_delivery_sent(
    postgres_only, db_tasks, smtp_server, tmp_path, record_property
):
    deliveries = pending_deliveries(TOTAL)
    started = time.monotonic()

    with WorkerPool(worker_env(smtp_server.port), tmp_path) as pool:
        doomed, *_ = (pool.start(f"w{i}") for i in range(3))
        pool.wait_started()
        for _ in range(3):  # one long send task per worker: their claims interleave
            send_deliveries.enqueue()

        # Kill one worker in the middle of a batch, once a good part of the mail is out.
        wait_until(
            lambda: (
                len(smtp_server.messages) >= TOTAL // 4
                and doomed.has_open_smtp_connection(smtp_server.port)
            ),
            30,
            "the first worker mid-batch",
        )
        doomed.kill()
        killed_at = time.monotonic()
        before = claims_in_flight()
        # The live workers finish their batches in well under a claim timeout; the rows still
        # claimed by the same token later are the dead worker's.
        time.sleep(CLAIM_TIMEOUT / 2)
        dead_claims = before & claims_in_flight()
        claimed_at = {pk: at for pk, _, at in dead_claims}
        dead_ids = set(claimed_at)

        wait_until(
            lambda: not Delivery.objects.exclude(status=Status.SENT).exists(),
            45,
            "every delivery sent",
        )
        elapsed = time.monotonic() - started
        released = [line for line in pool.lines() if line.get("released")]

    arrived = arrivals(smtp_server.messages)
    repeated = duplicates(smtp_server.messages)
    message_ids = {d.pk: d.message_id for d in deliveries}
    record_property("elapsed_seconds", round(elapsed, 1))
    record_property("killed_batch", len(dead_ids))
    record_property("duplicates", repeated)
    print(f"scale-out: {TOTAL} in {elapsed:.1f} s, killed batch {len(dead_ids)}, dups {repeated}")  # noqa: T201

    assert set(arrived) == set(message_ids.values())  # every one arrived, no stranger
    assert set(repeated) <= {message_ids[pk] for pk in dead_ids}
    assert all(n == 2 for n in repeated.values())
    assert 1 <= len(dead_ids) <= BATCH_SIZE
    assert sum(line["released"] for line in released) == len(dead_ids)
    lease = dt.timedelta(seconds=CLAIM_TIMEOUT)
    recovered = Delivery.objects.filter(pk__in=dead_ids)
    assert {d.attempts for d in recovered} == {2}
    assert all(d.sent_at >= claimed_at[d.pk] + lease for d in recovered)
    assert time.monotonic() - killed_at < 60
    assert DBTaskResult.objects.filter(task_path="alerts.tasks.sweep", status="SUCCESSFUL").exists()
