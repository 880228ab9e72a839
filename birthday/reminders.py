"""Which birthdays are due for whom: the hourly reminder pass.

A pass looks at every account with reminders on, in batches of users (two queries a batch, so
the number of queries grows with the batches, never per user). For each account it takes the
local date and hour in the account's time zone; once the chosen hour is reached that day, the
birthdays falling on that date plus each chosen notice (0, 1, 3, 7 days) are due, counted as the
countdown counts (29 February is 1 March in a common year). It then sends
`birthday_reminders_due` once per account that has any. Later passes the same day send the same
reminders again: that is how missed hours are caught up and how a birthday added after the
morning's email gets its own; the receiver (alerts) sends each reminder once.

The scheduler's task runs `run_pass`, which claims its hour in the database first, so with many
schedulers or workers one pass runs per hour; `manage.py send_reminders` runs one unclaimed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce
from operator import or_

import structlog
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.preferences import Notice, zone_named

from .dates import anniversary
from .models import Birthday, ReminderPass
from .signals import birthday_reminders_due

logger = structlog.get_logger(__name__)

BATCH_SIZE = 1000
_NOTICES = frozenset(Notice.values)


@dataclass(frozen=True)
class Reminder:
    """One birthday, one occurrence, one notice: what a reminder tells."""

    birthday_id: int
    first_name: str
    last_name: str
    born: dt.date
    date: dt.date  # the day it is celebrated this time
    days_left: int  # the notice: 0 on the day
    age: int  # the age they turn on `date`

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def as_json(self) -> dict:
        """Plain JSON, for an event's payload."""
        return {
            "birthday_id": self.birthday_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "born": self.born.isoformat(),
            "date": self.date.isoformat(),
            "days_left": self.days_left,
            "age": self.age,
        }


@dataclass(frozen=True)
class PassResult:
    users: int
    reminders: int


def due_dates(user, now: dt.datetime, *, ignore_hour: bool = False) -> dict[dt.date, int]:
    """The dates whose birthdays are due for `user` at `now`, each with its notice (days left).

    Empty before the user's hour on their local day, unless `ignore_hour` (send_reminders --now).
    """
    local = now.astimezone(zone_named(user.time_zone))
    if not ignore_hour and local.hour < user.reminder_hour:
        return {}
    today = local.date()
    chosen = user.reminder_notices if isinstance(user.reminder_notices, list) else []
    return {today + dt.timedelta(days=n): n for n in sorted(_NOTICES.intersection(chosen))}


def due_batches(
    now: dt.datetime, *, ignore_hour: bool = False, batch_size: int = BATCH_SIZE
) -> Iterator[list[tuple[object, list[Reminder]]]]:
    """For each batch of accounts (by id): (user, reminders) of those with reminders due."""
    # Never to an address its owner has not confirmed (an account made by signing up).
    users = get_user_model()._default_manager.filter(
        is_active=True, email_confirmed=True, reminders_enabled=True
    )
    last_pk = 0
    while batch := list(users.filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
        last_pk = batch[-1].pk
        dates = {user.pk: due_dates(user, now, ignore_hour=ignore_hour) for user in batch}
        found = _reminders(dates)
        yield [(user, found[user.pk]) for user in batch if found.get(user.pk)]


def due_reminders(now: dt.datetime, **options) -> Iterator[tuple[object, list[Reminder]]]:
    """(user, reminders) for every account with reminders due at `now`, in user id order."""
    for batch in due_batches(now, **options):
        yield from batch


def send_reminders(now: dt.datetime | None = None, *, ignore_hour: bool = False) -> PassResult:
    """One pass: `birthday_reminders_due` once per account that has reminders due.

    A batch of accounts is one transaction, so that what receivers record commits (and is
    handed on) together; each account's receivers run in a savepoint of their own, and one
    that fails is logged and undone without stopping the rest.
    """
    now = now or timezone.now()
    users = reminders = 0
    for batch in due_batches(now, ignore_hour=ignore_hour):
        with transaction.atomic():
            for user, due in batch:
                try:
                    with transaction.atomic():
                        birthday_reminders_due.send(
                            sender=Birthday, user=user, reminders=due, now=now
                        )
                except Exception:
                    logger.exception("reminder_receiver_failed", user_id=user.pk)
                users += 1
                reminders += len(due)
    logger.info("reminder_pass_done", users=users, reminders=reminders, ignore_hour=ignore_hour)
    return PassResult(users, reminders)


def run_pass(
    now: dt.datetime | None = None, *, scheduled: bool = True, ignore_hour: bool = False
) -> PassResult | None:
    """A pass kept in ReminderPass. A scheduled one first claims its hour (UTC) and does nothing
    when another pass has; an operator's (`scheduled=False`) runs whenever asked.

    A pass that dies midway keeps its claim: the next hour's pass sends what it missed.
    """
    now = now or timezone.now()
    hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0) if scheduled else None
    try:
        with transaction.atomic():
            record = ReminderPass.objects.create(hour=hour, started_at=now)
    except IntegrityError:
        logger.info("reminder_pass_skipped", hour=hour.isoformat())
        return None
    result = send_reminders(now, ignore_hour=ignore_hour)
    ReminderPass.objects.filter(pk=record.pk).update(
        finished_at=timezone.now(), users=result.users, reminders=result.reminders
    )
    return result


def _reminders(dates: dict[int, dict[dt.date, int]]) -> dict[int, list[Reminder]]:
    """The due birthdays of a batch of users, in one query."""
    month_days = {md for by_date in dates.values() for day in by_date for md in _month_days(day)}
    if not month_days:
        return {}
    matches = reduce(or_, (Q(birthday__month=m, birthday__day=d) for m, d in month_days))
    rows = (
        Birthday.objects.filter(matches, author_id__in=[pk for pk, d in dates.items() if d])
        .order_by()
        .values_list("pk", "first_name", "last_name", "birthday", "author_id")
    )
    found: dict[int, list[Reminder]] = defaultdict(list)
    for pk, first_name, last_name, born, author_id in rows:
        for day, days_left in dates[author_id].items():
            age = day.year - born.year
            if anniversary(born, day.year) == day and age > 0:
                found[author_id].append(
                    Reminder(pk, first_name, last_name, born, day, days_left, age)
                )
    for due in found.values():
        due.sort(key=lambda r: (r.date, r.name, r.birthday_id))
    return found


def _month_days(day: dt.date) -> list[tuple[int, int]]:
    """The (month, day) of birth celebrated on `day`: 1 March also holds 29 February's."""
    pairs = [(day.month, day.day)]
    if (day.month, day.day) == (3, 1) and anniversary(dt.date(2000, 2, 29), day.year) == day:
        pairs.append((2, 29))
    return pairs
