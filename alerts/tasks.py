"""Thin task wrappers around `delivery`, and how work is handed to them (now, later, inline)."""

import datetime as dt

import structlog
from django.conf import settings
from django.tasks import Task, task

from . import delivery, silences

logger = structlog.get_logger(__name__)


@task
def send_deliveries(ids: list[int] | None = None) -> int:
    """Send the given deliveries (or every due one); returns how many went out."""
    return run_send(ids)


@task
def sweep() -> int:
    """Recover deliveries whose worker died mid-batch, then send everything due."""
    return run_sweep()


@task
def finish_silences() -> int:
    """At a silence's end: log it, and send the summaries that are due."""
    return run_finish_silences()


def run_finish_silences(*, now: dt.datetime | None = None) -> int:
    silences.finish_due(now=now)
    return run_send(None, now=now)


def run_send(ids: list[int] | None, *, now: dt.datetime | None = None) -> int:
    """Send, then schedule each failed delivery's retry as a deferred task."""
    result = delivery.send_due(ids, now=now, on_claim=schedule_sweep)
    for retry_at, retry_ids in result.retry.items():
        dispatch_at(retry_ids, retry_at)
    return len(result.sent)


def run_sweep(*, now: dt.datetime | None = None) -> int:
    delivery.release_expired_claims(now=now)
    silences.finish_due(now=now)  # a lost deferred task must not leave a silence unended
    return run_send(None, now=now)


def dispatch(ids: list[int]) -> None:
    """Send now: inside this process when ALERTS_DELIVERY=inline, else through the queue.

    A queued task sends every due delivery, not only these: in a storm the first task drains the
    backlog in batches over one connection each, and the tasks after it find nothing left.
    """
    if settings.ALERTS_DELIVERY == "inline":
        run_send(ids)
    else:
        send_deliveries.enqueue()


def dispatch_at(ids: list[int], run_after: dt.datetime) -> None:
    _enqueue_later(send_deliveries, run_after, ids=ids)


def schedule_silence_end(ends_at: dt.datetime) -> None:
    _enqueue_later(finish_silences, ends_at)


def schedule_sweep(run_after: dt.datetime) -> None:
    """Self-driving recovery: the tasks backend never re-runs a task whose worker died."""
    _enqueue_later(sweep, run_after)


def _enqueue_later(deferred: Task, run_after: dt.datetime, **kwargs) -> None:
    if not deferred.get_backend().supports_defer:
        # E.g. the immediate backend of tests: the rows stay due and `alerts_sweep` sends them.
        logger.info("alert_task_not_deferred", task=deferred.name, run_after=run_after.isoformat())
        return
    deferred.using(run_after=run_after).enqueue(**kwargs)
