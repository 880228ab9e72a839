"""Birthday reminders: one alert per user and pass, holding only the reminders not yet sent.

Each reminder has an idempotency key (user, birthday, date, notice) with a unique constraint
(`ReminderKey`). The keys and the alert are written in one transaction: a reminder already
keyed is left out; when a concurrent pass (another worker) inserts the same key first, this
transaction fails on the constraint, rolls back its alert, and tries again without those.
So every reminder goes out once, and a birthday added after this morning's email gets its own.
"""

import datetime as dt

import structlog
from django.db import IntegrityError, transaction

from . import kinds, tasks
from .models import Alert, ReminderKey
from .recording import record_event, user_fields

logger = structlog.get_logger(__name__)

ATTEMPTS = 3


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
        ReminderKey.objects.bulk_create(
            ReminderKey(
                user=user, birthday_id=r.birthday_id, date=r.date, notice=r.days_left, alert=alert
            )
            for r in new
        )
        _send_pass_on_commit()
    return alert


def _send_pass_on_commit() -> None:
    """One send pass when the transaction commits, not one per user: birthday's pass commits a
    batch of accounts at once, and a queued pass sends every alert waiting."""
    pending = transaction.get_connection().run_on_commit
    if not any(callback is tasks.dispatch for _savepoints, callback, _robust in pending):
        transaction.on_commit(tasks.dispatch, robust=True)


def _not_sent(user, reminders: list) -> list:
    sent = set(
        ReminderKey.objects.filter(user=user, date__in={r.date for r in reminders}).values_list(
            "birthday_id", "date", "notice"
        )
    )
    return [r for r in reminders if (r.birthday_id, r.date, r.days_left) not in sent]
