"""Previews: every email in each language, sandboxed HTML, sent to oneself; an alert's own email."""

import pytest
from django.core import mail
from django.urls import reverse

from alerts.models import Alert, Delivery
from core import previews
from tests.support.pipeline import record
from tests.support.smtp import use_smtp_mailer

pytestmark = pytest.mark.django_db
LIST = reverse("alerts_admin:previews")
BEATLES = "beatles_name_rejected"


def preview_url(key: str) -> str:
    return reverse("alerts_admin:preview", args=[key])


def test_the_list_holds_every_kind_and_the_account_emails(admin_client):
    content = admin_client.get(LIST).content.decode()
    for key in (
        "alerts.beatles_name_rejected",
        "accounts.password_reset",
        "accounts.password_changed",
    ):
        assert preview_url(key) in content
    assert LIST in admin_client.get(reverse("admin:index")).content.decode()


def test_a_preview_renders_in_each_language_and_writes_nothing(admin_client):
    alerts_before = Alert.objects.count()
    page = admin_client.get(preview_url("accounts.password_reset"))
    renderings = {r["code"]: r for r in page.context["renderings"]}
    assert set(renderings) == {"ru", "en"}
    assert renderings["ru"]["subject"] != renderings["en"]["subject"]
    assert "/auth/reset/" in renderings["en"]["text"]
    assert Alert.objects.count() == alerts_before
    content = page.content.decode()
    assert 'sandbox=""' in content
    assert "allow-scripts" not in content


def test_the_html_is_its_own_document_under_a_policy_that_runs_nothing(admin_client):
    response = admin_client.get(
        reverse("alerts_admin:preview_html", args=["alerts.beatles_name_rejected", "en"])
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_send_this_preview_to_me_goes_through_the_real_mailer_marked_as_a_test(
    admin_client, admin_user, settings, smtp_server
):
    use_smtp_mailer(settings, "alerts", smtp_server)  # alert email's mailer: a real SMTP server
    send = reverse("alerts_admin:preview_send", args=["alerts.beatles_name_rejected", "ru"])

    page = admin_client.post(send, follow=True)

    assert "отправлен на admin@example.com с пометкой «тест»" in page.content.decode()
    (message,) = smtp_server.messages
    assert message["To"] == admin_user.email
    assert message["Subject"] == "[тест] Another Beatles member"
    assert message["X-Birthday-Preview"] == "alerts.beatles_name_rejected"
    assert mail.outbox == []  # not through the default mailer

    admin_client.post(
        reverse("alerts_admin:preview_send", args=["accounts.password_changed", "en"])
    )
    (account,) = mail.outbox
    assert account.subject.startswith("[test] ")
    assert account.to == [admin_user.email]


def test_an_admin_without_an_address_is_told(admin_client, admin_user):
    admin_user.email = ""
    admin_user.save()
    send = reverse("alerts_admin:preview_send", args=["accounts.password_reset", "ru"])
    page = admin_client.post(send, follow=True)
    assert "нет адреса электронной почты" in page.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "url",
    [
        reverse("alerts_admin:preview", args=["nothing.here"]),
        reverse("alerts_admin:preview_html", args=["accounts.password_reset", "de"]),
        reverse("alerts_admin:preview_send", args=["accounts.password_reset", "de"]),
    ],
)
def test_unknown_previews_and_languages_are_404(admin_client, url):
    assert admin_client.post(url).status_code in (404, 405)
    assert admin_client.get(url).status_code in (404, 405)


def test_an_alerts_page_shows_the_email_its_delivery_sent_with_user_input_escaped(admin_client):
    alert = record(
        BEATLES, {"first_name": "<script>alert(1)</script>", "last_name": "<b>Старр</b>"}
    )
    delivery = alert.deliveries.get()

    page = admin_client.get(reverse("admin:alerts_alert_change", args=[alert.pk])).content.decode()
    assert f"{delivery.recipient.email}" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the text part, shown as text
    html = admin_client.get(reverse("alerts_admin:alert_email_html", args=[alert.pk]))
    body = html.content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;Старр&lt;/b&gt;" in body
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert Delivery.objects.count() == 1  # rendering again sent and wrote nothing


@pytest.mark.parametrize("key", [p.key for p in previews.all_previews()])
def test_every_registered_email_previews_in_every_language(admin_client, key, settings):
    page = admin_client.get(preview_url(key))
    assert page.status_code == 200
    for code, _name in settings.LANGUAGES:
        html = admin_client.get(reverse("alerts_admin:preview_html", args=[key, code]))
        assert html.status_code == 200
        assert f'lang="{code}"' in html.content.decode()


def test_the_digest_and_the_silence_summary_have_previews(admin_client):
    content = admin_client.get(LIST).content.decode()
    assert preview_url("alerts.digest.beatles_name_rejected") in content
    summary = admin_client.get(preview_url("alerts.silence_summary"))
    (english,) = [r for r in summary.context["renderings"] if r["code"] == "en"]
    assert english["subject"].startswith("Silence ended:")


def test_the_page_around_the_iframe_keeps_the_site_policy(admin_client):
    policy = admin_client.get(preview_url("accounts.password_reset"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy  # frames from our own origin only
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
