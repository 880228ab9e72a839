"""Email as its reader sees it: the text, the links in it, and waiting for it to arrive.

Messages are Django's (`mail.outbox`) or what a server received (`email.message.EmailMessage`).
"""

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings

from tests.support.smtp import SMTPServer

MAIL_TIMEOUT = 10.0


class Inbox:
    """The messages the site's worker sent to the test process's SMTP server.

    The server lives as long as the site, for all journeys: `wait_for` hands each message out
    once, so a journey never mistakes another one's email for its own.
    """

    def __init__(self, server: SMTPServer) -> None:
        self.server = server
        self._taken: set[int] = set()

    def wait_for(self, to: str, subject: str, timeout: float = MAIL_TIMEOUT) -> EmailMessage:
        """The first message not yet taken to `to` whose subject contains `subject`."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(list(self.server.messages)):
                fresh = index not in self._taken
                if fresh and to in recipients(message) and subject in message["Subject"]:
                    self._taken.add(index)
                    return message
            if time.monotonic() > deadline:
                seen = [(recipients(m), m["Subject"]) for m in self.server.messages]
                raise AssertionError(
                    f"no email to {to} about {subject!r} within {timeout} s; got {seen}"
                )
            time.sleep(0.1)


def recipients(message: EmailMessage) -> list[str]:
    return [address.addr_spec for address in message["To"].addresses]


def text_of(message) -> str:
    """The plain-text part, as a mail client shows it to someone who prefers text."""
    if isinstance(message, EmailMessage):
        return message.get_body(preferencelist=("plain",)).get_content()
    return message.body


def html_of(message) -> str:
    if isinstance(message, EmailMessage):
        return message.get_body(preferencelist=("html",)).get_content()
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def link_in(message, site_url: str | None = None, path: str = r"/auth/reset/[^/\s]+/") -> str:
    """The one password reset link (or other `path`, a regex) in an email; the HTML part must
    carry the same link.

    Links start with `site_url`, the test settings' SITE_URL unless a live site has its own.
    """
    text = text_of(message)
    pattern = re.escape(site_url or settings.SITE_URL) + path + r"[^/\s]+/"
    links = set(re.findall(pattern, text))
    assert len(links) == 1, f"expected one {path} link in:\n{text}"
    (link,) = links
    assert f'href="{link}"' in html_of(message)
    return link


def wait_for_file(folder: Path, timeout: float = MAIL_TIMEOUT) -> EmailMessage:
    """The first message the file backend wrote to `folder` (`LiveSite` without SMTP)."""
    deadline = time.monotonic() + timeout
    while True:
        for path in sorted(folder.glob("*.log")):
            # The backend ends every message with a line of 79 dashes: then it is complete.
            first, separator, _ = path.read_bytes().partition(b"\n" + b"-" * 79 + b"\n")
            if separator:
                return email.message_from_bytes(first, policy=email.policy.default)
        assert time.monotonic() < deadline, f"no email in {folder} within {timeout} s"
        time.sleep(0.1)


def confirmation_link_in(message, site_url: str | None = None) -> str:
    """The one sign-up confirmation link in an email (text and HTML alike)."""
    return link_in(message, site_url, path="/auth/confirm/")
