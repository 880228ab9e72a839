"""Birthday reminders as email: one per user and pass, each reminder once, one-click unsubscribe."""

import datetime as dt
import re
import threading
from email.policy import SMTP
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from alerts import kinds
from alerts import reminders as alert_reminders
from alerts.fanout import user_recipient
from alerts.models import Alert, AlertRecipient, Delivery, ReminderKey, Unsubscription
from alerts.recording import record_event, user_fields
from alerts.tasks import run_send
from birthday import reminders
from tests.factories import BirthdayFactory, UserFactory
from tests.support.mail import html_of, text_of

MOSCOW = ZoneInfo("Europe/Moscow")
NINE = dt.datetime(2026, 5, 17, 9, 0, 30, tzinfo=MOSCOW)
HOUR = dt.timedelta(hours=1)


def deliver() -> list:
    """What the worker's send pass sends now: the outbox fanned out, every due email."""
    run_send(None)
    sent, mail.outbox[:] = list(mail.outbox), []
    return sent


def pass_at(now: dt.datetime, **options) -> list:
    """One reminder pass at `now`, then the worker's send pass: the emails that went out."""
    reminders.send_reminders(now, **options)
    return deliver()


@pytest.fixture
def anna(db):
    user = UserFactory(username="anna", email="anna@example.com")
    BirthdayFactory(
        author=user, first_name="Лев", last_name="Толстой", birthday=dt.date(1990, 5, 18)
    )
    BirthdayFactory(
        author=user, first_name="Ада", last_name="Лавлейс", birthday=dt.date(1990, 5, 17)
    )
    return user


def test_the_kind_is_for_the_user_the_event_names_and_never_folded():
    kind = kinds.get("birthday_reminder")
    assert kind.audience == kinds.EventUser("user_id")
    assert kind.throttled is False


def test_one_email_per_user_per_pass_lists_every_due_birthday(anna):
    other = UserFactory(email="boris@example.com")
    BirthdayFactory(author=other, first_name="Марина", birthday=dt.date(1992, 5, 18))
    BirthdayFactory(author=other, first_name="Позже", birthday=dt.date(1992, 5, 25))

    sent = pass_at(NINE)

    assert sorted(message.to[0] for message in sent) == ["anna@example.com", "boris@example.com"]
    email = next(m for m in sent if m.to == ["anna@example.com"])
    assert email.subject == "Дни рождения: Ада Лавлейс и ещё 1"
    text = text_of(email)
    assert "Здравствуйте, anna!" in text
    ada = anna.birthdays.get(first_name="Ада")
    tolstoy = anna.birthdays.get(first_name="Лев")
    assert (
        f"- Ада Лавлейс: 17 мая, сегодня, исполнится 36 лет\n  http://birthday.test/birthday/{ada.pk}/"
        in text
    )
    assert (
        f"- Лев Толстой: 18 мая, завтра, исполнится 36 лет\n  http://birthday.test/birthday/{tolstoy.pk}/"
        in text
    )
    assert text.index("Ада") < text.index("Лев")  # by date
    assert "http://birthday.test/auth/notifications/" in text
    html = html_of(email)
    assert f'href="http://birthday.test/birthday/{ada.pk}/"' in html
    boris = next(m for m in sent if m.to == ["boris@example.com"])
    assert boris.subject == "День рождения завтра: Марина Фамилия"
    assert "Позже" not in text_of(boris)


def test_every_reminder_carries_a_one_click_unsubscribe(anna, settings):
    settings.SITE_URL = "https://birthday.example.com"
    (email,) = pass_at(NINE)
    header = email.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https://birthday\.example\.com/unsubscribe/[^/>]+/>", header)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire: one plain line, never folded into encoded words that mail programs ignore.
    raw = email.message().as_bytes(policy=SMTP)
    assert f"\r\nList-Unsubscribe: {header}\r\n".encode() in raw
    assert header[1:-1] in text_of(email)
    assert f'href="{header[1:-1]}"' in html_of(email)


def test_names_are_escaped_in_html_and_cannot_add_a_header(db):
    user = UserFactory()
    BirthdayFactory(
        author=user,
        first_name="<b>Эмма</b>",
        last_name="Bcc: x@e.t\r\nX-A: 1",
        birthday=dt.date(1990, 5, 17),
    )
    (email,) = pass_at(NINE)
    message = email.message()
    assert "\n" not in email.subject and "\r" not in email.subject
    assert message["Bcc"] is None and message["X-A"] is None
    assert "&lt;b&gt;Эмма&lt;/b&gt;" in html_of(email) and "<b>Эмма" not in html_of(email)
    assert "<b>Эмма</b>" in text_of(email)


def test_in_english_too(anna, settings):
    settings.LANGUAGE_CODE = "en"
    BirthdayFactory(author=anna, first_name="Карл", birthday=dt.date(2025, 5, 17))
    (email,) = pass_at(NINE)
    text = text_of(email)
    assert email.subject == "Birthdays: Ада Лавлейс and 2 more"
    assert "Hello, anna!" in text
    assert "Ада Лавлейс: 17 May, today, turns 36" in text
    assert "Карл Фамилия: 17 May, today, turns 1" in text
    assert "Лев Толстой: 18 May, tomorrow, turns 36" in text
    assert "Stop these reminders" in text


def test_passes_after_the_first_send_nothing_again(anna):
    assert len(pass_at(NINE)) == 1
    assert pass_at(NINE + HOUR) == []
    assert pass_at(NINE + 5 * HOUR) == []
    assert Alert.objects.filter(kind="birthday_reminder").count() == 1
    assert ReminderKey.objects.count() == 2


