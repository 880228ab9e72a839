"""While a silence holds nothing is emailed; when it ends each recipient gets one summary."""

import datetime as dt
from collections import Counter

import pytest
import structlog
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import silences
from alerts.health import backlog
from alerts.models import AlertRecipient, Delivery, Silence
from alerts.tasks import run_finish_silences, run_sweep
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record
from tests.support.threads import side_by_side

Status = Delivery.Status
BEATLES = "beatles_name_rejected"
START = WINDOW_START
END = START + dt.timedelta(hours=1)


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def beatle(moment: dt.datetime, name: str = "Ринго"):
    return record(BEATLES, {"first_name": name, "last_name": "Старр"}, now=moment)


def summaries() -> list:
    return [m for m in mail.outbox if "Тишина завершена" in m.subject]


@pytest.fixture
def two_watchers(no_default_recipient, dummy_tasks):
    """Two recipients of the Beatles kind; queued tasks never run (the test runs the sweep)."""
    return AlertRecipientFactory(email="ringo@acme.not"), AlertRecipientFactory(
        email="paul@acme.not"
    )


def kind_silence(**fields) -> Silence:
    values = {"kind": BEATLES, "starts_at": START, "ends_at": END, "reason": "Новая форма"}
    return Silence.objects.create(**{**values, **fields})


@pytest.mark.django_db
def test_while_a_silence_holds_events_are_recorded_silenced_and_nothing_is_sent(two_watchers):
    kind_silence()
    alert = beatle(at(5))

    assert set(alert.deliveries.values_list("status", flat=True)) == {Status.SILENCED}
    run_sweep(now=at(30))
    assert mail.outbox == []
    # After its end, an event is emailed as usual.
    beatle(END + dt.timedelta(seconds=1), name="Пол")
    run_sweep(now=END + dt.timedelta(seconds=2))
    singles = [m for m in mail.outbox if "Another Beatles member" in m.subject]
    assert len(singles) == 2


@pytest.mark.django_db
def test_one_recipient_silenced_for_every_kind_leaves_the_other_one_alone(two_watchers):
    ringo, _ = two_watchers
    Silence.objects.create(recipient=ringo, starts_at=START, ends_at=END, reason="отпуск")
    alert = beatle(at(1))
    statuses = dict(alert.deliveries.values_list("recipient__email", "status"))
    assert statuses == {"ringo@acme.not": Status.SILENCED, "paul@acme.not": Status.PENDING}


@pytest.mark.django_db
def test_silenced_events_do_not_count_toward_the_throttle(two_watchers, settings, admin_user):
    settings.ALERTS_THROTTLE = 2
    held = kind_silence(ends_at=at(4))  # ends inside the same 10-minute throttle window
    for minute in (0.5, 1, 1.5):
        beatle(at(minute))
    statuses = [beatle(at(5 + n / 10)).deliveries.first().status for n in range(3)]
    assert statuses == [Status.PENDING, Status.PENDING, Status.DIGESTED]
    assert held.summaries.count() == 2


