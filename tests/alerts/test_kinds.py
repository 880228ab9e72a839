"""A kind owns everything about itself: kinds registered here only, with templates in
tests/alerts/templates/, go through the whole pipeline without a line of shared code knowing them.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import kinds
from alerts.models import Alert, AlertRecipient, Delivery
from alerts.recording import record_event
from alerts.tasks import run_send
from tests.factories import AlertRecipientFactory, UserFactory
from tests.support.moments import WINDOW_START

T = WINDOW_START
TEMPLATES = Path(__file__).parent / "templates"
pytestmark = pytest.mark.django_db


@pytest.fixture
def test_templates(settings):
    """The tests' template folder next to the project's (Django re-reads TEMPLATES)."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}]


@pytest.fixture
def parcel(test_templates):
    """A kind for subscribers, as an app would register it."""
    kind = kinds.register(
        "tests_parcel",
        "Parcel arrived",
        sample_payload={"parcel": "SAMPLE-1", "sender": "the admin's sample"},
    )
    yield kind
    kinds.unregister(kind.name)


@pytest.fixture
def user_note(test_templates):
    """A kind for the user the event names, never folded into digests (like reminders)."""
    kind = kinds.register(
        "tests_user_note",
        "Note for a user",
        audience=kinds.EventUser("user_id"),
        sample_payload={"note": "sample"},
        throttled=False,
    )
    yield kind
    kinds.unregister(kind.name)


@pytest.fixture
def watcher(parcel, no_default_recipient):
    return AlertRecipientFactory(email="watcher@acme.not", kinds=[parcel.name])


def test_an_event_of_a_new_kind_reaches_its_subscribers_in_its_own_words(parcel, watcher):
    AlertRecipientFactory(email="beatles-only@acme.not")  # subscribed to another kind
    alert = record_event(parcel.name, {"parcel": "RU-42", "sender": "Бабушка"}, now=T)

    assert run_send(None, now=T) == 1

    [message] = mail.outbox
    assert message.to == ["watcher@acme.not"]
    assert message.subject == "Parcel RU-42 arrived"
    assert "Parcel RU-42 from Бабушка is at the door." in message.body
    assert f"/admin/alerts/alert/{alert.pk}/change/" in message.body
    assert "<b>RU-42</b>" in message.alternatives[0][0]
    assert alert.deliveries.get().status == Delivery.Status.SENT


def test_a_storm_of_a_new_kind_folds_into_a_digest_of_its_own_lines(settings, parcel, watcher):
    settings.ALERTS_THROTTLE = 1
    for second in range(3):
        record_event(
            parcel.name,
            {"parcel": f"P{second}", "sender": "<Почта>"},
            now=T + dt.timedelta(seconds=second),
        )

    run_send(None, now=T + dt.timedelta(seconds=settings.ALERTS_THROTTLE_WINDOW))

    individual, digest = mail.outbox
    assert individual.subject == "Parcel P0 arrived"
    assert digest.subject == "Сводка оповещений: 2 × Parcel arrived"
    assert "15:00:01 MSK: parcel P1 from <Почта>" in digest.body
    assert "15:00:02 MSK: parcel P2 from <Почта>" in digest.body
    html = digest.alternatives[0][0]
    assert "parcel <b>P2</b> from &lt;Почта&gt;" in html
    assert "P0" not in digest.body


def test_the_admin_lists_it_and_sends_its_test_alert_from_its_sample(
    admin_client, parcel, watcher, django_capture_on_commit_callbacks
):
    record_event(parcel.name, {"parcel": "RU-42", "sender": "Бабушка"})
    listing = admin_client.get(reverse("admin:alerts_alert_changelist"))
    assert "parcel RU-42 from Бабушка" in listing.content.decode()
    Alert.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:alerts_alertrecipient_changelist"),
            {"action": "send_test_alert", "_selected_action": [watcher.pk]},
        )

    alert = Alert.objects.get()
    assert (alert.kind, alert.is_test) == (parcel.name, True)
    [message] = mail.outbox
    assert message.to == ["watcher@acme.not"]
    assert message.subject == "[test] Parcel SAMPLE-1 arrived"
    assert "from the admin's sample" in message.body


