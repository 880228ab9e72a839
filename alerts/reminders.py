"""Birthday reminders: one alert per user and pass, holding only the reminders not yet sent.

Each reminder has an idempotency key (user, birthday, date, notice) with a unique constraint
(`ReminderKey`). The keys and the alert are written in one transaction: a reminder already
keyed is left out; when a concurrent pass (another worker) inserts the same key first, this
transaction fails on the constraint, rolls back its alert, and tries again without those.
So every reminder goes out once, and a birthday added after this morning's email gets its own.

A batch of accounts (`record_batch`) takes a constant number of queries: one SELECT of the
batch's keys, one INSERT of its alerts, one of their keys. When that INSERT meets a key a
concurrent pass took, the batch's savepoint is rolled back and its users go one by one
(`record_reminders`), each retrying without the taken keys.
"""

import datetime as dt

import structlog
from django.db import IntegrityError, connection, transaction

from . import kinds, tasks
from .models import Alert, ReminderKey
from .recording import record_event, record_events, user_fields

logger = structlog.get_logger(__name__)

ATTEMPTS = 3


def record_batch(due: list, *, now: dt.datetime) -> list[Alert]:
    """The alerts for a batch of (user, reminders): one per user with reminders not yet sent."""
    try:
        with transaction.atomic():
            return _record_batch(due, now)
    except IntegrityError:
        logger.info("reminder_keys_taken", user_ids=[user.pk for user, _ in due])
    recorded = (record_reminders(user, reminders, now=now) for user, reminders in due)
    return [alert for alert in recorded if alert is not None]


def _record_batch(due: list, now: dt.datetime) -> list[Alert]:
    sent = _sent_keys(due)
    new = [
        (user, fresh)
        for user, reminders in due
        if (fresh := [r for r in reminders if _key(user, r) not in sent])
    ]
    if not new:
        return []
    payloads = [{**user_fields(user), "reminders": [r.as_json() for r in rs]} for user, rs in new]
    alerts = record_events(kinds.BIRTHDAY_REMINDER.name, payloads, now=now, dispatch=False)
    ReminderKey.objects.bulk_create(
        _reminder_key(user, r, alert)
        for (user, rs), alert in zip(new, alerts, strict=True)
        for r in rs
    )
    _send_pass_on_commit()
    return alerts


def _sent_keys(due: list) -> set[tuple]:
    """The keys already taken among a batch's users and dates, in one query."""
    keys = ReminderKey.objects.filter(
        user_id__in=[user.pk for user, _ in due],
        date__in={r.date for _, reminders in due for r in reminders},
    )
    return set(keys.values_list("user_id", "birthday_id", "date", "notice"))


def _key(user, reminder) -> tuple:
    return (user.pk, reminder.birthday_id, reminder.date, reminder.days_left)


def _reminder_key(user, reminder, alert: Alert) -> ReminderKey:
    return ReminderKey(
        user=user,
        birthday_id=reminder.birthday_id,
        date=reminder.date,
        notice=reminder.days_left,
        alert=alert,
    )


def record_reminders(user, reminders: list, *, now: dt.datetime) -> Alert | None:
    """The alert for `reminders` (birthday.reminders.Reminder) not yet sent; None if none."""
    for _attempt in range(ATTEMPTS):
        try:
            return _record_new(user, reminders, now)
        except IntegrityError:
            logger.info("reminder_keys_taken", user_id=user.pk)  # a concurrent pass: retry
    raise RuntimeError("reminder keys kept clashing")


def _record_new(user, reminders: list, now: dt.datetime) -> Alert | None:
    with transaction.atomic():
        new = _not_sent(user, reminders)
        if not new:
            return None
        payload = {**user_fields(user), "reminders": [r.as_json() for r in new]}
        alert = record_event(kinds.BIRTHDAY_REMINDER.name, payload, now=now, dispatch=False)
        ReminderKey.objects.bulk_create(_reminder_key(user, r, alert) for r in new)
        _send_pass_on_commit()
    return alert


def _send_pass_on_commit() -> None:
    """One send pass when the transaction commits, not one per user: birthday's pass commits a
    batch of accounts at once, and a queued pass sends every alert waiting."""
    pending = connection.run_on_commit
    if not any(callback is tasks.dispatch for _savepoints, callback, _robust in pending):
        transaction.on_commit(tasks.dispatch, robust=True)


def _not_sent(user, reminders: list) -> list:
    sent = _sent_keys([(user, reminders)])
    return [r for r in reminders if _key(user, r) not in sent]
