"""Delivery through a real SMTP server on loopback: sent, retried, sent once, one connection."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import AlertRecipient, Delivery
from alerts.tasks import run_send
from core.retry import backoff
from tests.factories import AlertRecipientFactory
from tests.support import pipeline
from tests.support.moments import WINDOW_START
from tests.support.smtp import RecordingHandler

BEATLES = kinds.BEATLES_NAME_REJECTED.name
PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}
T = WINDOW_START
Status = Delivery.Status


def record(now=T):
    return pipeline.record(BEATLES, PAYLOAD, now=now)


def test_alert_is_delivered_over_smtp_as_text_and_html(
    alerts_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = record()

    delivery = alert.deliveries.get()
    assert delivery.status == Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    [message] = alerts_smtp.messages
    assert alerts_smtp.handler.envelopes == [("birthday_form@acme.not", ["admin@acme.not"])]
    assert message["Subject"] == "Another Beatles member"
    assert message["Message-ID"] == delivery.message_id
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ринго Старр пытался опубликовать запись!" in text
    assert "<strong>Ринго Старр</strong>" in html


def test_one_connection_carries_a_whole_batch(alerts_smtp, settings):
    settings.ALERTS_SEND_CONCURRENCY = 1
    AlertRecipientFactory.create_batch(3)
    record()

    result = send_due(now=T)

    assert len(result.sent) == 4
    assert len(alerts_smtp.messages) == 4
    assert alerts_smtp.connections == 1


def test_server_down_keeps_the_delivery_pending_with_backoff_then_sends_it_once(
    alerts_smtp, db_tasks
):
    alerts_smtp.stop()
    delivery = record().deliveries.get()

    assert run_send(None, now=T) == 0

    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == T + dt.timedelta(seconds=30)
    assert "ConnectionRefusedError" in delivery.last_error
    retry = DBTaskResult.objects.exclude(run_after=get_date_max()).get(  # not the pass itself
        task_path="alerts.tasks.send_deliveries"
    )
    assert retry.run_after == T + dt.timedelta(seconds=30)
    assert retry.args_kwargs["kwargs"] == {"ids": [delivery.pk]}
    # Not due yet: nothing is tried before the backoff has passed.
    assert run_send(None, now=T + dt.timedelta(seconds=10)) == 0

    alerts_smtp.start()
    later = T + dt.timedelta(seconds=31)
    assert run_send([delivery.pk], now=later) == 1
    assert run_send([delivery.pk], now=later) == 0  # a second retry task finds nothing to do
    assert run_send(None, now=later) == 0
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert delivery.attempts == 2
    assert len(alerts_smtp.messages) == 1
    assert alerts_smtp.messages[0]["Message-ID"] == delivery.message_id


def test_temporary_refusal_is_retried(alerts_smtp, db_tasks):
    alerts_smtp.refuse("451 4.3.0 Mailbox busy, try later")
    delivery = record().deliveries.get()

    send_due(now=T)

    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    assert "451" in delivery.last_error
    alerts_smtp.accept()
    send_due(now=T + backoff(1))
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert len(alerts_smtp.messages) == 1


def test_after_the_last_attempt_the_delivery_fails_with_its_error(settings, alerts_smtp, db_tasks):
    settings.ALERTS_MAX_ATTEMPTS = 2
    alerts_smtp.refuse("451 4.3.0 Mailbox busy, try later")
    delivery = record().deliveries.get()

    send_due(now=T)
    send_due(now=T + backoff(1))

    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 2
    assert "451 4.3.0 Mailbox busy" in delivery.last_error
    assert send_due(now=T + dt.timedelta(days=1)).sent == []


def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(alerts_smtp, db_tasks):
    alerts_smtp.refuse("554 5.7.1 Relay access denied")
    delivery = record().deliveries.get()

    result = send_due(now=T)

    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 1
    assert delivery.last_error == "SMTPDataError: 554 5.7.1 Relay access denied"
    assert result.retry == {}
    assert not DBTaskResult.objects.exclude(run_after=get_date_max()).exists()  # no retry queued


def test_backoff_doubles_and_eight_attempts_span_about_an_hour():
    delays = [backoff(n).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920]
    assert 55 * 60 <= sum(delays) <= 70 * 60


@pytest.fixture(autouse=True)
def _only_the_migrations_recipient(db):
    assert list(AlertRecipient.objects.values_list("email", flat=True)) == ["admin@acme.not"]


@pytest.fixture
def kind_without_templates():
    kind = kinds.register("tests_no_templates", "No templates")
    yield kind
    kinds.unregister(kind.name)


def test_a_rendering_error_fails_that_delivery_and_the_batch_goes_on(
    alerts_smtp, kind_without_templates
):
    broken = pipeline.record(kind_without_templates.name, {}, now=T, recipients=everyone())
    fine = record()

    result = send_due(now=T)

    assert result.sent == [fine.deliveries.get().pk]
    assert len(alerts_smtp.messages) == 1
    failed = broken.deliveries.get()
    assert (failed.status, failed.attempts) == (Status.FAILED, 1)
    assert failed.last_error.startswith("TemplateDoesNotExist: alerts/tests_no_templates/")
    assert result.retry == {}


def everyone():
    return AlertRecipient.objects.all()


class MessagesPerConnection(RecordingHandler):
    """A server that takes `limit` messages per connection, then answers 421 and hangs up, as
    servers that cap a session do."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        taken = getattr(session, "taken", 0)
        if taken >= self.limit:
            return "421 4.7.0 Too many messages in this session"
        session.taken = taken + 1
        envelope.mail_from = address
        return "250 OK"


def test_a_connection_the_server_hung_up_is_opened_again_for_the_next_message(
    alerts_smtp, settings
):
    settings.ALERTS_SEND_CONCURRENCY = 1
    alerts_smtp.handler = MessagesPerConnection(limit=2)
    alerts_smtp.stop()
    alerts_smtp.start()
    AlertRecipientFactory.create_batch(4)
    alert = record()

    result = send_due(now=T)

    statuses = [d.status for d in alert.deliveries.order_by("pk")]
    assert statuses == [Status.SENT, Status.SENT, Status.PENDING, Status.SENT, Status.SENT]
    assert len(result.sent) == 4 and len(alerts_smtp.messages) == 4
    assert alerts_smtp.connections == 2
    refused = alert.deliveries.get(status=Status.PENDING)
    assert "421" in refused.last_error and refused.next_attempt_at == T + backoff(1)