def test_an_event_user_kind_mails_the_user_it_names_through_their_recipient_row(
    settings, user_note
):
    settings.ALERTS_THROTTLE = 1  # not throttled: each event is an email of its own
    user = UserFactory(email="ann@example.com")
    someone_else = UserFactory()
    for second in range(3):
        record_event(
            user_note.name,
            {"user_id": user.pk, "note": f"n{second}"},
            now=T + dt.timedelta(seconds=second),
        )

    assert run_send(None, now=T + dt.timedelta(seconds=3)) == 3

    assert [(m.to, m.subject) for m in mail.outbox] == [(["ann@example.com"], "A note for you")] * 3
    assert [m.body.strip() for m in mail.outbox] == ["Note: n0", "Note: n1", "Note: n2"]
    recipient = AlertRecipient.objects.get(user=user)
    assert recipient.email == "ann@example.com"
    assert not recipient.subscriptions.exists()
    assert not AlertRecipient.objects.filter(user=someone_else).exists()
    assert not Delivery.objects.filter(alert__isnull=True).exists()  # no digest


def test_an_event_user_recipient_follows_the_users_address_and_activity(user_note):
    user = UserFactory(email="old@example.com")
    record_event(user_note.name, {"user_id": user.pk, "note": "first"})
    run_send(None)

    AlertRecipient.objects.filter(user=user).deactivate("The address bounced.")
    user.email = "new@example.com"
    user.save()
    record_event(user_note.name, {"user_id": user.pk, "note": "second"})
    run_send(None)

    assert [m.to for m in mail.outbox] == [["old@example.com"], ["new@example.com"]]
    assert AlertRecipient.objects.filter(user=user).count() == 1
    assert AlertRecipient.objects.get(user=user).is_active  # a new address starts afresh

    user.is_active = False
    user.save()
    record_event(user_note.name, {"user_id": user.pk, "note": "third"})
    record_event(user_note.name, {"user_id": None, "note": "nobody"})
    record_event(user_note.name, {"user_id": "1; DROP TABLE", "note": "garbage"})
    run_send(None)
    assert len(mail.outbox) == 2
    assert not Alert.objects.filter(fanned_out_at__isnull=True).exists()


def test_an_alert_of_a_kind_no_longer_registered_does_not_block_the_outbox(parcel, watcher):
    Alert.objects.create(kind="kind_removed_from_the_code", occurred_at=timezone.now())
    record_event(parcel.name, {"parcel": "RU-1", "sender": "x"})

    run_send(None)

    assert [m.subject for m in mail.outbox] == ["Parcel RU-1 arrived"]
    assert not Alert.objects.filter(fanned_out_at__isnull=True).exists()


def test_only_kinds_for_subscribers_can_be_subscribed_to_in_the_admin(
    admin_client, parcel, user_note
):
    page = admin_client.get(reverse("admin:alerts_alertrecipient_add")).content.decode()
    assert "Parcel arrived" in page
    assert "Note for a user" not in page


def test_a_test_alert_of_a_users_kind_goes_to_a_selected_users_row_only(
    admin_client, user_note, no_default_recipient, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ann@example.com")
    record_event(user_note.name, {"user_id": user.pk, "note": "real"})
    run_send(None)
    users_row = AlertRecipient.objects.get(user=user)
    admins_row = AlertRecipientFactory(email="ops@acme.not", kinds=[])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:alerts_alertrecipient_changelist"),
            {"action": "send_test_alert", "_selected_action": [users_row.pk, admins_row.pk]},
        )

    # One test email per user kind (the site's own birthday reminders are one too): this one's.
    assert {m.to[0] for m in mail.outbox} == {"ann@example.com"}
    [message] = [m for m in mail.outbox if m.metadata["kind"] == user_note.name]
    assert message.body.strip() == "Note: sample"
