"""Thin task wrappers around `fanout` and `delivery`, and how work is handed to them.

Every send pass first fans out the alerts waiting in the outbox, then sends what is due.
"""

import datetime as dt

from django.conf import settings
from django.tasks import task

from core.retry import defer

from . import delivery, fanout


@task
def send_deliveries(ids: list[int] | None = None) -> int:
    """A send pass: fan out, then send the given deliveries (or every due one); how many went."""
    return run_send(ids)


@task
def sweep() -> int:
    """Recover deliveries whose worker died mid-batch, then a full send pass."""
    return run_sweep()


def run_send(ids: list[int] | None, *, now: dt.datetime | None = None) -> int:
    """Fan out, send, then schedule new digests and each failed delivery's retry for later.

    With `ids`, what this pass fanned out is sent too (it is due now); without, everything due.
    """
    fanned = fanout.fan_out(now=now)
    for digest in fanned.digests:
        dispatch_at([digest.pk], digest.next_attempt_at)
    if ids is not None:
        ids = [*ids, *fanned.due]
    result = delivery.send_due(ids, now=now, on_claim=schedule_sweep)
    for retry_at, retry_ids in result.retry.items():
        dispatch_at(retry_ids, retry_at)
    return len(result.sent)


def run_sweep(*, now: dt.datetime | None = None) -> int:
    delivery.release_expired_claims(now=now)
    return run_send(None, now=now)


def dispatch(ids: list[int] | None = None) -> None:
    """A send pass now: inside this process when ALERTS_DELIVERY=inline, else through the queue.

    Inline, the pass sends `ids` and what it fans out (the alert just recorded), nothing else.
    A queued pass sends every due delivery, not only these: in a storm the first task drains the
    backlog in batches over one connection each, and the tasks after it find nothing left.
    """
    if settings.ALERTS_DELIVERY == "inline":
        run_send(ids or [])
    else:
        send_deliveries.enqueue()


def dispatch_at(ids: list[int], run_after: dt.datetime) -> None:
    """A pass for these deliveries at their time. Without deferred tasks they stay due: the
    next pass or `alerts_sweep` sends them."""
    defer(send_deliveries, run_after, ids=ids)


def schedule_sweep(run_after: dt.datetime) -> None:
    """Self-driving recovery: the tasks backend never re-runs a task whose worker died."""
    defer(sweep, run_after)
