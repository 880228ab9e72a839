"""Mail leaves through each kind of backend: files, a real SMTP server, provider HTTP APIs."""

import email
import email.policy
import smtplib
from base64 import b64decode

import pytest
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailMessage
from django.core.mail import EmailMultiAlternatives, mailers

from tests.support.smtp import SMTP_LOGIN, SMTP_PASSWORD

# The loopback test server takes AUTH without TLS on purpose; aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def greeting(message_class=EmailMultiAlternatives, **extra):
    message = message_class(
        subject="Ringo's birthday",
        body="Plain text body",
        from_email="Birthday <alerts@birthday.example>",
        to=["friend@example.com"],
        **extra,
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")
    return message


def test_file_backend_writes_the_alert_into_the_configured_folder(environment, tmp_path):
    folder = tmp_path / "alerts-mail"
    environment(ALERTS_EMAIL_BACKEND="file", ALERTS_EMAIL_FILE_PATH=str(folder))

    assert mailers["alerts"].send_messages([greeting()]) == 1

    (written,) = folder.iterdir()
    raw = written.read_bytes().rsplit(b"\n" + b"-" * 79, 1)[0]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["From"] == "Birthday <alerts@birthday.example>"
    assert parsed["To"] == "friend@example.com"
    assert parsed["Subject"] == "Ringo's birthday"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content().strip() == "Plain text body"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"
    assert not (tmp_path / "sent_emails").exists()  # the default mailer's folder is untouched


def test_smtp_delivers_to_a_real_server(environment, smtp_server):
    environment(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
    )

    assert greeting().send(using="alerts") == 1

    assert smtp_server.envelopes == [("alerts@birthday.example", ["friend@example.com"])]
    (received,) = smtp_server.messages
    assert received["Subject"] == "Ringo's birthday"
    assert received.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"


def test_smtp_logs_in_when_credentials_are_set(environment, auth_smtp_server):
    environment(
        ALERTS_EMAIL_BACKEND="smtp",
        ALERTS_EMAIL_HOST=auth_smtp_server.host,
        ALERTS_EMAIL_PORT=str(auth_smtp_server.port),
        ALERTS_EMAIL_HOST_USER=SMTP_LOGIN,
        ALERTS_EMAIL_HOST_PASSWORD=SMTP_PASSWORD,
    )

    assert greeting().send(using="alerts") == 1

    assert auth_smtp_server.logins == [SMTP_LOGIN]
    assert [m["Subject"] for m in auth_smtp_server.messages] == ["Ringo's birthday"]


def test_smtp_without_credentials_is_refused_by_a_server_that_demands_them(
    environment, auth_smtp_server
):
    environment(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST=auth_smtp_server.host,
        EMAIL_PORT=str(auth_smtp_server.port),
    )

    with pytest.raises(smtplib.SMTPException):
        greeting().send()
    assert auth_smtp_server.envelopes == []


def mailgun_settings(environment, api, **extra: str) -> None:
    environment(
        EMAIL_BACKEND="mailgun",
        ANYMAIL_MAILGUN_API_KEY="mailgun-key",
        ANYMAIL_MAILGUN_API_URL=f"{api.url}v3",
        **extra,
    )


def test_mailgun_receives_the_message_with_tags_and_metadata(environment, mail_http_server):
    mailgun_settings(environment, mail_http_server)
    mail_http_server.reply = {"id": "<20260101.1@birthday.example>", "message": "Queued"}
    message = greeting(AnymailMessage, tags=["beatles"], metadata={"alert": "42"})

    assert message.send(using="alerts") == 1

    (request,) = mail_http_server.requests
    assert request.path == "/v3/birthday.example/messages"
    assert b64decode(request.headers["Authorization"].removeprefix("Basic ")) == (
        b"api:mailgun-key"
    )
    form = request.form()
    assert form["from"] == ["Birthday <alerts@birthday.example>"]
    assert form["to"] == ["friend@example.com"]
    assert form["subject"] == ["Ringo's birthday"]
    assert form["text"] == ["Plain text body"]
    assert form["html"] == ["<p>HTML body</p>"]
    assert form["o:tag"] == ["beatles"]
    assert form["v:alert"] == ["42"]
    assert message.anymail_status.message_id == "<20260101.1@birthday.example>"


def test_alerts_can_use_its_own_mailgun_key(environment, mail_http_server):
    mailgun_settings(environment, mail_http_server, ALERTS_ANYMAIL_MAILGUN_API_KEY="alerts-key")
    mail_http_server.reply = {"id": "<1@birthday.example>", "message": "Queued"}

    greeting().send(using="alerts")
    greeting().send(using="default")

    keys = [
        b64decode(request.headers["Authorization"].removeprefix("Basic "))
        for request in mail_http_server.requests
    ]
    assert keys == [b"api:alerts-key", b"api:mailgun-key"]


def test_postmark_receives_the_message_with_tag_and_metadata(environment, mail_http_server):
    environment(
        ALERTS_EMAIL_BACKEND="postmark",
        ANYMAIL_POSTMARK_SERVER_TOKEN="postmark-token",
        ANYMAIL_POSTMARK_API_URL=mail_http_server.url,
    )
    mail_http_server.reply = {
        "To": "friend@example.com",
        "SubmittedAt": "2026-01-01T00:00:00Z",
        "MessageID": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
        "ErrorCode": 0,
        "Message": "OK",
    }
    message = greeting(AnymailMessage, tags=["beatles"], metadata={"alert": "42"})

    assert message.send(using="alerts") == 1

    (request,) = mail_http_server.requests
    assert request.path == "/email"
    assert request.headers["X-Postmark-Server-Token"] == "postmark-token"
    sent = request.json()
    assert sent["From"] == "Birthday <alerts@birthday.example>"
    assert sent["To"] == "friend@example.com"
    assert sent["Subject"] == "Ringo's birthday"
    assert sent["TextBody"] == "Plain text body"
    assert sent["HtmlBody"] == "<p>HTML body</p>"
    assert sent["Tag"] == "beatles"
    assert sent["Metadata"] == {"alert": "42"}
    assert message.anymail_status.message_id == "0a129aee-e1cd-480d-b08d-4f48548ff48d"


def test_a_provider_error_reaches_the_caller(environment, mail_http_server):
    mailgun_settings(environment, mail_http_server)
    mail_http_server.status = 500
    mail_http_server.reply = {"message": "Internal error"}

    with pytest.raises(AnymailAPIError, match="500"):
        greeting().send(using="alerts")
    assert len(mail_http_server.requests) == 1
