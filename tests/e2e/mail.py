"""Email as the journeys see it: what reached the loopback SMTP server, and the links in it."""

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # tests.conftest needs Django's settings, which `make screenshots` lacks
    from tests.conftest import SMTPServer

MAIL_TIMEOUT = 10.0


class Inbox:
    """The messages the site's worker sent to the test process's SMTP server.

    The server lives as long as the site, for all journeys: `wait_for` hands each message out
    once, so a journey never mistakes another one's email for its own.
    """

    def __init__(self, server: "SMTPServer") -> None:
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


def text_of(message: EmailMessage) -> str:
    """The plain-text part, as a mail client shows it to someone who prefers text."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(text: str, prefix: str) -> str:
    """The one link in `text` that starts with `prefix` (an absolute URL)."""
    links = re.findall(re.escape(prefix) + r"\S+", text)
    assert len(links) == 1, f"expected one link starting with {prefix} in:\n{text}"
    return links[0]


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
