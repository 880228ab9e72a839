"""The development inbox: the file backend's messages listed, decoded, and 404 without DEBUG."""

from email.message import EmailMessage

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from core.inbox import FILE_BACKEND

pytestmark = pytest.mark.django_db
INBOX = reverse("inbox:list")


@pytest.fixture
def mail_dir(settings, tmp_path):
    """Both mailers write files into one temporary folder, as `make run` has them; DEBUG on."""
    folder = tmp_path / "sent_emails"
    mailer = {"BACKEND": FILE_BACKEND, "OPTIONS": {"file_path": str(folder)}}
    settings.MAILERS = {"default": mailer, "alerts": mailer}
    settings.DEBUG = True
    return folder


def written_by_hand(folder, name: str, *messages: EmailMessage) -> None:
    """A .log file as the file backend lays it out: messages each followed by 79 dashes."""
    folder.mkdir(parents=True, exist_ok=True)
    separator = b"\n" + b"-" * 79 + b"\n"
    (folder / name).write_bytes(b"".join(m.as_bytes() + separator for m in messages))


def encoded(subject: str, text: str, html: str, date: str) -> EmailMessage:
    """Text in base64, HTML in quoted-printable: what nobody wants to read by eye."""
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = (
        subject,
        "birthday@acme.not",
        "ringo@acme.not",
    )
    message["Date"] = date
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def test_messages_are_listed_newest_first_and_their_parts_decoded(client, mail_dir):
    older = encoded(
        "Старое письмо", "Старый текст", "<p>old</p>", "Mon, 30 Nov 2026 10:00:00 +0000"
    )
    newer = encoded(
        "Новое письмо",
        "Ринго Старр пытался опубликовать запись!",
        "<p>Ринго <b>Старр</b> — снова</p>",
        "Tue, 01 Dec 2026 10:00:00 +0000",
    )
    raw = newer.as_bytes()
    assert "Ринго".encode() not in raw  # the file holds it encoded, not as text
    written_by_hand(mail_dir, "20261201-100000-1.log", older, newer)

    listing = client.get(INBOX).content.decode()
    assert listing.index("Новое письмо") < listing.index("Старое письмо")
    assert "ringo@acme.not" in listing and "birthday@acme.not" in listing

    key = client.get(INBOX).context["messages"][0].key
    page = client.get(reverse("inbox:message", args=[key])).content.decode()
    assert "Ринго Старр пытался опубликовать запись!" in page
    assert (
        f'<iframe class="email-html" sandbox="" src="{reverse("inbox:html", args=[key])}"' in page
    )
    html = client.get(reverse("inbox:html", args=[key]))
    assert "<p>Ринго <b>Старр</b> — снова</p>" in html.content.decode()
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert "script" not in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"


def test_a_message_the_real_file_backend_wrote_is_read(client, mail_dir):
    email = EmailMultiAlternatives(
        "Проверка <script>alert(1)</script>", "Привет, мир\n" * 3, to=["paul@acme.not"]
    )
    email.attach_alternative("<p>Привет, <i>мир</i></p>", "text/html")
    email.send(using="default")

    listing = client.get(INBOX)
    (message,) = listing.context["messages"]
    content = listing.content.decode()
    assert "Проверка &lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content
    page = client.get(reverse("inbox:message", args=[message.key])).content.decode()
    assert "Привет, мир" in page


def test_without_debug_every_inbox_page_is_404(client, mail_dir, settings):
    written_by_hand(
        mail_dir, "a.log", encoded("s", "t", "<p>h</p>", "Tue, 01 Dec 2026 10:00:00 +0000")
    )
    key = client.get(INBOX).context["messages"][0].key
    settings.DEBUG = False
    for url in (INBOX, reverse("inbox:message", args=[key]), reverse("inbox:html", args=[key])):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "key", ["0-..-0", "0-..%2F..%2Fetc%2Fpasswd-0", "9-a.log-0", "0-a.log-7", "x"]
)
def test_a_key_outside_the_folders_is_404(client, mail_dir, key):
    written_by_hand(
        mail_dir, "a.log", encoded("s", "t", "<p>h</p>", "Tue, 01 Dec 2026 10:00:00 +0000")
    )
    assert client.get(f"{INBOX}{key}/").status_code == 404


def test_an_empty_inbox_says_so(client, mail_dir):
    assert "Писем пока нет." in client.get(INBOX).content.decode()
