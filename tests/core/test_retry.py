"""The one retry policy of all our email, judged on errors raised by real servers and backends."""

import datetime as dt
import smtplib
import socket

import pytest
from django.core.mail import EmailMessage
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from structlog.testing import capture_logs

from alerts.tasks import sweep
from core import retry
from tests.support.ports import free_port
from tests.support.smtp import use_smtp_mailer


def send_error() -> Exception:
    """What the `default` mailer raises for one message."""
    with pytest.raises(Exception) as raised:
        EmailMessage("s", "b", "from@acme.not", ["to@acme.not"]).send(using="default")
    return raised.value


def smtp_error(settings, server, reply: str) -> Exception:
    """What Django's SMTP backend raises when the loopback server answers DATA with `reply`."""
    use_smtp_mailer(settings, "default", server)
    server.refuse(reply)
    return send_error()


@pytest.mark.parametrize(
    ("reply", "transient"),
    [("451 4.3.0 Mailbox busy, try later", True), ("550 5.1.1 No such user here", False)],
)
def test_smtp_4xx_is_transient_5xx_permanent_with_the_servers_words(
    settings, smtp_server, reply, transient
):
    error = smtp_error(settings, smtp_server, reply)
    assert retry.is_transient(error) is transient
    assert retry.reason(error) == f"SMTPDataError: {reply}"


def test_nobody_listening_or_a_server_that_never_answers_is_transient():
    with pytest.raises(OSError) as refused:
        smtplib.SMTP("127.0.0.1", free_port(), timeout=2)
    assert retry.is_transient(refused.value)
    assert retry.reason(refused.value).startswith("ConnectionRefusedError")

    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never greets
    with silent, pytest.raises(OSError) as timed_out:
        smtplib.SMTP("127.0.0.1", silent.getsockname()[1], timeout=0.2)
    assert retry.is_transient(timed_out.value)
    assert "timed out" in retry.reason(timed_out.value)


@pytest.mark.parametrize(
    ("status", "transient"), [(500, True), (503, True), (429, True), (422, False), (401, False)]
)
def test_a_providers_5xx_and_429_are_transient_other_4xx_permanent(
    environment, mail_http_server, status, transient
):
    environment(
        EMAIL_BACKEND="postmark",
        ANYMAIL_POSTMARK_SERVER_TOKEN="token",
        ANYMAIL_POSTMARK_API_URL=mail_http_server.url,
    )
    mail_http_server.status = status
    mail_http_server.reply = {"ErrorCode": 402, "Message": "Invalid JSON in the request."}

    error = send_error()

    assert retry.is_transient(error) is transient
    assert "Invalid JSON in the request." in retry.reason(error)
    assert f"API response {status}" in retry.reason(error)


def test_a_message_that_cannot_be_built_is_permanent():
    assert not retry.is_transient(TemplateDoesNotExist("alerts/gone/subject.txt"))


def test_backoff_doubles_from_the_base_up_to_the_cap(settings):
    settings.EMAIL_RETRY_BASE_DELAY, settings.EMAIL_RETRY_MAX_DELAY = 10, 600
    waits = [retry.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 1000)]
    assert waits == [10, 20, 40, 600, 600, 600]


def test_jitter_spreads_the_waits_below_the_plain_backoff(settings):
    settings.EMAIL_RETRY_BASE_DELAY, settings.EMAIL_RETRY_JITTER = 100, 0.2
    waits = {retry.backoff(1).total_seconds() for _ in range(50)}
    assert len(waits) > 40
    assert all(80 <= wait <= 100 for wait in waits)
    assert retry.least_backoff(1) == dt.timedelta(seconds=80)


@pytest.mark.django_db
def test_defer_queues_for_later_or_says_it_cannot(settings, db_tasks):
    later = timezone.now() + dt.timedelta(minutes=5)
    assert retry.defer(sweep, later)
    assert DBTaskResult.objects.get().run_after == later

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with capture_logs() as logs:
        assert not retry.defer(sweep, later)
    assert [(e["event"], e["task"]) for e in logs] == [("task_not_deferred", "sweep")]
    assert DBTaskResult.objects.count() == 1
