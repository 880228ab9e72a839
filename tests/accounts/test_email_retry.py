"""Account email survives a mail server or provider that fails for a while: deferred retries."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from structlog.testing import capture_logs

from accounts.retry import due_after_first
from accounts.tasks import send_password_changed_email, send_password_reset_email
from tests.support.mail import link_in
from tests.support.smtp import use_smtp_mailer

pytestmark = pytest.mark.django_db

RESET_TASK = "accounts.tasks.send_password_reset_email"
CHANGED_TASK = "accounts.tasks.send_password_changed_email"


@pytest.fixture
def smtp(settings, smtp_server, user):
    """The `default` mailer sends to a loopback server, which refuses quoting the address."""
    use_smtp_mailer(settings, "default", smtp_server)
    smtp_server.refuse(f"451 4.2.0 <{user.email}> mailbox busy, try later")
    return smtp_server


def run(queued: DBTaskResult) -> None:
    """What the worker does with a stored task."""
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


def only_task(path: str = RESET_TASK) -> DBTaskResult:
    (queued,) = DBTaskResult.objects.filter(task_path=path, status="READY")
    return queued


def run_only_task(path: str = RESET_TASK) -> None:
    """Run the one waiting task as a worker would, and mark it done as the worker would."""
    queued = only_task(path)
    run(queued)
    DBTaskResult.objects.filter(pk=queued.pk).update(status="SUCCESSFUL")


def events(json_logs, name: str) -> list[dict]:
    return [line for line in json_logs() if line["event"] == name]


def test_a_refusal_defers_a_retry_that_sends_one_working_link(
    user, smtp, db_tasks, ask_reset, json_logs
):
    ask_reset(user.email)
    before = timezone.now()
    run_only_task()
    after = timezone.now()

    assert smtp.messages == []
    retry = only_task()
    assert retry.args_kwargs == {"args": [user.pk], "kwargs": {"attempt": 2}}
    assert before + dt.timedelta(seconds=30) <= retry.run_after <= after + dt.timedelta(seconds=30)
    (logged,) = events(json_logs, "account_email_retry")
    assert logged["attempt"] == 1
    assert logged["error"] == "SMTPDataError"
    assert logged["next_try"] == retry.run_after.isoformat()

    smtp.accept()
    run_only_task()

    (message,) = smtp.messages
    assert message["To"] == user.email
    assert not DBTaskResult.objects.filter(status="READY").exists()
    response = Client().get(link_in(message).removeprefix(settings.SITE_URL), follow=True)
    assert response.status_code == 200
    assert 'name="new_password1"' in response.text


def test_after_the_last_attempt_it_gives_up_and_logs_without_the_address(
    user, smtp, db_tasks, ask_reset, json_logs
):
    assert settings.ACCOUNT_EMAIL_MAX_ATTEMPTS == 5
    ask_reset(user.email)
    waits = []
    for attempt in range(1, 6):
        queued = only_task()
        assert queued.args_kwargs["kwargs"] == ({} if attempt == 1 else {"attempt": attempt})
        run_only_task()
        if attempt < 5:
            waits.append(only_task().run_after - timezone.now())

    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert [round(wait.total_seconds()) for wait in waits] == [30, 60, 120, 240]
    assert [line["attempt"] for line in events(json_logs, "account_email_retry")] == [1, 2, 3, 4]
    (failed,) = events(json_logs, "account_email_failed")
    assert failed["level"] == "error"
    assert failed["attempt"] == 5
    assert failed["user_id"] == user.pk
    assert failed["error"] == "SMTPDataError"
    assert failed["email"] == f"{user.email[0]}***@{user.email.split('@')[1]}"
    assert user.email not in json_logs.text()
    assert smtp.messages == []


def test_the_events_themselves_carry_no_address(settings, user, smtp, db_tasks, ask_reset):
    """Not only the rendered line: the log redaction is a safety net, not the way we log."""
    settings.ACCOUNT_EMAIL_MAX_ATTEMPTS = 2
    ask_reset(user.email)
    with capture_logs() as logged:
        run_only_task()
        run_only_task()
    ours = [entry for entry in logged if entry["event"].startswith("account_email")]
    assert [entry["event"] for entry in ours] == ["account_email_retry", "account_email_failed"]
    assert user.email not in repr(ours)


def test_a_reset_link_is_not_tried_past_its_lifetime(
    settings, user, smtp, db_tasks, ask_reset, json_logs
):
    settings.PASSWORD_RESET_TIMEOUT = 100  # tries at 0 s, 30 s and 90 s; the next would be 210 s
    ask_reset(user.email)
    for _ in range(3):
        run_only_task()

    assert not DBTaskResult.objects.filter(status="READY").exists()
    (failed,) = events(json_logs, "account_email_failed")
    assert failed["attempt"] == 3


def test_a_reset_link_waits_for_the_shortest_possible_backoffs(settings):
    settings.EMAIL_RETRY_BASE_DELAY = 10
    settings.EMAIL_RETRY_JITTER = 0.5  # waits may be half as long: count only what surely passed
    assert due_after_first(1) == dt.timedelta(0)
    assert due_after_first(4) == dt.timedelta(seconds=35)


def test_a_permanent_refusal_is_not_retried(user, smtp, db_tasks, ask_reset, json_logs):
    smtp.refuse(f"550 5.1.1 <{user.email}>: Recipient address rejected")
    ask_reset(user.email)
    run_only_task()

    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert events(json_logs, "account_email_retry") == []
    (failed,) = events(json_logs, "account_email_failed")
    assert (failed["attempt"], failed["error"], failed["permanent"]) == (1, "SMTPDataError", True)
    assert user.email not in json_logs.text()


def test_a_server_that_is_down_delays_the_password_changed_email(user, smtp, db_tasks, json_logs):
    smtp.stop()
    send_password_changed_email.call(user.pk)

    retry = only_task(CHANGED_TASK)
    assert retry.args_kwargs == {"args": [user.pk], "kwargs": {"attempt": 2}}
    assert events(json_logs, "account_email_retry")[0]["error"] == "ConnectionRefusedError"

    smtp.start()
    smtp.accept()
    run_only_task(CHANGED_TASK)
    (message,) = smtp.messages
    assert message["To"] == user.email


def test_a_provider_error_is_retried(environment, user, db_tasks, mail_http_server):
    provider_api = mail_http_server
    environment(
        EMAIL_BACKEND="mailgun",
        ANYMAIL_MAILGUN_API_KEY="mailgun-key",
        ANYMAIL_MAILGUN_API_URL=f"{provider_api.url}v3",
    )
    provider_api.status = 503
    provider_api.reply = {"message": "Service unavailable"}

    send_password_reset_email.call(user.pk)

    assert len(provider_api.requests) == 1
    assert only_task().args_kwargs == {"args": [user.pk], "kwargs": {"attempt": 2}}


def test_without_deferred_tasks_a_refusal_is_logged_once_and_the_request_is_fine(
    user, smtp, ask_reset, json_logs
):
    response = ask_reset(user.email)  # the immediate backend of tests runs the task in place

    assert response.status_code == 302
    assert smtp.messages == []
    (logged,) = events(json_logs, "task_not_deferred")
    assert logged["task"] == "send_password_reset_email"
    (failed,) = events(json_logs, "account_email_failed")
    assert failed["attempt"] == 1
    assert events(json_logs, "account_email_retry") == []
    assert not DBTaskResult.objects.exists()
    assert user.email not in json_logs.text()
