"""settings.mailers: environment variables become MAILERS and ANYMAIL."""

from importlib import import_module
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from core.mail_backends import ANYMAIL_PROVIDERS, BACKENDS, DJANGO_BACKENDS, backend_path
from settings.mailers import build_anymail, build_mailers
from tests.support.environments import make_env

FILES = Path("/srv/mail")


def mailers(**variables: str) -> dict:
    return build_mailers(make_env(**variables), file_path=FILES)


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_every_short_name_resolves_to_a_backend_class(name):
    backend_class = import_string(backend_path(name))

    assert issubclass(backend_class, BaseEmailBackend)
    assert mailers(EMAIL_BACKEND=name)["default"]["BACKEND"] == BACKENDS[name]


def test_providers_are_discovered_from_the_installed_anymail():
    expected = {
        "amazon_ses", "brevo", "mailersend", "mailgun", "mailjet", "mailtrap", "mandrill",
        "postal", "postmark", "resend", "scaleway", "sendgrid", "sparkpost", "unisender_go",
    }  # fmt: skip

    assert expected <= set(ANYMAIL_PROVIDERS)
    # Anymail's test and console backends and the deprecated `sendinblue` are no providers.
    assert not {"console", "test", "sendinblue", "base", "base_requests"} & set(ANYMAIL_PROVIDERS)
    assert BACKENDS["console"] == DJANGO_BACKENDS["console"]


@pytest.mark.parametrize("name", sorted(ANYMAIL_PROVIDERS))
def test_provider_name_is_the_prefix_of_its_anymail_settings(name):
    """ALERTS_ANYMAIL_<NAME>_<OPTION> relies on it: `amazon_ses` -> AMAZON_SES_..."""
    esp_name = import_module(f"anymail.backends.{name}").EmailBackend.esp_name

    assert esp_name.upper().replace(" ", "_") == name.upper()


def test_a_dotted_path_is_used_as_given():
    path = "anymail.backends.postmark.EmailBackend"

    assert mailers(EMAIL_BACKEND=path)["default"] == {"BACKEND": path, "OPTIONS": {}}


def test_an_unknown_name_is_kept_for_the_system_check_to_report():
    assert mailers(EMAIL_BACKEND="mailgunn")["default"]["BACKEND"] == "mailgunn"


def test_a_required_backend_variable_lists_the_valid_names():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND") as raised:
        build_mailers(make_env(), file_path=FILES, default_backend=None)

    assert "file, locmem, mailersend, mailgun" in str(raised.value)


def test_without_variables_both_mailers_write_files_to_the_default_folder():
    built = mailers()

    assert built["default"] == {
        "BACKEND": DJANGO_BACKENDS["file"],
        "OPTIONS": {"file_path": str(FILES)},
    }
    assert built["alerts"] is built["default"]


def test_email_file_path_overrides_the_folder():
    built = mailers(EMAIL_FILE_PATH="/var/mail/birthday")

    assert built["default"]["OPTIONS"] == {"file_path": "/var/mail/birthday"}


def test_alerts_can_use_another_backend():
    built = mailers(EMAIL_BACKEND="console", ALERTS_EMAIL_BACKEND="locmem")

    assert built["default"]["BACKEND"] == DJANGO_BACKENDS["console"]
    assert built["alerts"]["BACKEND"] == DJANGO_BACKENDS["locmem"]


def test_smtp_options_come_from_the_variables():
    built = mailers(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="me",
        EMAIL_HOST_PASSWORD="$ecret",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="3.5",
    )

    assert built["default"]["OPTIONS"] == {
        "host": "smtp.example.com",
        "port": 2525,
        "username": "me",
        "password": "$ecret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 3.5,
    }


def test_smtp_defaults_to_a_ten_second_timeout_and_lets_django_pick_the_port():
    options = mailers(EMAIL_BACKEND="smtp", EMAIL_HOST="mx")["default"]["OPTIONS"]

    assert options == {"host": "mx", "use_tls": False, "use_ssl": False, "timeout": 10.0}


