"""Storms: a few individual emails per recipient, kind and window; the rest in one digest."""

import datetime as dt

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult, get_date_max

from alerts import kinds
from alerts.delivery import claim, send_due
from alerts.models import Delivery
from alerts.recording import record_event
from alerts.tasks import run_send
from alerts.windows import window_bounds
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

BEATLES = kinds.BEATLES_NAME_REJECTED.name
T = WINDOW_START
Status = Delivery.Status
pytestmark = pytest.mark.django_db


def storm(count, start=T, name="Ринго", fan_out=True):
    """`count` rejections one second apart (fanned out, unless told not to)."""
    return [
        (record if fan_out else record_event)(
            BEATLES,
            {"first_name": f"{name}{i}", "last_name": "Старр", "username": f"u{i}"},
            now=start + dt.timedelta(seconds=i),
        )
        for i in range(count)
    ]


def test_windows_are_fixed_and_aligned_to_the_epoch():
    assert window_bounds(T + dt.timedelta(seconds=599)) == (T, T + dt.timedelta(seconds=600))
    assert window_bounds(T + dt.timedelta(seconds=600))[0] == T + dt.timedelta(seconds=600)


def test_events_past_the_limit_fold_into_one_digest(db_tasks):
    alerts = storm(8, fan_out=False)
    run_send(None, now=T + dt.timedelta(seconds=8))  # the send pass: fan-out, what is due

    individual = Delivery.objects.filter(alert__isnull=False).exclude(status=Status.DIGESTED)
    assert individual.count() == 5
    assert set(individual.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == 5
    digest = Delivery.objects.get(alert__isnull=True)
    assert digest.status == Status.PENDING
    assert digest.next_attempt_at == T + dt.timedelta(seconds=600)
    assert digest.folded_count == 3
    assert [d.alert for d in digest.folded.order_by("pk")] == alerts[5:]
    assert all(d.status == Status.DIGESTED for d in digest.folded.all())
    # Every event accounted for: its own email or a place in the digest.
    assert Delivery.objects.filter(alert__isnull=False).count() == 8
    # One deferred task sends the digest when the window closes (and one sweeps after the batch).
    [later] = DBTaskResult.objects.exclude(run_after=get_date_max()).filter(
        task_path="alerts.tasks.send_deliveries"
    )
    assert later.run_after == T + dt.timedelta(seconds=600)
    assert later.args_kwargs["kwargs"] == {"ids": [digest.pk]}


def test_digest_goes_out_when_the_window_closes_listing_every_folded_event():
    storm(8)

    send_due(now=T + dt.timedelta(seconds=599))
    assert len(mail.outbox) == 5
    send_due(now=T + dt.timedelta(seconds=600))

    assert len(mail.outbox) == 6
    digest = mail.outbox[-1]
    assert digest.subject == "Сводка оповещений: 3 × Отклонено имя битла"
    for i in (5, 6, 7):
        assert f"Ринго{i} Старр (u{i})" in digest.body
        assert f"2026-03-01 15:00:0{i} MSK" in digest.body
    assert "Ринго4" not in digest.body
    assert "Ещё оповещений «Отклонено имя битла»" in digest.body
    assert "Ринго7 Старр" in digest.alternatives[0][0]
    assert Delivery.objects.get(alert__isnull=True).status == Status.SENT


def test_the_next_window_starts_afresh():
    storm(6)
    storm(2, start=T + dt.timedelta(seconds=600), name="Джон")
    assert Delivery.objects.filter(alert__isnull=True).count() == 1
    assert Delivery.objects.filter(status=Status.PENDING, alert__isnull=False).count() == 7


def test_the_limit_is_per_recipient(no_default_recipient):
    quiet, busy = AlertRecipientFactory.create_batch(2)
    storm(5)
    record(
        BEATLES,
        {"first_name": "Пол"},
        now=T + dt.timedelta(seconds=9),
        recipients=type(busy).objects.filter(pk=busy.pk),
    )
    assert not quiet.deliveries.filter(status=Status.DIGESTED).exists()
    assert busy.deliveries.filter(status=Status.DIGESTED).count() == 1


def test_throttle_zero_turns_it_off(settings):
    settings.ALERTS_THROTTLE = 0
    storm(12)
    assert Delivery.objects.filter(status=Status.PENDING).count() == 12
    assert not Delivery.objects.filter(alert__isnull=True).exists()


def test_an_event_after_its_digest_was_claimed_counts_in_the_next_window():
    storm(6)
    digest = Delivery.objects.get(alert__isnull=True)
    claim([digest.pk], now=T + dt.timedelta(seconds=600))

    [late] = storm(1, start=T + dt.timedelta(seconds=599))

    delivery = late.deliveries.get()
    assert delivery.status == Status.PENDING
    assert delivery.window_start == T + dt.timedelta(seconds=600)
    assert Delivery.objects.get(pk=digest.pk).folded_count == 1
    individual = Delivery.objects.filter(window_start=T, alert__isnull=False)
    assert individual.exclude(status=Status.DIGESTED).count() == 5


def test_unthrottled_events_no_silence_covers_fan_out_in_a_constant_number_of_queries(
    settings, django_assert_max_num_queries
):
    """With the throttle off and no silence in sight, a batch's individual emails are written in
    one INSERT: the fan-out's queries do not grow with the events (bench row 2)."""
    from alerts.fanout import fan_out

    settings.ALERTS_THROTTLE = 0
    settings.ALERTS_BATCH_SIZE = 100

    def fan_out_queries(count: int, start: dt.datetime) -> int:
        storm(count, start=start, fan_out=False)
        with django_assert_max_num_queries(1000) as captured:
            due = fan_out().due
        assert len(due) == count
        return len(captured)

    few = fan_out_queries(3, T)
    many = fan_out_queries(30, T + dt.timedelta(hours=1))
    assert many == few
    assert Delivery.objects.filter(status=Status.PENDING).count() == 33
    assert len(set(Delivery.objects.values_list("message_id", flat=True))) == 33
