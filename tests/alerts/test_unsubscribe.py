"""One-click unsubscribe (RFC 8058): the signed link, what GET and POST do, forged links."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from alerts import unsubscribe
from alerts.models import Unsubscription
from tests.factories import AlertRecipientFactory

KIND = "beatles_name_rejected"
ONE_CLICK = "List-Unsubscribe=One-Click"


def path(recipient, kind=KIND) -> str:
    return reverse("alerts:unsubscribe", args=[unsubscribe.token(recipient.pk, kind)])


def one_click(url: str):
    """What a mail program sends: a bare POST, no cookie, no CSRF token, this body."""
    client = Client(enforce_csrf_checks=True)
    assert not client.cookies
    return client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def recipient(db):
    return AlertRecipientFactory(email="watcher@acme.not")


def kinds_of(recipient) -> list[str]:
    return list(recipient.subscriptions.values_list("kind", flat=True))


def test_the_link_is_absolute_and_the_headers_carry_it(recipient, settings):
    settings.SITE_URL = "https://birthday.example.com"
    link = unsubscribe.link(recipient.pk, KIND)
    assert link.startswith("https://birthday.example.com/unsubscribe/") and link.endswith("/")
    assert unsubscribe.headers(link) == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": ONE_CLICK,
    }


def test_a_one_click_post_with_no_cookies_unsubscribes_the_recipient_from_the_kind(recipient):
    response = one_click(path(recipient))
    assert response.status_code == 200
    assert "Больше не присылаем" in response.text
    assert kinds_of(recipient) == []
    left = Unsubscription.objects.get()
    assert (left.recipient, left.kind, left.method) == (recipient, KIND, "one_click")
    recipient.refresh_from_db()
    assert recipient.is_active  # only that kind: the recipient stays


def test_it_leaves_the_recipients_other_kinds_alone(db):
    recipient = AlertRecipientFactory(kinds=[KIND, "other_kind"])
    assert one_click(path(recipient)).status_code == 200
    assert kinds_of(recipient) == ["other_kind"]


def test_get_shows_a_button_and_changes_nothing(recipient):
    client = Client()
    for _ in range(3):  # a mail scanner, a link preview, the person
        page = client.get(path(recipient))
        assert page.status_code == 200
        assert '<form method="post">' in page.text
        assert "w***@acme.not" in page.text and "watcher@acme.not" not in page.text
    assert kinds_of(recipient) == [KIND]
    assert not Unsubscription.objects.exists()


def test_the_pages_button_unsubscribes_too(recipient):
    client = Client(enforce_csrf_checks=True)
    client.get(path(recipient))
    response = client.post(path(recipient))  # the form: no token, no special body
    assert response.status_code == 200
    assert kinds_of(recipient) == []
    assert Unsubscription.objects.get().method == "page"


def test_a_second_click_changes_nothing_and_says_so(recipient):
    one_click(path(recipient))
    again = one_click(path(recipient))
    assert again.status_code == 200
    assert Unsubscription.objects.count() == 1
    page = Client().get(path(recipient))
    assert '<form method="post">' not in page.text and "Больше не присылаем" in page.text


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character off
        lambda token: token[: len(token) // 2],  # cut when copied
        lambda token: "not-a-token",
        # Validly signed, but not by this link's salt (another signed value of the site).
        lambda token: signing.dumps([1, KIND]),
    ],
)
def test_a_forged_or_damaged_link_gets_a_friendly_400_and_changes_nothing(recipient, damage):
    good = unsubscribe.token(recipient.pk, KIND)
    url = reverse("alerts:unsubscribe", args=[damage(good)])
    for response in (Client().get(url), one_click(url)):
        assert response.status_code == 400
        assert "Ссылка для отписки не работает" in response.text
    assert kinds_of(recipient) == [KIND]
    assert not Unsubscription.objects.exists()


def test_a_link_to_a_deleted_recipient_or_kind_is_a_400(recipient):
    gone_kind = reverse("alerts:unsubscribe", args=[unsubscribe.token(recipient.pk, "no_kind")])
    url = path(recipient)
    recipient.delete()
    assert one_click(url).status_code == 400
    assert one_click(gone_kind).status_code == 400


def test_the_admin_shows_when_and_how_the_recipient_left(recipient, admin_client):
    one_click(path(recipient))
    page = admin_client.get(reverse("admin:alerts_alertrecipient_change", args=[recipient.pk]))
    assert page.status_code == 200
    assert "одним нажатием в почтовой программе (RFC 8058)" in page.text
    assert "Отписался" in page.text
