"""Recording an event: ONE Alert row (the outbox), and a send pass queued once it commits.

This runs on the request path, so it does as little as it can: the fan-out to the kind's
audience, the throttle decision and the sending all happen in the worker (`fanout`, `delivery`).
A crash after the commit loses nothing: the next send pass or the sweep fans the alert out.
"""

import datetime as dt
import functools

import structlog
from django.db import connections, router, transaction
from django.db.models import Field, QuerySet
from django.utils import timezone

from core import task_logs

from . import kinds, tasks
from .models import Alert, AlertRecipient

logger = structlog.get_logger(__name__)


def user_fields(user) -> dict:
    """Who was signed in, as plain JSON: id and username only, never an email or a secret."""
    if user is None or not user.is_authenticated:
        return {"user_id": None, "username": None}
    return {"user_id": user.pk, "username": user.get_username()}


def record_safely(kind: str, payload: dict) -> Alert | None:
    """Record an event from a receiver; a failure is logged in full for replay, never raised.

    The user who caused the event must still get the normal response, whatever the database does.
    """
    try:
        return record_event(kind, payload)
    except Exception:
        logger.exception("alert_record_failed", kind=kind, payload=payload)
        return None


def record_event(
    kind: str,
    payload: dict,
    *,
    now: dt.datetime | None = None,
    recipients: QuerySet[AlertRecipient] | None = None,
    is_test: bool = False,
    dispatch: bool = True,
) -> Alert:
    """Record one event of a registered kind, with a send pass that will see it (tasks).

    `recipients` (the admin's test alert) addresses it to those instead of the kind's audience.
    `dispatch=False`: the caller queues the send pass (one for a batch of reminders).
    """
    kinds.get(kind)  # an unknown kind fails here, not in every later pass
    alert = Alert(
        kind=kind,
        occurred_at=now or timezone.now(),
        payload=payload,
        is_test=is_test,
        request_id=task_logs.request_id()[:64],
    )
    with transaction.atomic():
        insert(alert)
        if recipients is not None:
            alert.addressed_to.set(recipients)
        if dispatch:
            tasks.dispatch_recorded()
    logger.info("alert_recorded", alert_id=alert.pk, kind=kind)
    return alert


def insert(alert: Alert) -> None:
    """Write a new Alert in one hand-written INSERT ... RETURNING, as save() would write it.

    On the request path of every event, where the ORM's INSERT costs more to build than to run
    (~0.15 ms of ~0.2). Each value goes through its field's own pre_save and get_db_prep_save.
    INSERT ... RETURNING: SQLite and PostgreSQL, the databases the site runs on.
    """
    db = connections[router.db_for_write(Alert)]
    sql, fields = _insert_sql(db.alias)
    params = [field.get_db_prep_save(field.pre_save(alert, True), db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        alert.pk = cursor.fetchone()[0]
    alert._state.adding, alert._state.db = False, db.alias


@functools.cache
def _insert_sql(alias: str) -> tuple[str, list[Field]]:
    """The INSERT of `insert` for one database, built on its first use."""
    db, meta = connections[alias], Alert._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    table, pk = db.ops.quote_name(meta.db_table), db.ops.quote_name(meta.pk.column)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}"  # noqa: S608
    return sql, fields


def record_events(
    kind: str, payloads: list[dict], *, now: dt.datetime, dispatch: bool = True
) -> list[Alert]:
    """Record many events of one kind in one INSERT (a batch of reminders), as `record_event`.

    bulk_create returns the primary keys (PostgreSQL; SQLite >= 3.35), so callers can point
    rows of their own at the alerts.
    """
    kinds.get(kind)
    request_id = task_logs.request_id()[:64]
    with transaction.atomic(savepoint=False):
        alerts = Alert.objects.bulk_create(
            Alert(kind=kind, occurred_at=now, payload=payload, request_id=request_id)
            for payload in payloads
        )
        if dispatch and alerts:
            tasks.dispatch_recorded()
    for alert in alerts:
        logger.info("alert_recorded", alert_id=alert.pk, kind=kind)
    return alerts