def test_alerts_reads_only_its_own_smtp_credentials():
    built = mailers(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="smtp.accounts.example",
        EMAIL_HOST_USER="accounts",
        EMAIL_HOST_PASSWORD="accounts-secret",
        ALERTS_EMAIL_HOST="smtp.alerts.example",
    )

    # ALERTS_EMAIL_BACKEND defaults to EMAIL_BACKEND; nothing else crosses over.
    assert built["alerts"] == {
        "BACKEND": DJANGO_BACKENDS["smtp"],
        "OPTIONS": {
            "host": "smtp.alerts.example",
            "use_tls": False,
            "use_ssl": False,
            "timeout": 10.0,
        },
    }


def test_alerts_anymail_variables_become_that_mailers_provider_options():
    built = mailers(
        EMAIL_BACKEND="mailgun",
        ANYMAIL_MAILGUN_API_KEY="shared-key",
        ALERTS_ANYMAIL_MAILGUN_API_KEY="alerts-key",
        ALERTS_ANYMAIL_MAILGUN_SENDER_DOMAIN="alerts.example.com",
        ALERTS_ANYMAIL_REQUESTS_TIMEOUT="5",
    )

    assert built["default"] == {"BACKEND": ANYMAIL_PROVIDERS["mailgun"], "OPTIONS": {}}
    assert built["alerts"] == {
        "BACKEND": ANYMAIL_PROVIDERS["mailgun"],
        "OPTIONS": {
            "api_key": "alerts-key",
            "sender_domain": "alerts.example.com",
            "requests_timeout": 5.0,
        },
    }


def test_an_alerts_anymail_variable_of_another_provider_stays_whole():
    built = mailers(ALERTS_EMAIL_BACKEND="postmark", ALERTS_ANYMAIL_MAILGUN_API_KEY="k")

    assert built["alerts"]["OPTIONS"] == {"mailgun_api_key": "k"}


def test_empty_alerts_variables_leave_alerts_as_default():
    built = mailers(EMAIL_BACKEND="console", ALERTS_EMAIL_BACKEND="")

    assert built["alerts"] is built["default"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' must be a whole number."),
        ("EMAIL_USE_TLS", "ture", "EMAIL_USE_TLS='ture' must be true or false."),
        ("EMAIL_TIMEOUT", "soon", "EMAIL_TIMEOUT='soon' must be a number."),
    ],
)
def test_a_value_of_the_wrong_type_names_its_variable(variable, value, expected):
    with pytest.raises(ImproperlyConfigured) as raised:
        mailers(EMAIL_BACKEND="smtp", EMAIL_HOST="mx", **{variable: value})

    assert str(raised.value) == expected


def test_every_anymail_variable_passes_through():
    env = make_env(
        ANYMAIL_MAILGUN_API_KEY="key-$1",
        ANYMAIL_MAILGUN_API_URL="https://api.eu.mailgun.net/v3",
        ANYMAIL_IGNORE_RECIPIENT_STATUS="false",
        ANYMAIL_SEND_DEFAULTS='{"tags": ["birthday"]}',
        ANYMAIL_REQUESTS_TIMEOUT="12",
        ALERTS_ANYMAIL_MAILGUN_API_KEY="not-shared",
        EMAIL_HOST="mx",
    )

    assert build_anymail(env) == {
        "MAILGUN_API_KEY": "key-$1",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
        "IGNORE_RECIPIENT_STATUS": False,
        "SEND_DEFAULTS": {"tags": ["birthday"]},
        "REQUESTS_TIMEOUT": 12.0,
    }


def test_broken_json_in_an_anymail_variable_is_named_without_its_value():
    with pytest.raises(ImproperlyConfigured, match=r"^ANYMAIL_SEND_DEFAULTS is not valid JSON"):
        build_anymail(make_env(ANYMAIL_SEND_DEFAULTS="{secret"))
