import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from alerts.models import Alert, AlertRecipient, Delivery
from tests.factories import AlertRecipientFactory
from tests.support.pipeline import record

Status = Delivery.Status
pytestmark = pytest.mark.django_db


def run_action(client, model, action, objects):
    return client.post(
        reverse(f"admin:alerts_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def test_recipients_are_listed_searched_and_shown_in_russian(admin_client):
    AlertRecipientFactory(email="ringo@acme.not")

    page = admin_client.get(reverse("admin:alerts_alertrecipient_changelist"), {"q": "ringo"})

    content = page.content.decode()
    assert page.status_code == 200
    assert "ringo@acme.not" in content
    assert "admin@acme.not" not in content
    assert "Получатели оповещений" in content
    assert "Отклонено имя битла" in content


def test_email_is_unique_ignoring_case(admin_client):
    page = admin_client.post(
        reverse("admin:alerts_alertrecipient_add"),
        {
            "email": "ADMIN@acme.not",
            "name": "",
            "is_active": "on",
            "subscriptions-TOTAL_FORMS": "0",
            "subscriptions-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200
    assert "Получатель с таким адресом уже есть." in page.content.decode()
    assert AlertRecipient.objects.count() == 1


def test_unticking_active_on_the_change_page_keeps_when_and_why(admin_client):
    recipient = AlertRecipient.objects.get()
    change_page = reverse("admin:alerts_alertrecipient_change", args=[recipient.pk])
    form = {
        "email": recipient.email,
        "name": recipient.name,
        "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0",
    }

    assert admin_client.post(change_page, form).status_code == 302
    recipient.refresh_from_db()
    assert not recipient.is_active
    assert recipient.deactivated_at is not None
    assert recipient.deactivation_reason == "Отключён в админке."

    assert admin_client.post(change_page, {**form, "is_active": "on"}).status_code == 302
    recipient.refresh_from_db()
    assert (recipient.is_active, recipient.deactivated_at, recipient.deactivation_reason) == (
        True,
        None,
        "",
    )


def test_deactivate_and_activate_actions_keep_when_and_why(admin_client):
    recipient = AlertRecipient.objects.get()

    run_action(admin_client, "alertrecipient", "deactivate", [recipient])
    recipient.refresh_from_db()
    assert not recipient.is_active
    assert recipient.deactivated_at is not None
    assert recipient.deactivation_reason == "Отключён в админке."

    run_action(admin_client, "alertrecipient", "activate", [recipient])
    recipient.refresh_from_db()
    assert recipient.is_active
    assert recipient.deactivated_at is None
    assert recipient.deactivation_reason == ""


def test_send_a_test_alert_goes_through_the_pipeline_to_the_selected_only(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    chosen = AlertRecipientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        page = run_action(admin_client, "alertrecipient", "send_test_alert", [chosen])

    assert "Тестовое оповещение записано" in page.content.decode()
    alert = Alert.objects.get()
    assert alert.is_test
    assert alert.payload["username"] == admin_user.username
    assert alert.deliveries.get().status == Status.SENT
    [message] = mail.outbox
    assert message.to == [chosen.email]
    assert message.subject == "[тест] Another Beatles member"
    assert "Это тестовое оповещение" in message.body


def test_alerts_are_read_only_with_their_deliveries_inline(admin_client):
    alert = record("beatles_name_rejected", {"first_name": "Ринго", "last_name": "Старр"})

    listing = admin_client.get(
        reverse("admin:alerts_alert_changelist"), {"kind": "beatles_name_rejected"}
    )
    detail = admin_client.get(reverse("admin:alerts_alert_change", args=[alert.pk]))

    assert "Ринго Старр" in listing.content.decode()
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "admin@acme.not" in content
    assert "ожидает" in content
    assert 'name="_save"' not in content


def test_deliveries_filter_by_status_and_retry_now(
    admin_client, django_capture_on_commit_callbacks
):
    alert = record("beatles_name_rejected", {"first_name": "Ринго", "last_name": "Старр"})
    failed = alert.deliveries.get()
    Delivery.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, attempts=8, last_error="SMTPDataError: 554"
    )

    listing = admin_client.get(reverse("admin:alerts_delivery_changelist"), {"status": "failed"})
    assert listing.context["cl"].result_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        page = run_action(admin_client, "delivery", "retry_now", [failed])

    assert "1 отправка снова в очереди." in page.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert failed.attempts == 1
    assert len(mail.outbox) == 1


def test_retry_now_leaves_sent_deliveries_alone(admin_client, django_capture_on_commit_callbacks):
    alert = record("beatles_name_rejected", {"first_name": "Ринго"})
    alert.deliveries.update(status=Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "delivery", "retry_now", alert.deliveries.all())
    assert mail.outbox == []


def test_an_alerts_title_is_in_the_sites_time_zone_like_its_page(admin_client):
    moment = dt.datetime(2026, 3, 1, 12, 0, 5, tzinfo=dt.UTC)  # 15:00:05 in Moscow
    alert = record("beatles_name_rejected", {"first_name": "Ринго"}, now=moment)

    page = admin_client.get(reverse("admin:alerts_alert_change", args=[alert.pk]))

    content = page.content.decode()
    assert "Отклонено имя битла · 2026-03-01 15:00:05" in content  # breadcrumb and title
    assert "12:00:05" not in content


def test_deliveries_show_and_filter_by_the_backend_that_sent_them(admin_client):
    """A failover mailer records which backend sent each delivery: a column and a filter."""
    first = record("beatles_name_rejected", {"first_name": "Ринго"}).deliveries.get()
    second = record("beatles_name_rejected", {"first_name": "Пол"}).deliveries.get()
    Delivery.objects.filter(pk=first.pk).update(status=Status.SENT, backend="postmark")
    Delivery.objects.filter(pk=second.pk).update(status=Status.SENT, backend="smtp")

    listing = admin_client.get(reverse("admin:alerts_delivery_changelist"), {"backend": "smtp"})

    assert [d.pk for d in listing.context["cl"].result_list] == [second.pk]
    content = listing.content.decode()
    assert '<td class="field-backend">smtp</td>' in content
    assert "?backend=postmark" in content
