"""Whole journeys, everything they log scanned: no password, token, reset link, API key or address.

Sign-up, a refused Beatle with its alert delivered over SMTP, a password reset (request, link,
new password) and a password change, with every logger at DEBUG in the production format.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.support.mail import link_in
from tests.support.smtp import use_smtp_mailer

ADDRESS = "Zelda.Quinn+birthday@example.org"
SIGN_UP_PASSWORD = "plum-Orbit-sails-7-quietly"
RESET_PASSWORD = "velvet-Canyon-hums-42-loudly"
CHANGED_PASSWORD = "amber-Kettle-drifts-19-north"
API_KEY = "pm-server-token-5f0c9e7d1b2a"


@pytest.mark.django_db
def test_no_secret_is_ever_logged(
    settings, smtp_server, mailoutbox, json_logs, capsys, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": API_KEY}
    settings.ALERTS_THROTTLE = 0
    use_smtp_mailer(settings, "alerts", smtp_server)

    def post(browser: Client, path: str, data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(path, data)

    browser = Client()
    signed_up = post(
        browser,
        "/auth/registration/",
        {
            "username": "zelda",
            "email": ADDRESS,
            "password1": SIGN_UP_PASSWORD,
            "password2": SIGN_UP_PASSWORD,
        },
    )
    assert signed_up.status_code == 302
    [confirmation_email] = mailoutbox
    confirm_link = re.search(r"http://\S+/auth/confirm/\S+/", confirmation_email.body)[0]
    confirm_path = confirm_link.removeprefix(django_settings.SITE_URL)
    assert post(browser, confirm_path, {}).status_code == 302
    mailoutbox.clear()
    logged_in = post(browser, "/auth/login/", {"username": "zelda", "password": SIGN_UP_PASSWORD})
    assert logged_in.status_code == 302
    refused = post(
        browser,
        "/birthday/create/",
        {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"},
    )
    assert refused.status_code == 400
    [alert_email] = smtp_server.messages
    assert alert_email["To"] == "admin@acme.not"

    stranger = Client()
    assert post(stranger, "/auth/password_reset/", {"email": ADDRESS}).status_code == 302
    [reset_email] = mailoutbox
    link = link_in(reset_email)
    token = link.rstrip("/").rsplit("/", 1)[1]
    set_password = stranger.get(link.removeprefix(django_settings.SITE_URL))
    assert set_password.status_code == 302
    reset = post(
        stranger,
        set_password.url,
        {"new_password1": RESET_PASSWORD, "new_password2": RESET_PASSWORD},
    )
    assert reset.status_code == 302

    logged_in = post(stranger, "/auth/login/", {"username": "zelda", "password": RESET_PASSWORD})
    assert logged_in.status_code == 302
    changed = post(
        stranger,
        "/auth/password_change/",
        {
            "old_password": RESET_PASSWORD,
            "new_password1": CHANGED_PASSWORD,
            "new_password2": CHANGED_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert len(mailoutbox) == 3  # reset link, "changed" after the reset, "changed" after the change

    captured = capsys.readouterr()
    everything = json_logs.text() + captured.out + captured.err
    events = {line["event"] for line in json_logs()}
    # The scan means something only if the journeys were logged.
    assert {"password_reset_requested", "password_reset_completed", "password_changed"} <= events
    assert any(line["logger"].startswith("alerts") for line in json_logs())
    secrets = {
        "password": (SIGN_UP_PASSWORD, RESET_PASSWORD, CHANGED_PASSWORD),
        "reset": (token, link),
        "confirmation": (confirm_link, confirm_path.split("/")[3]),
        "address": (
            ADDRESS,
            ADDRESS.lower(),
            "admin@acme.not",
            django_settings.ALERTS_FROM_EMAIL,
            django_settings.DEFAULT_FROM_EMAIL,
        ),
        "api key": (API_KEY,),
    }
    found = {
        kind: [value for value in values if value in everything] for kind, values in secrets.items()
    }
    assert found == {kind: [] for kind in secrets}
    # They went through the logs, masked: the address and the link were there to leak.
    assert "Z***@example.org" in everything
    assert "/reset/[redacted]" in everything
    assert "/confirm/[redacted]" in everything
