"""Thin task wrappers around `fanout` and `delivery`, and how work is handed to them.

Every send pass first fans out the alerts waiting in the outbox, then sends what is due. A pass
serves many requests at once, so it takes no request's log context: each Alert row carries the
id of the request that raised it (core.task_logs), and no cache write hands it over.
"""

import datetime as dt

from django.conf import settings
from django.db import connections, router, transaction
from django.tasks import TaskResultStatus, task
from django_periodic_tasks import scheduled_task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from core.retry import defer
from core.task_logs import carries_own_context

from . import delivery, fanout, silences
from .models import Alert


@carries_own_context
@task
def send_deliveries(ids: list[int] | None = None) -> int:
    """A send pass: fan out, then send the given deliveries (or every due one); how many went."""
    return run_send(ids)


# Also every minute from the scheduler: work a failed pass left due (the database refused the
# claim, the queue refused the on-commit task) goes out without waiting for the next event.
@scheduled_task(cron="* * * * *", name="alerts.sweep")
@carries_own_context
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
    # A full pass that finds a full batch invites another worker (if tasks run elsewhere).
    helpers = queue_pass if ids is None and _database_backend() else None
    result = delivery.send_due(ids, now=now, on_claim=schedule_sweep, on_full_batch=helpers)
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
    backlog in batches, and events recorded while it waits to start queue nothing more.
    """
    if settings.ALERTS_DELIVERY == "inline":
        run_send(ids or [])
    else:
        queue_pass()


def dispatch_recorded() -> None:
    """Inside the transaction that records an alert: make sure a send pass will see it.

    With the database backend the pass is queued in that same transaction (one commit on the
    request path: the task row appears with the alert, never before it), unless one is already
    waiting to start. Could that one start before our commit, it would miss the alert: then we
    look again once committed. Other backends (inline delivery, the tests' immediate one) get
    the pass after the commit.
    """
    if settings.ALERTS_DELIVERY != "inline" and _database_backend() is not None:
        if not _pass_waiting():
            send_deliveries.enqueue()
        elif not _claims_wait_for_our_commit():
            transaction.on_commit(queue_pass, robust=True)
    else:
        transaction.on_commit(dispatch, robust=True)


def _claims_wait_for_our_commit() -> bool:
    """SQLite, tasks and alerts in one database: the alert's INSERT took the write lock, held
    until our commit, and a worker claims a task only under that lock (exclusive_transaction),
    so the waiting pass cannot start before it sees our alert. PostgreSQL claims concurrently."""
    db = router.db_for_write(DBTaskResult)
    return connections[db].vendor == "sqlite" and db == router.db_for_write(Alert)


def queue_pass() -> None:
    """Queue a full send pass, unless one is already waiting to start.

    The waiting one is safe to rely on: this runs after our commit, and a pass that has not
    started yet will fan out and send what we committed. (One that is running may be past its
    fan-out, so it does not count.) Only the database backend can tell; with another backend
    every call queues a pass.
    """
    if not _pass_waiting():
        send_deliveries.enqueue()


def _pass_waiting() -> bool:
    """Is a full send pass queued and not started (READY, not deferred) in django-tasks-db?

    On the request path of every alert, so one hand-written SELECT (the ORM's would cost more
    to build than to run).
    """
    backend = _database_backend()
    if backend is None:
        return False
    db = connections[router.db_for_read(DBTaskResult)]
    column = {f: db.ops.quote_name(DBTaskResult._meta.get_field(f).column) for f in _WAITING}
    where = " AND ".join(f"{column[f]} = %s" for f in _WAITING)
    table = db.ops.quote_name(DBTaskResult._meta.db_table)
    values = {
        "status": TaskResultStatus.READY,
        "task_path": send_deliveries.module_path,
        "queue_name": send_deliveries.queue_name,
        "backend_name": backend.alias,
        # not deferred: a full pass (retries of some ids are always deferred)
        "run_after": db.ops.adapt_datetimefield_value(get_date_max()),
    }
    sql = f"SELECT 1 FROM {table} WHERE {where} LIMIT 1"  # noqa: S608 (names from the model)
    with db.cursor() as cursor:
        cursor.execute(sql, [values[f] for f in _WAITING])
        return cursor.fetchone() is not None


_WAITING = ("status", "task_path", "queue_name", "backend_name", "run_after")


def _database_backend() -> DatabaseBackend | None:
    backend = send_deliveries.get_backend()
    return backend if isinstance(backend, DatabaseBackend) else None


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