def test_a_birthday_added_after_todays_email_gets_its_own_in_a_later_pass(anna):
    pass_at(NINE)
    BirthdayFactory(
        author=anna, first_name="Новая", last_name="Подруга", birthday=dt.date(1999, 5, 17)
    )
    (email,) = pass_at(NINE + HOUR)
    assert email.subject == "День рождения сегодня: Новая Подруга"
    assert "Ада" not in text_of(email) and "Лев" not in text_of(email)


def test_a_new_notice_is_its_own_reminder_and_the_next_day_brings_the_next(anna):
    pass_at(NINE)  # Ада today, Лев tomorrow
    (email,) = pass_at(NINE + 24 * HOUR)  # Лев today: the day's notice, not the day before's
    assert email.subject == "День рождения сегодня: Лев Толстой"


def test_missed_hours_are_caught_up_the_same_day_once(anna):
    """The scheduler is down from 09:00 to 12:00: the 12:00 pass sends, the ones after don't."""
    six = NINE - 3 * HOUR
    for hour in range(3):  # 06:00-08:00: before the user's hour
        reminders.run_pass(six + hour * HOUR)
        assert deliver() == []
    # 09:00, 10:00, 11:00: no pass at all.
    reminders.run_pass(NINE + 3 * HOUR)
    (email,) = deliver()
    assert email.to == ["anna@example.com"]
    for hour in range(4, 15):  # the rest of the day
        reminders.run_pass(NINE + hour * HOUR)
    assert deliver() == []


def test_the_users_unsubscribe_link_turns_their_reminders_off(anna):
    (email,) = pass_at(NINE)
    link = email.extra_headers["List-Unsubscribe"][1:-1]
    client = Client(enforce_csrf_checks=True)  # a mail program: no cookie, no CSRF token

    page = client.get(link)
    assert page.status_code == 200 and "Больше не присылать напоминания" in page.text
    anna.refresh_from_db()
    assert anna.reminders_enabled  # GET changes nothing

    response = client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    anna.refresh_from_db()
    assert not anna.reminders_enabled
    left = Unsubscription.objects.get()
    assert (left.recipient.user, left.kind, left.method) == (anna, "birthday_reminder", "one_click")
    assert pass_at(NINE + 24 * HOUR) == []  # Лев's day: nothing any more


def test_a_failure_to_record_is_logged_with_the_reminders_and_the_pass_goes_on(
    anna, monkeypatch, json_logs
):
    other = UserFactory()
    BirthdayFactory(author=other, first_name="Вера", birthday=dt.date(1990, 5, 17))
    calls = []

    def flaky(user, due, *, now):
        calls.append(user.pk)
        if user == anna:
            raise RuntimeError("database went away")
        return real(user, due, now=now)

    real = alert_reminders.record_reminders
    monkeypatch.setattr("alerts.receivers.record_reminders", flaky)
    sent = pass_at(NINE)
    assert [m.to for m in sent] == [[other.email]]
    failed = [line for line in json_logs() if line["event"] == "alert_record_failed"]
    assert failed[0]["payload"]["user_id"] == anna.pk
    assert len(failed[0]["payload"]["reminders"]) == 2
    monkeypatch.undo()  # the database is back
    assert [m.to for m in pass_at(NINE + HOUR)] == [["anna@example.com"]]  # caught up


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_one_email_on_postgresql(postgres_only, monkeypatch):
    user = UserFactory(email="twice@example.com")
    BirthdayFactory(author=user, birthday=dt.date(1990, 5, 17))
    BirthdayFactory(author=user, birthday=dt.date(1991, 5, 18))
    both_looked = threading.Barrier(2, timeout=10)
    looked = threading.local()
    real = alert_reminders._not_sent

    def look_then_wait(*args):
        found = real(*args)
        if not getattr(looked, "once", False):  # both see nothing sent yet, then both insert
            looked.once = True
            both_looked.wait()
        return found

    monkeypatch.setattr(alert_reminders, "_not_sent", look_then_wait)
    errors = []

    def worker():
        try:
            reminders.send_reminders(NINE)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Alert.objects.filter(kind="birthday_reminder").count() == 1
    assert ReminderKey.objects.count() == 2
    sent = deliver()
    assert [m.to for m in sent] == [["twice@example.com"]]
    assert Delivery.objects.count() == 1


def test_the_admins_test_alert_renders_the_sample_for_a_users_recipient(db):
    admin = UserFactory(username="boss", is_staff=True)
    recipient = user_recipient(admin.pk)
    kind = kinds.BIRTHDAY_REMINDER
    payload = {**kind.sample_payload, **user_fields(admin)}
    record_event(
        kind.name, payload, recipients=AlertRecipient.objects.filter(pk=recipient.pk), is_test=True
    )
    (email,) = deliver()
    assert email.to == [admin.email]
    assert email.subject == "[тест] День рождения завтра: Анна Ахматова"
    assert "Это тестовое оповещение" in text_of(email)
    assert "Здравствуйте, boss!" in text_of(email)


def test_a_pass_queues_one_send_for_a_batch_of_accounts(
    db, dummy_tasks, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    for _ in range(3):
        BirthdayFactory(birthday=dt.date(1990, 5, 17))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(NINE)
    assert Alert.objects.filter(kind="birthday_reminder").count() == 3
    queued = [result.task.module_path for result in default_task_backend.results]
    assert queued == ["alerts.tasks.send_deliveries"]  # it sends all three
