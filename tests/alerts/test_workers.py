"""Workers: concurrent ones never send a delivery twice; a dead one's batch is recovered."""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from alerts import kinds
from alerts.delivery import send_due
from alerts.fanout import fan_out
from alerts.models import Alert, AlertRecipient, Delivery
from alerts.recording import record_event
from alerts.tasks import run_send, run_sweep
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record
from tests.support.threads import side_by_side

BEATLES = kinds.BEATLES_NAME_REJECTED.name
Status = Delivery.Status


def many_pending(count: int) -> list[int]:
    """One alert with `count` pending deliveries."""
    AlertRecipient.objects.all().delete()
    AlertRecipientFactory.create_batch(count)
    alert = record(BEATLES, {"first_name": "Ринго", "last_name": "Старр"})
    return list(alert.deliveries.values_list("pk", flat=True))


@pytest.fixture
def queue_only(settings, dummy_tasks) -> None:
    """Recording queues nothing that runs; many small claims so that the workers interleave."""
    settings.ALERTS_THROTTLE = 0
    settings.ALERTS_BATCH_SIZE = 3


def two_workers_send(ids: list[int]) -> None:
    side_by_side(send_due)
    assert Counter(m.extra_headers["Message-ID"] for m in mail.outbox) == Counter(
        Delivery.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )
    assert max(Counter(m.extra_headers["Message-ID"] for m in mail.outbox).values()) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_send_each_delivery_once(queue_only):
    two_workers_send(many_pending(30))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_send_each_delivery_once_on_postgresql(queue_only, postgres_only):
    two_workers_send(many_pending(30))


def left_in_sending(claimed_at: dt.datetime) -> Delivery:
    """What a SIGKILLed worker leaves behind: a claimed delivery that never got an outcome."""
    recipient = AlertRecipientFactory()
    alert = record(
        BEATLES, {"first_name": "Ринго"}, recipients=AlertRecipient.objects.filter(pk=recipient.pk)
    )
    alert.deliveries.update(
        status=Status.SENDING, claimed_by="dead-worker", claimed_at=claimed_at, attempts=1
    )
    return alert.deliveries.get()


@pytest.mark.django_db
def test_sweep_sends_a_dead_workers_delivery_once_its_lease_expired():
    now = timezone.now()
    expired = left_in_sending(now - dt.timedelta(seconds=301))
    fresh = left_in_sending(now - dt.timedelta(seconds=10))

    assert run_sweep(now=now) == 1

    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert expired.status == Status.SENT
    assert expired.attempts == 2
    assert fresh.status == Status.SENDING
    assert fresh.claimed_by == "dead-worker"
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [expired.message_id]


@pytest.mark.django_db
def test_sweep_fails_a_delivery_that_used_its_last_attempt(settings):
    settings.ALERTS_MAX_ATTEMPTS = 1
    stuck = left_in_sending(timezone.now() - dt.timedelta(hours=1))

    run_sweep()

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert stuck.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_alerts_sweep_command_recovers_too(capsys):
    stuck = left_in_sending(timezone.now() - dt.timedelta(hours=1))

    call_command("alerts_sweep")

    stuck.refresh_from_db()
    assert stuck.status == Status.SENT
    [message] = mail.outbox
    assert message.to == [stuck.recipient.email]
    assert message.extra_headers["Message-ID"] == stuck.message_id
    assert capsys.readouterr().out == "Sent 1 alert email(s).\n"


@pytest.mark.django_db
def test_claiming_a_batch_schedules_its_own_sweep(db_tasks):
    ids = many_pending(2)
    now = timezone.now()

    run_send(ids, now=now)

    [sweep] = DBTaskResult.objects.filter(task_path="alerts.tasks.sweep")
    assert sweep.run_after == now + dt.timedelta(seconds=300)


@pytest.mark.django_db
def test_a_batch_never_sends_what_is_not_due():
    ids = many_pending(1)
    assert len(ids) == 1
    assert send_due(ids, now=WINDOW_START - dt.timedelta(days=365 * 10)).sent == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_task_that_runs_early_hands_its_deliveries_on_to_their_time(db_tasks):
    [pk] = many_pending(1)
    due_at = timezone.now() + dt.timedelta(minutes=5)
    Delivery.objects.filter(pk=pk).update(next_attempt_at=due_at)

    assert run_send([pk]) == 0

    later_passes = DBTaskResult.objects.exclude(run_after=get_date_max())
    [later] = later_passes.filter(task_path="alerts.tasks.send_deliveries")
    assert later.run_after == due_at
    assert later.args_kwargs["kwargs"] == {"ids": [pk]}


def two_web_processes_record(events_each: int) -> None:
    def web():
        for i in range(events_each):
            record(BEATLES, {"first_name": f"Ринго{i}"}, now=WINDOW_START)

    side_by_side(web)
    individual = Delivery.objects.filter(alert__isnull=False).exclude(status=Status.DIGESTED)
    assert individual.count() == 5
    digest = Delivery.objects.get(alert__isnull=True)
    assert digest.folded.count() == digest.folded_count == 2 * events_each - 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_events_respect_the_throttle(settings, queue_only):
    settings.ALERTS_THROTTLE = 5
    two_web_processes_record(6)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_events_respect_the_throttle_on_postgresql(settings, queue_only, postgres_only):
    settings.ALERTS_THROTTLE = 5
    two_web_processes_record(6)


def two_workers_fan_out_the_same_outbox() -> None:
    AlertRecipient.objects.all().delete()
    AlertRecipientFactory.create_batch(3)
    for i in range(40):
        record_event(BEATLES, {"first_name": f"Ринго{i}"})

    side_by_side(fan_out)

    assert not Alert.objects.filter(fanned_out_at__isnull=True).exists()
    per_alert = Counter(Delivery.objects.values_list("alert_id", flat=True))
    assert len(per_alert) == 40
    assert set(per_alert.values()) == {3}  # one per recipient, never twice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_fan_out_each_alert_once(queue_only):
    two_workers_fan_out_the_same_outbox()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_fan_out_each_alert_once_on_postgresql(queue_only, postgres_only):
    two_workers_fan_out_the_same_outbox()


@pytest.mark.django_db
def test_an_alert_whose_send_pass_was_never_queued_is_sent_by_the_sweep():
    """The web process died between the commit and the enqueue: the outbox still has the alert."""
    alert = record_event(BEATLES, {"first_name": "Ринго"})  # its on-commit pass never runs

    assert run_sweep() == 1

    assert [m.to for m in mail.outbox] == [["admin@acme.not"]]
    assert alert.deliveries.get().status == Status.SENT
