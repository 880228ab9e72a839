"""The development inbox (/dev/inbox/): what the file email backend wrote, readable.

Django's file backend appends each message of a connection to one `.log` file, separated by a
line of 79 dashes, with its parts base64- or quoted-printable-encoded. This reads every mailer's
folder (`MAILERS[...]["OPTIONS"]["file_path"]`), newest first, and decodes the parts with the
standard library's email parser. Only with DEBUG: anywhere else the pages answer 404.

No library was taken for this: the maintained ones (django-mail-viewer, django-mail-panel) bring
an email backend or a debug toolbar of their own instead of reading the file backend's output.
"""

import datetime as dt
import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .framed import framed_html

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
FILE_NAME = re.compile(r"^[\w.-]+\.log$")
LIMIT = 200  # newest messages listed


@dataclass
class Message:
    key: str  # "<folder index>-<file name>-<position in file>", the URL's part
    sent_at: dt.datetime | None
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def sender(self) -> str:
        return str(self.message.get("From", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    def part(self, subtype: str) -> str | None:
        """The decoded text of the plain or html body, or None when the message has none."""
        body = self.message.get_body(preferencelist=(subtype,))
        if body is None or body.get_content_subtype() != subtype:
            return None
        return body.get_content()

    @property
    def text(self) -> str | None:
        return self.part("plain")

    @property
    def html(self) -> str | None:
        return self.part("html")

    @property
    def attachments(self) -> list[str]:
        parts = self.message.iter_attachments()
        return [part.get_filename() or part.get_content_type() for part in parts]


def folders() -> list[Path]:
    """The folders of every mailer that writes files, each once, in the order of MAILERS."""
    found = []
    for config in settings.MAILERS.values():
        if config.get("BACKEND") == FILE_BACKEND:
            path = Path(config.get("OPTIONS", {}).get("file_path", ""))
            if path not in found:
                found.append(path)
    return found


def messages() -> list[Message]:
    """Every message in the folders, newest first (at most LIMIT)."""
    found = []
    for index, folder in enumerate(folders()):
        files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in files:
            found.extend(_read(index, path))
            if len(found) >= LIMIT:
                break
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    found.sort(key=lambda m: m.sent_at or epoch, reverse=True)
    return found[:LIMIT]


def find(key: str) -> Message:
    index, _, rest = key.partition("-")
    name, _, position = rest.rpartition("-")
    all_folders = folders()
    if not (index.isdigit() and position.isdigit() and FILE_NAME.match(name)):
        raise Http404
    if int(index) >= len(all_folders) or not (all_folders[int(index)] / name).is_file():
        raise Http404
    for message in _read(int(index), all_folders[int(index)] / name):
        if message.key == key:
            return message
    raise Http404


def _read(index: int, path: Path) -> list[Message]:
    found = []
    for position, raw in enumerate(path.read_bytes().split(SEPARATOR)):
        if not raw.strip():
            continue
        parsed = email.message_from_bytes(raw.lstrip(b"\n"), policy=email.policy.default)
        try:
            sent_at = parsedate_to_datetime(parsed["Date"]) if parsed["Date"] else None
        except (TypeError, ValueError):
            sent_at = None
        found.append(Message(f"{index}-{path.name}-{position}", sent_at, parsed))
    return found


def _development_only() -> None:
    if not settings.DEBUG:
        raise Http404


def inbox(request: HttpRequest) -> HttpResponse:
    _development_only()
    return render(request, "core/inbox.html", {"messages": messages(), "folders": folders()})


def message(request: HttpRequest, key: str) -> HttpResponse:
    _development_only()
    return render(request, "core/inbox_message.html", {"message": find(key)})


def message_html(request: HttpRequest, key: str) -> HttpResponse:
    _development_only()
    html = find(key).part("html")
    if html is None:
        raise Http404
    return framed_html(html)
