"""Which birthdays are due for whom, and when: the reminder pass of birthday/reminders.py."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from birthday import reminders
from birthday.models import ReminderPass
from birthday.signals import birthday_reminders_due
from tests.factories import BirthdayFactory, UserFactory

D = dt.date
MOSCOW = "Europe/Moscow"
TARAWA = "Pacific/Tarawa"  # UTC+12, no summer time
PAGO_PAGO = "Pacific/Pago_Pago"  # UTC-11


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def due(now, **options):
    return {
        user.username: [(r.first_name, r.date, r.days_left, r.age) for r in found]
        for user, found in reminders.due_reminders(now, **options)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "zone", "notices", "now", "expected"),
    [
        # On the day and the day before, at 09:00 local: the defaults.
        (D(1990, 5, 17), "", None, at(MOSCOW, 2026, 5, 17, 9), [(D(2026, 5, 17), 0, 36)]),
        (D(1990, 5, 18), "", None, at(MOSCOW, 2026, 5, 17, 9), [(D(2026, 5, 18), 1, 36)]),
        (D(1990, 5, 17), "", None, at(MOSCOW, 2026, 5, 17, 8, 59), []),  # hour not reached
        (D(1990, 5, 19), "", None, at(MOSCOW, 2026, 5, 17, 9), []),  # two days: not chosen
        (D(1990, 5, 17), "", None, at(MOSCOW, 2026, 5, 17, 23, 59), [(D(2026, 5, 17), 0, 36)]),
        # 29 February: 1 March in a common year, as the countdown counts; itself in a leap year.
        (D(2000, 2, 29), "", None, at(MOSCOW, 2026, 2, 28, 9), [(D(2026, 3, 1), 1, 26)]),
        (D(2000, 2, 29), "", None, at(MOSCOW, 2026, 3, 1, 9), [(D(2026, 3, 1), 0, 26)]),
        (D(2000, 2, 29), "", None, at(MOSCOW, 2028, 2, 28, 9), [(D(2028, 2, 29), 1, 28)]),
        (D(2000, 2, 29), "", None, at(MOSCOW, 2028, 3, 1, 9), []),
        (D(2001, 2, 28), "", None, at(MOSCOW, 2026, 2, 28, 9), [(D(2026, 2, 28), 0, 25)]),
        # 31 December → 1 January: next year's date, a year older.
        (D(1990, 1, 1), "", None, at(MOSCOW, 2026, 12, 31, 9), [(D(2027, 1, 1), 1, 37)]),
        (D(1990, 12, 31), "", None, at(MOSCOW, 2026, 12, 31, 9), [(D(2026, 12, 31), 0, 36)]),
        # Other notices, several at once.
        (D(1990, 5, 20), "", [0, 3, 7], at(MOSCOW, 2026, 5, 17, 9), [(D(2026, 5, 20), 3, 36)]),
        (D(1990, 5, 24), "", [7], at(MOSCOW, 2026, 5, 17, 9), [(D(2026, 5, 24), 7, 36)]),
        (D(1990, 5, 17), "", [], at(MOSCOW, 2026, 5, 17, 9), []),
        # Far east and far west: their own date and their own 09:00.
        (D(1990, 5, 17), TARAWA, None, at("UTC", 2026, 5, 16, 21), [(D(2026, 5, 17), 0, 36)]),
        (D(1990, 5, 17), TARAWA, None, at("UTC", 2026, 5, 16, 20), []),
        (D(1990, 5, 17), PAGO_PAGO, None, at("UTC", 2026, 5, 17, 19), []),  # 08:00 there
        (D(1990, 5, 17), PAGO_PAGO, None, at("UTC", 2026, 5, 17, 20), [(D(2026, 5, 17), 0, 36)]),
        # 05:00 UTC on the 18th is still the 17th, 18:00, in Pago Pago.
        (D(1990, 5, 17), PAGO_PAGO, None, at("UTC", 2026, 5, 18, 5), [(D(2026, 5, 17), 0, 36)]),
        (D(1990, 5, 18), PAGO_PAGO, None, at("UTC", 2026, 5, 18, 5), [(D(2026, 5, 18), 1, 36)]),
    ],
)
def test_due_dates(born, zone, notices, now, expected):
    user = UserFactory(time_zone=zone)
    if notices is not None:
        user.reminder_notices = notices
        user.save()
    BirthdayFactory(author=user, first_name="Ада", birthday=born)
    assert due(now).get(user.username, []) == [("Ада", *e) for e in expected]


@pytest.mark.django_db
def test_the_far_zones_on_the_same_moment_see_their_own_dates():
    east, west, home = (UserFactory(time_zone=z) for z in (TARAWA, PAGO_PAGO, ""))
    for user in (east, west, home):
        BirthdayFactory(
            author=user, first_name="Май", last_name=user.username, birthday=D(1990, 5, 17)
        )
    # 21:00 UTC on the 16th: 09:00 on the 17th in Tarawa, 10:00 on the 16th in Pago Pago,
    # 00:00 on the 17th in Moscow.
    found = due(at("UTC", 2026, 5, 16, 21))
    assert found == {
        east.username: [("Май", D(2026, 5, 17), 0, 36)],
        west.username: [("Май", D(2026, 5, 17), 1, 36)],
    }


@pytest.mark.django_db
def test_the_hour_is_the_users_own_and_now_ignores_it():
    late = UserFactory(reminder_hour=20)
    BirthdayFactory(author=late, birthday=D(1990, 5, 17))
    assert due(at(MOSCOW, 2026, 5, 17, 19, 59)) == {}
    assert len(due(at(MOSCOW, 2026, 5, 17, 20))[late.username]) == 1
    assert len(due(at(MOSCOW, 2026, 5, 17, 3), ignore_hour=True)[late.username]) == 1


@pytest.mark.django_db
def test_reminders_off_inactive_or_unconfirmed_accounts_get_none():
    off = UserFactory(reminders_enabled=False)
    gone = UserFactory(is_active=False)
    unconfirmed = UserFactory(email_confirmed=False)
    keeper = UserFactory()
    for user in (off, gone, unconfirmed, keeper):
        BirthdayFactory(author=user, birthday=D(1990, 5, 17))
    assert list(due(at(MOSCOW, 2026, 5, 17, 9))) == [keeper.username]


@pytest.mark.django_db
def test_one_user_gets_all_their_due_birthdays_in_date_order():
    user = UserFactory(reminder_notices=[0, 1, 7])
    BirthdayFactory(author=user, first_name="Неделя", birthday=D(1980, 5, 24))
    BirthdayFactory(author=user, first_name="Завтра", birthday=D(1985, 5, 18))
    BirthdayFactory(author=user, first_name="Сегодня", birthday=D(2000, 5, 17))
    BirthdayFactory(author=user, first_name="Позже", birthday=D(2000, 6, 17))
    assert due(at(MOSCOW, 2026, 5, 17, 10))[user.username] == [
        ("Сегодня", D(2026, 5, 17), 0, 26),
        ("Завтра", D(2026, 5, 18), 1, 41),
        ("Неделя", D(2026, 5, 24), 7, 46),
    ]


def _queries(now, batch_size):
    with CaptureQueriesContext(connection) as queries:
        found = list(reminders.due_reminders(now, batch_size=batch_size))
    return len(queries), len(found)


@pytest.mark.django_db
def test_queries_come_in_batches_not_per_user():
    now = at(MOSCOW, 2026, 5, 17, 9)
    for _ in range(5):
        BirthdayFactory(birthday=D(1990, 5, 17))
    few = _queries(now, batch_size=100)
    for _ in range(40):
        BirthdayFactory(birthday=D(1990, 5, 18))
    many = _queries(now, batch_size=100)
    assert few == (3, 5)  # a batch of users, its birthdays, the empty batch that ends it
    assert many == (3, 45)
    assert _queries(now, batch_size=10) == (1 + 5 * 2, 45)


@pytest.mark.django_db
def test_the_signal_goes_once_per_user_with_their_reminders():
    now = at(MOSCOW, 2026, 5, 17, 9)
    first, second = UserFactory(), UserFactory()
    BirthdayFactory(author=first, birthday=D(1990, 5, 17))
    BirthdayFactory(author=first, birthday=D(1991, 5, 18))
    BirthdayFactory(author=second, birthday=D(1992, 5, 18))
    UserFactory()  # nothing due: no signal
    calls = []

    def receiver(sender, user, reminders, now, **kwargs):
        calls.append((user.pk, [r.as_json()["date"] for r in reminders], now))

    birthday_reminders_due.connect(receiver, dispatch_uid="test")
    try:
        result = reminders.send_reminders(now)
    finally:
        birthday_reminders_due.disconnect(dispatch_uid="test")
    assert calls == [
        (first.pk, ["2026-05-17", "2026-05-18"], now),
        (second.pk, ["2026-05-18"], now),
    ]
    assert result == reminders.PassResult(users=2, reminders=3)


@pytest.mark.django_db
def test_a_failing_receiver_does_not_stop_the_pass():
    now = at(MOSCOW, 2026, 5, 17, 9)
    for _ in range(2):
        BirthdayFactory(birthday=D(1990, 5, 17))
    seen = []

    def broken(sender, user, **kwargs):
        seen.append(user.pk)
        raise RuntimeError("down")

    birthday_reminders_due.connect(broken, dispatch_uid="test")
    try:
        assert reminders.send_reminders(now).users == 2
    finally:
        birthday_reminders_due.disconnect(dispatch_uid="test")
    assert len(seen) == 2


@pytest.mark.django_db
def test_one_scheduled_pass_per_hour():
    BirthdayFactory(birthday=D(1990, 5, 17))
    nine = at(MOSCOW, 2026, 5, 17, 9, 0, 5)
    assert reminders.run_pass(nine) == reminders.PassResult(1, 1)
    assert reminders.run_pass(nine + dt.timedelta(minutes=30)) is None  # a second scheduler
    assert reminders.run_pass(nine + dt.timedelta(hours=1)) == reminders.PassResult(1, 1)
    assert reminders.run_pass(nine, scheduled=False) == reminders.PassResult(1, 1)  # operator
    passes = list(ReminderPass.objects.order_by("pk").values_list("hour", "users"))
    hour = dt.datetime(2026, 5, 17, 6, tzinfo=dt.UTC)
    assert passes == [(hour, 1), (hour + dt.timedelta(hours=1), 1), (None, 1)]
