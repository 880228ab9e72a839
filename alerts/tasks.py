"""Thin task wrappers around `fanout` and `delivery`, and how work is handed to them.

Every send pass first fans out the alerts waiting in the outbox, then sends what is due.
"""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django_periodic_tasks import scheduled_task

from core.retry import defer

from . import delivery, fanout, silences


@task
def send_deliveries(ids: list[int] | None = None) -> int:
    """A send pass: fan out, then send the given deliveries (or every due one); how many went."""
    return run_send(ids)


# Also every minute from the scheduler: work a failed pass left due (the database refused the
# claim, the queue refused the on-commit task) goes out without waiting for the next event.
@scheduled_task(cron="* * * * *", name="alerts.sweep")
@task
def sweep(token: str = "") -> int:
    """Recover deliveries whose worker died mid-batch, then a full send pass; with the token of
    the claim it was queued for, it comes back while that claim's lease is renewed."""
    return run_sweep(token=token)


@task
def finish_silences() -> int:
    """At a silence's end: log it, and send the summaries that are due."""
    return run_finish_silences()


def run_finish_silences(*, now: dt.datetime | None = None) -> int:
    silences.finish_due(now=now)
    return run_send(None, now=now)


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


def run_sweep(*, now: dt.datetime | None = None, token: str = "") -> int:
    delivery.release_expired_claims(now=now)
    silences.finish_due(now=now)  # a lost deferred task must not leave a silence unended
    sent = run_send(None, now=now)
    if token and (expiry := delivery.lease_expiry(token)) is not None:
        schedule_sweep(expiry, token)  # its worker is still sending: look again at the new expiry
    return sent


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


def schedule_silence_end(ends_at: dt.datetime) -> None:
    defer(finish_silences, ends_at)


def schedule_sweep(run_after: dt.datetime, token: str = "") -> None:
    """Self-driving recovery: the tasks backend never re-runs a task whose worker died. One
    sweep follows each claim until it is done, however often its lease is renewed."""
    defer(sweep, run_after, token=token)
