"""A batch sent over several connections at once (ALERTS_SEND_CONCURRENCY) records every outcome
as one connection does: sent with its Message-ID and provider id, retried with backoff, failed.

Real parts: an SMTP server on loopback that refuses some recipients, and a provider API stand-in
behind Anymail's Postmark backend that answers per recipient.
"""

import datetime as dt
import uuid

import pytest

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from core.mail_backends import ANYMAIL_PROVIDERS
from core.retry import backoff
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record
from tests.support.smtp import RecordingHandler

BEATLES = kinds.BEATLES_NAME_REJECTED.name
PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}
T = WINDOW_START
Status = Delivery.Status
LANES = 4
pytestmark = pytest.mark.django_db


@pytest.fixture
def concurrent(settings):
    settings.ALERTS_SEND_CONCURRENCY = LANES
    settings.ALERTS_THROTTLE = 0


class RefusesSome(RecordingHandler):
    """Accepts every recipient but those given a reply; counts connections open at once."""

    def __init__(self, refusals: dict[str, str]) -> None:
        super().__init__()
        self.refusals = refusals
        self.open_now = self.most_open = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        return await super().handle_EHLO(server, session, envelope, hostname, responses)

    async def handle_QUIT(self, server, session, envelope):
        self.open_now -= 1
        return "221 Bye"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


def deliveries_by_email(alert) -> dict[str, Delivery]:
    return {d.recipient.email: d for d in alert.deliveries.select_related("recipient")}


def test_a_batch_over_several_smtp_connections_records_each_outcome(
    concurrent, alerts_smtp, settings
):
    recipients = AlertRecipientFactory.create_batch(11)
    busy, gone = recipients[0].email, recipients[1].email
    alerts_smtp.handler = RefusesSome(
        {busy: "451 4.2.1 Mailbox busy, try later", gone: "550 5.1.1 No such user"}
    )
    alerts_smtp.stop()
    alerts_smtp.start()
    alert = record(BEATLES, PAYLOAD, now=T)

    result = send_due(now=T)

    by_email = deliveries_by_email(alert)
    failed = {busy, gone}
    sent = {email: d for email, d in by_email.items() if email not in failed}
    assert len(sent) == 10  # the default recipient and nine watchers
    assert sorted(result.sent) == sorted(d.pk for d in sent.values())
    arrived = {str(m["Message-ID"]): m["To"] for m in alerts_smtp.messages}
    assert arrived == {d.message_id: email for email, d in sent.items()}  # each once, its own id
    for delivery in sent.values():
        assert (delivery.status, delivery.attempts, delivery.last_error) == (Status.SENT, 1, "")
        assert delivery.sent_at is not None and delivery.claimed_by == ""
    for email in failed:
        assert (by_email[email].attempts, by_email[email].claimed_by) == (1, "")
    assert "451" in by_email[busy].last_error
    assert by_email[busy].status == Status.PENDING
    assert by_email[busy].next_attempt_at == T + backoff(1)
    assert result.retry[T + backoff(1)].count(by_email[busy].pk) == 1
    assert by_email[gone].status == Status.FAILED  # permanent: not tried again
    assert "550" in by_email[gone].last_error
    assert by_email[gone].pk not in {pk for ids in result.retry.values() for pk in ids}
    assert 1 < alerts_smtp.handler.most_open <= LANES


def test_a_lane_that_cannot_connect_leaves_its_messages_pending_for_a_retry(
    concurrent, alerts_smtp
):
    AlertRecipientFactory.create_batch(5)
    alerts_smtp.stop()
    alert = record(BEATLES, PAYLOAD, now=T)

    result = send_due(now=T)

    assert result.sent == []
    for delivery in alert.deliveries.all():
        assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
        assert delivery.next_attempt_at == T + backoff(1)
        assert "ConnectionRefusedError" in delivery.last_error
    assert sorted(result.retry[T + backoff(1)]) == sorted(
        alert.deliveries.values_list("pk", flat=True)
    )


@pytest.fixture
def postmark(settings, mail_http_server):
    """The `alerts` mailer is Anymail's Postmark backend, aimed at the loopback API."""
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": {
            "BACKEND": ANYMAIL_PROVIDERS["postmark"],
            "OPTIONS": {"server_token": "postmark-token", "api_url": mail_http_server.url},
        },
    }
    return mail_http_server


def test_a_batch_through_a_provider_keeps_each_message_its_own_provider_id(concurrent, postmark):
    recipients = AlertRecipientFactory.create_batch(9)
    overloaded = recipients[0].email
    given: dict[str, str] = {}

    def answer(request):
        to = request.json()["To"]
        if to == overloaded:
            return 503, {"ErrorCode": 503, "Message": "Service unavailable"}
        given[to] = str(uuid.uuid4())
        return 200, {"To": to, "MessageID": given[to], "ErrorCode": 0, "Message": "OK"}

    postmark.answer = answer
    alert = record(BEATLES, PAYLOAD, now=T)

    result = send_due(now=T)

    by_email = deliveries_by_email(alert)
    assert len(result.sent) == 9
    for email, provider_id in given.items():
        delivery = by_email[email]
        assert (delivery.status, delivery.provider_message_id) == (Status.SENT, provider_id)
    assert len(set(given.values())) == 9 and len(postmark.requests) == 10
    delivery = by_email[overloaded]
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.next_attempt_at == T + backoff(1)
    assert delivery.provider_message_id == ""
    assert "503" in delivery.last_error

    postmark.answer = None
    postmark.reply = {"To": overloaded, "MessageID": "later-id", "ErrorCode": 0, "Message": "OK"}
    assert send_due(now=T + dt.timedelta(hours=1)).sent == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert delivery.provider_message_id == "later-id"


def test_a_pass_keeps_its_connections_open_across_its_batches(concurrent, alerts_smtp, settings):
    settings.ALERTS_BATCH_SIZE = 5
    AlertRecipientFactory.create_batch(14)
    alert = record(BEATLES, PAYLOAD, now=T)

    result = send_due(now=T)

    assert len(result.sent) == 15  # three batches of five
    assert len(alerts_smtp.messages) == 15
    assert {str(m["Message-ID"]) for m in alerts_smtp.messages} == set(
        alert.deliveries.values_list("message_id", flat=True)
    )
    assert alerts_smtp.connections <= LANES  # not LANES per batch
