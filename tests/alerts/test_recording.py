import datetime as dt
import importlib.util

import pytest
import structlog
from django.core import mail
from django.db import connection

from alerts import kinds, receivers
from alerts.fanout import fan_out
from alerts.models import Alert, Delivery
from alerts.recording import insert, record_event
from alerts.tasks import send_deliveries
from birthday.forms import BirthdayForm
from birthday.signals import beatles_name_rejected
from tests.factories import AlertRecipientFactory
from tests.support.texts import ALERT_LINE, ALERT_SUBJECT, BEATLES_ERROR

BEATLES = kinds.BEATLES_NAME_REJECTED.name


def reject(user=None, first_name="Ринго", last_name="Старр"):
    beatles_name_rejected.send(
        sender=BirthdayForm, first_name=first_name, last_name=last_name, user=user
    )


@pytest.mark.django_db
def test_signal_records_one_alert_and_a_delivery_per_active_subscriber(
    user, no_default_recipient, django_capture_on_commit_callbacks
):
    subscribed = AlertRecipientFactory.create_batch(2)
    AlertRecipientFactory(is_active=False)
    AlertRecipientFactory(kinds=[])

    with django_capture_on_commit_callbacks() as queued:
        reject(user)

    alert = Alert.objects.get()
    # On the request path: the alert only, and one send pass queued once it commits.
    assert alert.fanned_out_at is None
    assert not Delivery.objects.exists()
    assert len(queued) == 1
    fan_out()
    alert.refresh_from_db()
    assert alert.fanned_out_at is not None
    assert alert.kind == BEATLES
    assert alert.payload == {
        "first_name": "Ринго",
        "last_name": "Старр",
        "user_id": user.pk,
        "username": user.username,
    }
    deliveries = alert.deliveries.all()
    assert {d.recipient for d in deliveries} == set(subscribed)
    assert {d.status for d in deliveries} == {Delivery.Status.PENDING}
    assert len({d.message_id for d in deliveries}) == 2


@pytest.mark.django_db
def test_anonymous_event_is_recorded_without_a_user(no_default_recipient):
    reject(None)
    assert Alert.objects.get().payload["user_id"] is None


@pytest.mark.django_db
def test_event_without_subscribers_is_still_recorded(no_default_recipient):
    alert = record_event(BEATLES, {"first_name": "John", "last_name": "Lennon"})
    assert alert.pk and not alert.deliveries.exists()


@pytest.fixture
def receivers_imported_twice():
    """alerts.receivers executed a second time as another module, with its own functions.

    What a second ready() meets when the module is imported under two names: receivers that
    are new objects, which Signal.connect alone would connect next to the first ones.
    """
    spec = importlib.util.spec_from_file_location("alerts.receivers_again", receivers.__file__)
    again = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(again)
    yield again
    beatles_name_rejected.disconnect(again.on_beatles_name_rejected)


@pytest.mark.django_db
def test_one_event_is_one_alert_after_the_receivers_are_connected_again(
    receivers_imported_twice, no_default_recipient
):
    AlertRecipientFactory()
    receivers_imported_twice.connect()  # as a second AlertsConfig.ready() would

    reject()
    fan_out()

    alert = Alert.objects.get()
    assert alert.deliveries.count() == 1


def test_ringo_through_the_real_view_mails_the_admin(
    user_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            "/birthday/create/",
            {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"},
        )

    assert response.status_code == 400
    assert BEATLES_ERROR in response.content.decode()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    [message] = mail.outbox
    assert message.sent_using == "alerts"
    assert message.to == ["admin@acme.not"]
    assert message.from_email == "birthday_form@acme.not"
    assert message.subject == ALERT_SUBJECT
    assert ALERT_LINE in message.body
    assert message.extra_headers["Message-ID"] == delivery.message_id


def test_recording_failure_still_gives_the_form_error_and_logs_the_event(
    user_client, user, django_capture_on_commit_callbacks
):
    # A real database failure: the alerts table is gone (until the test's rollback).
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE alerts_alert RENAME TO alerts_alert_gone")

    with structlog.testing.capture_logs() as logs, django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            "/birthday/create/",
            {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"},
        )

    assert response.status_code == 400
    assert BEATLES_ERROR in response.content.decode()
    [failure] = [entry for entry in logs if entry["event"] == "alert_record_failed"]
    assert failure["log_level"] == "error"
    assert failure["kind"] == BEATLES
    assert failure["payload"] == {
        "first_name": "Ринго",
        "last_name": "Старр",
        "user_id": user.pk,
        "username": user.username,
    }
    assert mail.outbox == []


@pytest.mark.django_db
def test_inline_delivery_sends_inside_the_request(
    settings, dummy_tasks, user_client, django_capture_on_commit_callbacks
):
    settings.ALERTS_DELIVERY = "inline"

    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(
            "/birthday/create/",
            {"first_name": "Ringo", "last_name": "Starr", "birthday": "1940-07-07"},
        )

    # Nothing queued to send; only the deferred sweep that guards the claimed batch.
    queued = [result.task.name for result in send_deliveries.get_backend().results]
    assert queued == ["sweep"]
    assert [m.to for m in mail.outbox] == [["admin@acme.not"]]


def test_a_send_pass_that_cannot_be_queued_loses_neither_the_answer_nor_the_alert(
    user_client, monkeypatch, django_capture_on_commit_callbacks
):
    """The on-commit hook is robust: a task queue that refuses the pass after the commit is
    logged, the user still gets the form error, and the alert waits in the outbox for the sweep."""

    def queue_refused(*args, **kwargs):
        raise ConnectionRefusedError("the task queue is down")

    monkeypatch.setattr("alerts.tasks.dispatch", queue_refused)
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        response = user_client.post(
            "/birthday/create/",
            {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"},
        )

    assert len(hooks) == 1
    assert response.status_code == 400
    assert BEATLES_ERROR in response.content.decode()
    alert = Alert.objects.get()
    assert alert.fanned_out_at is None  # the sweep's to send


@pytest.mark.django_db
def test_the_outbox_insert_writes_the_row_that_save_would():
    """The request path's hand-written INSERT (alerts.recording.insert) against the ORM's."""
    fields = {
        "kind": BEATLES,
        "occurred_at": dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC),
        "payload": {"first_name": "Ринго', NULL); --", "nested": [1, None, "\u2028", {"a": True}]},
        "is_test": True,
        "request_id": "req-1",
    }
    ours = Alert(**fields)
    insert(ours)
    theirs = Alert.objects.create(**fields)

    columns = [f.attname for f in Alert._meta.concrete_fields if not f.primary_key]
    stored = Alert.objects.values(*columns)
    assert ours.pk is not None and ours.pk != theirs.pk
    assert stored.get(pk=ours.pk) == stored.get(pk=theirs.pk)
    assert stored.get(pk=ours.pk)["payload"] == fields["payload"]
    ours.addressed_to.set([AlertRecipientFactory()])  # a saved row: relations work
    assert ours.addressed_to.count() == 1
