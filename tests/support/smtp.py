"""A real SMTP server on loopback (aiosmtpd) that records what it receives."""

import email
import email.policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.ports import free_port

SMTP_LOGIN = "mailer"
SMTP_PASSWORD = "s3cret-$mtp"  # a `$` on purpose: values are taken literally


class RecordingHandler:
    """An aiosmtpd handler that keeps what it receives, or answers with `reply` instead."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.connections = 0
        self.reply: str | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted"


class SMTPServer:
    """A real SMTP server on loopback. `refuse("451 ...")`, `accept()`, `stop()`, `start()`.

    With `credentials` (login, password) it demands AUTH, and keeps the logins it accepted.
    """

    host = "127.0.0.1"

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.credentials = credentials
        self.handler = RecordingHandler()
        self.logins: list[str] = []
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (
            (auth_data.login.decode(), auth_data.password.decode())
            if isinstance(auth_data, LoginPassword)
            else None
        )
        if given == self.credentials:
            self.logins.append(given[0])
        return AuthResult(success=given == self.credentials)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.handler.messages

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        """(MAIL FROM, RCPT TO) of every accepted message."""
        return self.handler.envelopes

    @property
    def connections(self) -> int:
        return self.handler.connections

    def refuse(self, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.reply = reply

    def accept(self) -> None:
        self.handler.reply = None

    def start(self) -> None:
        auth = (
            {"authenticator": self._authenticate, "auth_required": True} if self.credentials else {}
        )
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, auth_require_tls=False, **auth
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer(self) -> dict:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
        }


def use_smtp_mailer(settings, alias: str, server: SMTPServer) -> None:
    """Point one MAILERS alias at the loopback server (the test runner made them all locmem)."""
    settings.MAILERS = {**settings.MAILERS, alias: server.mailer()}


LOCMEM = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def failover_mailer(**members: dict) -> dict:
    """A MAILERS entry that fails over through `members` in order (name=its MAILERS-like entry)."""
    backends = [{"NAME": name, **config} for name, config in members.items()]
    return {"BACKEND": "core.failover.EmailBackend", "OPTIONS": {"backends": backends}}
