"""`manage.py sendtestemail --using <mailer>` works with every kind of backend."""

from django.core import mail
from django.core.management import call_command


def test_file(environment, tmp_path):
    environment(ALERTS_EMAIL_BACKEND="file")

    call_command("sendtestemail", "ops@example.com", using="alerts")

    (written,) = (tmp_path / "sent_emails").iterdir()
    assert b"To: ops@example.com" in written.read_bytes()


def test_console(environment, capsys):
    environment(EMAIL_BACKEND="console")

    call_command("sendtestemail", "ops@example.com")

    assert "To: ops@example.com" in capsys.readouterr().out


def test_locmem(environment):
    environment(ALERTS_EMAIL_BACKEND="locmem")

    call_command("sendtestemail", "ops@example.com", using="alerts")

    assert [message.to for message in mail.outbox] == [["ops@example.com"]]


def test_smtp(environment, smtp_server):
    environment(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
    )

    call_command("sendtestemail", "ops@example.com")

    assert [rcpt_tos for _, rcpt_tos in smtp_server.envelopes] == [["ops@example.com"]]


def test_mailgun(environment, mail_http_server):
    environment(
        ALERTS_EMAIL_BACKEND="mailgun",
        ALERTS_ANYMAIL_MAILGUN_API_KEY="alerts-key",
        ANYMAIL_MAILGUN_API_URL=f"{mail_http_server.url}v3",
    )
    mail_http_server.reply = {"id": "<1@acme.not>", "message": "Queued"}

    call_command("sendtestemail", "ops@example.com", using="alerts")

    (request,) = mail_http_server.requests
    assert request.path == "/v3/acme.not/messages"  # the domain of DEFAULT_FROM_EMAIL
    assert request.form()["to"] == ["ops@example.com"]
