"""Failover mailers (core/failover.py): `EMAIL_BACKEND=postmark,smtp` tries each in turn.

Real parts: Anymail's Postmark backend talks to a provider API on loopback, the SMTP member to a
real SMTP server on loopback; the circuit breaker lives in the test database.
"""

import datetime as dt
import smtplib

import pytest
from anymail.exceptions import AnymailError
from django.core import mail
from django.core.mail import EmailMessage, mailers, make_msgid
from django.utils import timezone

from core.breaker import record_failure
from core.checks import check_mailers
from core.failover import AllBackendsUnavailable
from core.models import MailBackendState, MailFailover
from settings.mailers import build_anymail, build_mailers
from tests.support.environments import make_env
from tests.support.provider_api import serve_provider_api

pytestmark = pytest.mark.django_db

POSTMARK_OK = {"To": "a@acme.not", "MessageID": "pm-1", "ErrorCode": 0, "Message": "OK"}
POSTMARK_DOWN = {"ErrorCode": 500, "Message": "Service unavailable"}
POSTMARK_BAD_TO = {"ErrorCode": 300, "Message": "Invalid 'To' address: 'a@acme.not'."}
POSTMARK_BAD_FROM = {"ErrorCode": 300, "Message": "Invalid 'From' address: 'x'."}


@pytest.fixture
def postmark_api():
    with serve_provider_api() as api:
        api.reply = POSTMARK_OK
        yield api


@pytest.fixture
def failover(settings, tmp_path, postmark_api, smtp_server):
    """The default mailer is `postmark,smtp`: the loopback API first, the SMTP server second."""
    settings.EMAIL_FAILOVER_THRESHOLD = 2
    settings.EMAIL_FAILOVER_COOLDOWN = 60
    env = make_env(
        EMAIL_BACKEND="postmark,smtp",
        ANYMAIL_POSTMARK_SERVER_TOKEN="pm-token",
        ANYMAIL_POSTMARK_API_URL=postmark_api.url,
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
    )
    mailers_config = build_mailers(env, file_path=tmp_path)
    settings.MAILERS = {"default": mailers_config["default"], "alerts": mailers_config["default"]}
    settings.ANYMAIL = build_anymail(env)
    return postmark_api, smtp_server


def message(to: str = "a@acme.not") -> EmailMessage:
    return EmailMessage(
        "Hello", "Body", "birthday@acme.not", [to], headers={"Message-ID": make_msgid()}
    )


def send(*messages: EmailMessage) -> int:
    with mailers["default"] as connection:
        return connection.send_messages(list(messages))


def test_a_healthy_primary_sends_everything(failover):
    api, smtp = failover
    sent = message()
    assert send(sent) == 1
    assert len(api.requests) == 1
    assert smtp.messages == []
    assert sent.sent_by == "postmark"
    assert MailFailover.objects.count() == 0


def test_a_transient_error_moves_the_message_to_the_next_backend_at_once(failover, json_logs):
    api, smtp = failover
    api.status, api.reply = 503, POSTMARK_DOWN
    sent = message()

    assert send(sent) == 1

    assert len(api.requests) == 1
    (arrived,) = smtp.messages
    assert arrived["Message-ID"] == sent.extra_headers["Message-ID"]  # the same email
    assert sent.sent_by == "smtp"
    counter = MailFailover.objects.get()
    assert (counter.mailer, counter.from_backend, counter.to_backend, counter.count) == (
        "default",
        "postmark",
        "smtp",
        1,
    )
    events = {line["event"]: line for line in json_logs()}
    assert events["mail_failover"]["from_backend"] == "postmark"
    assert events["mail_backend_failed"]["error"] == "AnymailRequestsAPIError"


@pytest.mark.parametrize("reply", [POSTMARK_BAD_TO, POSTMARK_BAD_FROM], ids=["to", "from"])
def test_a_permanent_rejection_does_not_fail_over(failover, json_logs, reply):
    api, smtp = failover
    api.status, api.reply = 422, reply

    with pytest.raises(AnymailError):
        send(message())

    assert smtp.messages == []  # it would fail everywhere
    assert not MailBackendState.objects.filter(consecutive_failures__gt=0).exists()
    assert [line["backend"] for line in json_logs() if line["event"] == "mail_rejected"] == [
        "postmark"
    ]


