import pytest
from django.utils import translation

from alerts import kinds
from alerts.models import Delivery, new_message_id
from alerts.rendering import build_message
from core.emails import SUBJECT_MAX_LENGTH, clean_subject
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

BEATLES = kinds.BEATLES_NAME_REJECTED.name
NASTY = [
    "Ринго\r\nBcc: victim@example.com",
    "<script>alert('x')</script>",
    "Я" * 4000,
]


def message_for(first_name, last_name="Старр", **payload):
    recipient = AlertRecipientFactory(email="ops@acme.not")
    alert = record(
        BEATLES,
        {"first_name": first_name, "last_name": last_name, **payload},
        now=WINDOW_START,
        recipients=type(recipient).objects.filter(pk=recipient.pk),
    )
    delivery = Delivery.objects.get(alert=alert)
    return delivery, build_message(delivery)


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.django_db
def test_beatles_alert_has_the_tutorial_subject_and_text(user):
    delivery, message = message_for("Ринго", user_id=user.pk, username=user.username)

    assert message.subject == "Another Beatles member"
    assert message.from_email == "birthday_form@acme.not"
    assert message.to == ["ops@acme.not"]
    assert message.extra_headers["Message-ID"] == delivery.message_id
    # For Anymail backends (the others ignore them): ids only, never the names typed.
    assert message.tags == ["alerts"]
    assert message.metadata == {
        "kind": "beatles_name_rejected",
        "delivery_id": str(delivery.pk),
        "alert_id": str(delivery.alert_id),
    }
    assert "Ринго Старр пытался опубликовать запись!" in message.body
    assert "2026-03-01 15:00:00 MSK" in message.body  # when, in the site's time zone
    assert f"{user.username} (id {user.pk})" in message.body
    link = f"http://birthday.test/admin/alerts/alert/{delivery.alert_id}/change/"
    assert link in message.body
    html = html_of(message)
    assert "<strong>Ринго Старр</strong> пытался опубликовать запись!" in html
    assert f'href="{link}"' in html


@pytest.mark.django_db
def test_anonymous_author_is_named_as_nobody():
    _, message = message_for("Ринго", user_id=None, username=None)
    assert "Вошёл: никто" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("name", NASTY, ids=["crlf", "script", "4000"])
def test_user_input_cannot_add_headers_and_is_escaped_in_html(name):
    _, message = message_for(name, last_name=name)

    raw = message.message().as_bytes()
    headers = raw.split(b"\n\n", 1)[0].decode()
    assert "victim" not in headers
    assert "script" not in headers
    assert message.subject == "Another Beatles member"
    assert f"{name} {name} пытался" in message.body  # text part keeps what was typed
    html = html_of(message)
    assert "<script>" not in html
    if name.startswith("<script>"):
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Another\r\nBcc: victim@example.com", "Another Bcc: victim@example.com"),
        ("\n  tabs\tand\x00nulls\u2028and separators  \n", "tabs and nulls and separators"),
        ("<script>x</script>", "<script>x</script>"),
    ],
)
def test_subject_is_always_one_line(raw, clean):
    assert clean_subject(raw) == clean


def test_very_long_subject_is_truncated():
    subject = clean_subject("Я" * 4000)
    assert len(subject) == SUBJECT_MAX_LENGTH
    assert subject.endswith("…")


@pytest.mark.django_db
def test_an_alert_is_written_in_the_site_language_whoever_raised_it():
    """Sent inline, it is built inside the request of a visitor who may have chosen English."""
    delivery, in_site_language = message_for("Ринго")

    with translation.override("en"):
        in_a_visitors_request = build_message(delivery)

    assert in_a_visitors_request.body == in_site_language.body
    assert "В админке" in in_site_language.body


@pytest.mark.django_db
def test_an_english_preview_has_the_lesson_line_in_english():
    delivery, _ = message_for("<b>Ринго</b>")

    message = build_message(delivery, language="en")

    assert message.subject == "Another Beatles member"
    assert "<b>Ринго</b> Старр tried to publish an entry!" in message.body
    assert "пытался" not in message.body
    html = html_of(message)
    assert "<strong>&lt;b&gt;Ринго&lt;/b&gt; Старр</strong> tried to publish an entry!" in html


@pytest.mark.django_db
def test_the_message_id_is_at_the_domain_of_the_sender_the_settings_name(settings):
    settings.ALERTS_FROM_EMAIL = "Birthday alerts <alerts@mail.acme.not>"
    delivery, message = message_for("Ринго")

    assert delivery.message_id.endswith("@mail.acme.not>")
    assert message.message()["Message-ID"] == delivery.message_id
    settings.ALERTS_FROM_EMAIL = "alerts@other.acme.not"
    assert new_message_id().endswith("@other.acme.not>")