@pytest.mark.django_db
def test_when_it_ends_each_recipient_gets_one_summary_once(two_watchers, client):
    kind_silence()
    beatle(at(1), "Ринго")
    beatle(at(2), "Пол")
    beatle(at(50), "Джон")

    with structlog.testing.capture_logs() as logs:
        run_sweep(now=at(59))
        assert summaries() == []
        run_sweep(now=END + dt.timedelta(seconds=1))
        run_finish_silences(now=END + dt.timedelta(seconds=2))
        run_sweep(now=END + dt.timedelta(minutes=5))

    assert Counter(m.to[0] for m in summaries()) == {"ringo@acme.not": 1, "paul@acme.not": 1}
    assert len(mail.outbox) == 2  # nothing held was emailed on its own
    summary = summaries()[0]
    assert summary.subject == "Тишина завершена: 3 оповещения"
    text = summary.body
    assert "Отклонено имя битла: 3" in text
    assert "2026-03-01 15:01:00" in text  # the first, in the site's time zone (Moscow)
    assert "2026-03-01 15:50:00" in text  # the last
    link = text.split("оповещения в админке: ")[1].split()[0]
    assert link.startswith(
        "http://birthday.test/admin/alerts/alert/?deliveries__digest__id__exact="
    )
    assert [line["silence_id"] for line in logs if line["event"] == "silence_ended"] == [
        Silence.objects.get().pk
    ]
    # The link opens the alerts it held, and only those.
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@acme.not", "x"))
    listing = client.get(link.removeprefix("http://birthday.test"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 3


@pytest.mark.django_db
def test_a_silence_that_held_nothing_sends_nothing(two_watchers):
    kind_silence()
    with structlog.testing.capture_logs() as logs:
        run_sweep(now=END + dt.timedelta(seconds=1))
    assert mail.outbox == []
    assert Delivery.objects.count() == 0
    assert [line["event"] for line in logs if line["event"] == "silence_ended"] == ["silence_ended"]


@pytest.mark.django_db
def test_ending_early_sends_the_summary_at_once(
    admin_client, no_default_recipient, django_capture_on_commit_callbacks
):
    AlertRecipientFactory(email="ringo@acme.not")
    now = timezone.now()
    held = Silence.objects.create(
        kind=BEATLES, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        beatle(now - dt.timedelta(minutes=1))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:alerts_silence_changelist"),
            {"action": "end_now", "_selected_action": [held.pk]},
        )

    (summary,) = mail.outbox
    assert summary.to == ["ringo@acme.not"]
    assert summary.subject == "Тишина завершена: 1 оповещение"
    held.refresh_from_db()
    assert held.ends_at <= timezone.now()


def many_held(count: int) -> Silence:
    AlertRecipient.objects.all().delete()
    AlertRecipientFactory.create_batch(count)
    silence = kind_silence()
    for minute in (1, 2):
        beatle(at(minute))
    return silence


def assert_one_summary_each(count: int) -> None:
    per_recipient = Counter(m.to[0] for m in summaries())
    assert len(per_recipient) == count
    assert set(per_recipient.values()) == {1}
    assert set(Delivery.objects.filter(alert__isnull=True).values_list("status", flat=True)) == {
        Status.SENT
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_end_send_each_summary_once(dummy_tasks, settings):
    settings.ALERTS_BATCH_SIZE = 3
    many_held(12)
    side_by_side(lambda: run_finish_silences(now=END + dt.timedelta(seconds=1)))
    assert_one_summary_each(12)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_end_send_each_summary_once_on_postgresql(
    dummy_tasks, settings, postgres_only
):
    settings.ALERTS_BATCH_SIZE = 3
    many_held(12)
    with structlog.testing.capture_logs() as logs:
        side_by_side(lambda: run_finish_silences(now=END + dt.timedelta(seconds=1)))
    assert_one_summary_each(12)
    assert [line["event"] for line in logs].count("silence_ended") == 1


@pytest.mark.django_db
def test_the_summary_uses_the_silence_that_ends_last(two_watchers):
    ringo, _ = two_watchers
    kind_silence()
    longer = Silence.objects.create(
        recipient=ringo, starts_at=START, ends_at=END + dt.timedelta(hours=1), reason="r"
    )
    assert silences.holding(ringo.pk, BEATLES, at(1)) == longer


@pytest.mark.django_db
def test_a_summary_waiting_for_its_silence_is_no_backlog_in_healthz(no_default_recipient):
    AlertRecipientFactory(email="ringo@acme.not")
    now = timezone.now()
    Silence.objects.create(
        kind=BEATLES, starts_at=now - dt.timedelta(days=2), ends_at=now + dt.timedelta(days=5)
    )
    beatle(now - dt.timedelta(days=1))
    assert backlog() == {"pending": 1, "oldest_pending_seconds": None, "outbox": 0}


@pytest.mark.django_db
def test_moving_the_end_moves_the_summary(admin_client, two_watchers):
    now = timezone.now()
    held = kind_silence(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
    )
    beatle(now - dt.timedelta(minutes=1))
    later = timezone.localtime(now + dt.timedelta(hours=3))
    page = admin_client.post(
        held.get_admin_path(),
        {
            "ends_at_0": later.strftime("%d.%m.%Y"),
            "ends_at_1": later.strftime("%H:%M:%S"),
            "reason": "Дольше",
        },
    )
    assert page.status_code == 302
    held.refresh_from_db()
    due = set(held.summaries.values_list("next_attempt_at", flat=True))
    assert due == {held.ends_at}
    assert held.ends_at > now + dt.timedelta(hours=2)
