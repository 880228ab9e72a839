"""Silences in the admin: what is refused, who made one, ending early, where they show."""

import datetime as dt

import pytest
import structlog
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertRecipient, Silence
from tests.factories import AlertRecipientFactory

pytestmark = pytest.mark.django_db

BEATLES = "beatles_name_rejected"
ADD = reverse("admin:alerts_silence_add")


def form(starts_at: dt.datetime, ends_at: dt.datetime, **fields) -> dict:
    """The add form as the admin's split date and time widgets post it (local time)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return {
        "kind": BEATLES,
        "recipient": "",
        "starts_at_0": start.strftime("%d.%m.%Y"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%d.%m.%Y"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "reason": "Deploying the new form",
        **fields,
    }


def test_an_admin_silences_a_kind_and_is_recorded_as_its_creator(admin_client, admin_user):
    now = timezone.now()
    with structlog.testing.capture_logs() as logs:
        page = admin_client.post(ADD, form(now, now + dt.timedelta(hours=2)))

    assert page.status_code == 302
    silence = Silence.objects.get()
    assert silence.kind == BEATLES
    assert silence.recipient is None
    assert silence.created_by == admin_user
    assert silence.is_active()
    created = [line for line in logs if line["event"] == "silence_created"]
    assert created == [
        {
            "event": "silence_created",
            "log_level": "info",
            "silence_id": silence.pk,
            "kind": BEATLES,
            "recipient_id": None,
            "starts_at": silence.starts_at.astimezone(dt.UTC).isoformat(),
            "ends_at": silence.ends_at.astimezone(dt.UTC).isoformat(),
            "created_by": admin_user.pk,
        }
    ]


def test_a_recipient_is_silenced_for_every_kind(admin_client):
    recipient = AlertRecipient.objects.get()
    now = timezone.now()
    page = admin_client.post(
        ADD, form(now, now + dt.timedelta(days=1), kind="", recipient=recipient.pk)
    )
    assert page.status_code == 302
    silence = Silence.objects.get()
    assert (silence.kind, silence.recipient) == ("", recipient)
    assert Silence.objects.covering(recipient.pk, BEATLES, timezone.now()).get() == silence


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (dt.timedelta(0), dt.timedelta(minutes=-5), "Конец уже прошёл."),
        (dt.timedelta(hours=3), dt.timedelta(hours=2), "Конец должен быть позже начала."),
        (dt.timedelta(0), dt.timedelta(days=30, hours=1), "Тишина длится не дольше 30 дней"),
    ],
    ids=["ends-in-the-past", "ends-before-start", "too-long"],
)
def test_refused_silences_say_why_and_save_nothing(admin_client, start, end, error):
    now = timezone.now()
    page = admin_client.post(ADD, form(now + start, now + end))
    assert page.status_code == 200
    assert error in page.content.decode()
    assert not Silence.objects.exists()


def test_the_maximum_follows_the_setting(admin_client, settings):
    settings.ALERTS_SILENCE_MAX_DAYS = 2
    now = timezone.now()
    page = admin_client.post(ADD, form(now, now + dt.timedelta(days=3)))
    assert "Тишина длится не дольше 2 дней" in page.content.decode()
    assert admin_client.post(ADD, form(now, now + dt.timedelta(days=1))).status_code == 302


def test_a_silence_needs_a_kind_or_a_recipient(admin_client):
    now = timezone.now()
    page = admin_client.post(ADD, form(now, now + dt.timedelta(hours=1), kind=""))
    assert "Выберите вид, получателя или оба." in page.content.decode()
    assert not Silence.objects.exists()


def silence(**fields) -> Silence:
    now = timezone.now()
    values = {
        "kind": BEATLES,
        "starts_at": now - dt.timedelta(minutes=1),
        "ends_at": now + dt.timedelta(hours=1),
        "reason": "r",
        **fields,
    }
    return Silence.objects.create(**values)


def test_ending_early_stops_it_at_once_and_is_logged_once(admin_client, admin_user):
    held = silence()
    changelist = reverse("admin:alerts_silence_changelist")
    end_now = {"action": "end_now", "_selected_action": [held.pk]}
    with structlog.testing.capture_logs() as logs:
        first = admin_client.post(changelist, end_now, follow=True)
        # A second click (or a second admin at once) ends nothing more.
        second = admin_client.post(changelist, end_now, follow=True)
    assert "1 тишина завершена." in first.content.decode()
    assert "0 тишин завершено." in second.content.decode()
    held.refresh_from_db()
    assert not held.is_active()
    assert held.ended_by == admin_user
    assert held.ended_at is not None
    assert [line["silence_id"] for line in logs if line["event"] == "silence_ended"] == [held.pk]
    # An ended silence is a record: it can be read, not changed or deleted.
    change = admin_client.get(held.get_admin_path())
    assert change.status_code == 200
    assert 'name="ends_at_0"' not in change.content.decode()


def test_recipient_page_shows_the_silences_that_hold_it(admin_client):
    recipient = AlertRecipientFactory(email="ringo@acme.not")
    other = AlertRecipientFactory(email="paul@acme.not", kinds=[])
    silence(reason="kind-wide")
    silence(kind="", recipient=recipient, reason="just ringo")
    silence(kind="", recipient=other, reason="just paul")
    silence(
        starts_at=timezone.now() + dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )

    content = admin_client.get(
        reverse("admin:alerts_alertrecipient_change", args=[recipient.pk])
    ).content.decode()

    assert content.count("Отклонено имя битла · все") == 1
    assert content.count("все виды · ringo@acme.not") == 1
    assert "paul@acme.not" not in content
    assert f"{ADD}?recipient={recipient.pk}" in content


def test_a_start_in_the_past_means_from_now(admin_client):
    now = timezone.now()
    page = admin_client.post(ADD, form(now - dt.timedelta(hours=3), now + dt.timedelta(hours=1)))
    assert page.status_code == 302
    assert Silence.objects.get().starts_at >= now - dt.timedelta(seconds=1)


def test_a_later_start_is_kept_and_the_silence_is_scheduled(admin_client):
    now = timezone.now()
    admin_client.post(ADD, form(now + dt.timedelta(hours=2), now + dt.timedelta(hours=3)))
    held = Silence.objects.get()
    assert not held.is_active()
    assert held.is_active(now + dt.timedelta(hours=2, minutes=1))
    listing = admin_client.get(reverse("admin:alerts_silence_changelist") + "?state=scheduled")
    assert listing.context["cl"].result_count == 1
