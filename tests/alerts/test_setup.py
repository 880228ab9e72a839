import pytest
from django.core.checks import run_checks

from alerts.models import AlertRecipient


@pytest.mark.django_db
def test_a_fresh_database_has_the_admin_recipient_for_beatles_and_security_alerts():
    recipient = AlertRecipient.objects.get()
    assert recipient.email == "admin@acme.not"
    assert recipient.is_active
    assert set(recipient.subscriptions.values_list("kind", flat=True)) == {
        "beatles_name_rejected",
        "security",
    }


def alert_checks(**kwargs):
    return [m for m in run_checks(**kwargs) if m.id.startswith("alerts.")]


@pytest.mark.django_db
def test_check_warns_when_a_kind_has_no_active_recipient():
    assert alert_checks(databases=["default"]) == []

    AlertRecipient.objects.update(is_active=False)

    warnings = alert_checks(databases=["default"])
    assert {warning.id for warning in warnings} == {"alerts.W001"}
    assert any("beatles_name_rejected" in warning.msg for warning in warnings)


@pytest.mark.django_db
def test_check_for_recipients_needs_the_database_flag():
    AlertRecipient.objects.update(is_active=False)
    assert alert_checks() == []


def test_check_rejects_an_unknown_delivery_mode(settings):
    settings.ALERTS_DELIVERY = "carrier-pigeon"
    [error] = alert_checks()
    assert error.id == "alerts.E001"


def test_check_rejects_a_throttle_window_that_is_not_positive(settings):
    settings.ALERTS_THROTTLE_WINDOW = 0
    [error] = alert_checks()
    assert error.id == "alerts.E002"
    assert "ALERTS_THROTTLE=0" in error.hint


def test_check_rejects_a_send_concurrency_below_one(settings):
    settings.ALERTS_SEND_CONCURRENCY = 0
    [error] = alert_checks()
    assert error.id == "alerts.E004"
    assert "ALERTS_SEND_CONCURRENCY is 0" in error.msg