def test_the_breaker_skips_the_primary_then_tries_it_after_the_cool_down(failover):
    api, smtp = failover
    api.status, api.reply = 503, POSTMARK_DOWN
    send(message(), message())  # two failures in a row: the threshold
    state = MailBackendState.objects.get(backend="postmark")
    assert state.consecutive_failures == 2
    assert state.open_until > timezone.now() + dt.timedelta(seconds=55)

    send(message(), message(), message())
    assert len(api.requests) == 2  # not called while open
    assert len(smtp.messages) == 5
    assert MailFailover.objects.get().count == 5

    # The cool-down passes; the primary answers again and takes the mail back.
    MailBackendState.objects.update(open_until=timezone.now() - dt.timedelta(seconds=1))
    api.status, api.reply = 200, POSTMARK_OK
    sent = message()
    send(sent)
    assert len(api.requests) == 3
    assert sent.sent_by == "postmark"
    state.refresh_from_db()
    assert (state.consecutive_failures, state.open_until) == (0, None)


def test_one_failure_after_the_cool_down_opens_it_again(failover):
    api, _ = failover
    api.status, api.reply = 503, POSTMARK_DOWN
    send(message(), message())
    MailBackendState.objects.update(open_until=timezone.now() - dt.timedelta(seconds=1))

    send(message())
    assert len(api.requests) == 3
    assert MailBackendState.objects.get().open_until > timezone.now()


def test_the_breaker_is_shared_by_every_connection_and_process(failover):
    """Its state is a row: another process's connection reads the same one."""
    api, smtp = failover
    for _ in range(2):
        record_failure("default", "postmark")
    send(message())
    assert api.requests == []
    assert len(smtp.messages) == 1


def test_every_backend_failing_raises_the_last_error_for_a_retry(failover):
    api, smtp = failover
    api.status, api.reply = 503, POSTMARK_DOWN
    smtp.refuse("451 4.3.0 Try again later")
    with pytest.raises(smtplib.SMTPDataError):
        send(message())


def test_every_backend_paused_is_a_transient_error(failover):
    for backend in ("postmark", "smtp"):
        for _ in range(2):
            record_failure("default", backend)
    with pytest.raises(AllBackendsUnavailable):
        send(message())
    assert isinstance(
        AllBackendsUnavailable(), ConnectionError
    )  # retried like a refused connection


def test_account_email_goes_the_same_way(
    failover, client, user, django_capture_on_commit_callbacks
):
    """A password reset through the default mailer, with the primary down."""
    api, smtp = failover
    api.status, api.reply = 503, POSTMARK_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/auth/password_reset/", {"email": user.email})
    (arrived,) = smtp.messages
    assert arrived["To"] == user.email
    assert mail.outbox == []


def test_each_member_reads_its_own_variables(tmp_path):
    env = make_env(
        ALERTS_EMAIL_BACKEND="postmark,mailgun,smtp",
        ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN="pm",
        ALERTS_ANYMAIL_MAILGUN_API_KEY="mg",
        ALERTS_EMAIL_HOST="smtp.example.com",
    )
    alerts = build_mailers(env, file_path=tmp_path)["alerts"]
    assert alerts["BACKEND"] == "core.failover.EmailBackend"
    members = {member["NAME"]: member for member in alerts["OPTIONS"]["backends"]}
    assert list(members) == ["postmark", "mailgun", "smtp"]
    assert members["postmark"]["OPTIONS"] == {"server_token": "pm"}
    assert members["mailgun"]["OPTIONS"] == {"api_key": "mg"}
    assert members["smtp"]["OPTIONS"]["host"] == "smtp.example.com"


def test_one_name_is_no_list(tmp_path):
    default = build_mailers(make_env(EMAIL_BACKEND="smtp"), file_path=tmp_path)["default"]
    assert default["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_the_checks_validate_every_listed_backend(environment):
    environment(EMAIL_BACKEND="postmark,mailgun,smtp", ANYMAIL_MAILGUN_API_KEY="k")
    reported = [(error.id, error.obj, error.msg) for error in check_mailers()]
    assert reported == [
        (
            "project.E003",
            "MAILERS['default'] backend 'postmark'",
            "EMAIL_BACKEND='postmark' needs ANYMAIL_POSTMARK_SERVER_TOKEN.",
        ),
        (
            "project.E005",
            "MAILERS['default'] backend 'smtp'",
            "EMAIL_BACKEND='smtp' needs EMAIL_HOST.",
        ),
    ]


def test_the_checks_name_an_unknown_member_and_a_repeated_one(environment):
    environment(EMAIL_BACKEND="mailgun,postmrk,mailgun", ANYMAIL_MAILGUN_API_KEY="k")
    reported = {error.id: error for error in check_mailers()}
    assert "postmrk" in reported["project.E001"].msg
    assert reported["project.E001"].obj == "MAILERS['default'] backend 'postmrk'"
    assert (
        reported["project.E007"].msg
        == "EMAIL_BACKEND lists a backend twice: mailgun,postmrk,mailgun."
    )


def test_a_valid_list_passes_the_checks(environment):
    environment(
        EMAIL_BACKEND="postmark,smtp", ANYMAIL_POSTMARK_SERVER_TOKEN="t", EMAIL_HOST="localhost"
    )
    assert check_mailers() == []
