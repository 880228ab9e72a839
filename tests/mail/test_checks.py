"""core.checks: a wrong email variable is reported at start-up, naming what to set."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core.checks import check_mailers


def reported(messages: list[checks.CheckMessage]) -> list[tuple[str, str, str, str]]:
    return [(m.id, m.obj, m.msg, m.hint) for m in messages]


def test_a_working_configuration_passes(environment):
    environment(EMAIL_BACKEND="mailgun", ANYMAIL_MAILGUN_API_KEY="k", ALERTS_EMAIL_BACKEND="dummy")

    assert check_mailers() == []


def test_a_missing_provider_key_names_the_variable(environment):
    environment(EMAIL_BACKEND="mailgun")

    assert reported(check_mailers()) == [
        (
            "project.E003",
            "MAILERS['default']",
            "EMAIL_BACKEND='mailgun' needs ANYMAIL_MAILGUN_API_KEY.",
            "Set ANYMAIL_MAILGUN_API_KEY to the value from your mailgun account.",
        )
    ]


def test_a_missing_alerts_provider_key_offers_both_variables(environment):
    environment(ALERTS_EMAIL_BACKEND="postmark")

    (error,) = check_mailers()
    assert error.msg == "ALERTS_EMAIL_BACKEND='postmark' needs ANYMAIL_POSTMARK_SERVER_TOKEN."
    assert "ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN for this mailer only" in error.hint
    assert "or ANYMAIL_POSTMARK_SERVER_TOKEN to share it" in error.hint


def test_an_unknown_backend_name_lists_the_valid_ones(environment):
    environment(EMAIL_BACKEND="mailgunn")

    (error,) = check_mailers()
    assert (error.id, error.msg) == (
        "project.E001",
        "EMAIL_BACKEND='mailgunn' is not an email backend.",
    )
    assert "mailgun, mailjet" in error.hint
    assert "smtp" in error.hint


def test_alerts_that_equal_default_are_reported_once(environment):
    environment(EMAIL_BACKEND="mailgunn")

    assert [error.obj for error in check_mailers()] == ["MAILERS['default']"]


def test_a_folder_that_cannot_be_created_or_written(environment, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    environment(ALERTS_EMAIL_BACKEND="file", ALERTS_EMAIL_FILE_PATH=str(blocker / "mail"))

    (error,) = check_mailers()
    assert (error.id, error.obj) == ("project.E004", "MAILERS['alerts']")
    assert error.msg.startswith("Could not create 'file_path'")
    assert error.hint == (
        "Set ALERTS_EMAIL_FILE_PATH to a directory the server can create and write to."
    )


def test_tls_and_ssl_together(environment):
    environment(EMAIL_BACKEND="smtp", EMAIL_HOST="mx", EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")

    (error,) = check_mailers()
    assert (error.id, error.msg) == (
        "project.E002",
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on.",
    )
    assert "port 587" in error.hint


def test_smtp_without_a_host(environment):
    environment(ALERTS_EMAIL_BACKEND="smtp")

    (error,) = check_mailers()
    assert (error.id, error.msg) == (
        "project.E005",
        "ALERTS_EMAIL_BACKEND='smtp' needs ALERTS_EMAIL_HOST.",
    )


def test_an_option_of_another_provider_is_reported(environment):
    environment(
        ALERTS_EMAIL_BACKEND="postmark",
        ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN="t",
        ALERTS_ANYMAIL_MAILGUN_API_KEY="k",
    )

    (error,) = check_mailers()
    assert error.msg == "Unknown options 'mailgun_api_key'."
    assert error.hint == (
        "ALERTS_ANYMAIL_* variables are options of this mailer's provider: "
        "ALERTS_ANYMAIL_POSTMARK_<SETTING>."
    )


def test_manage_py_check_runs_the_mailer_check(environment):
    environment(EMAIL_BACKEND="smtp", EMAIL_HOST="mx", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")

    with pytest.raises(SystemCheckError, match=r"project\.E002"):
        call_command("check", tags=["mail"])


def test_every_missing_provider_setting_is_reported_at_once(environment):
    environment(
        EMAIL_BACKEND="mailjet", ANYMAIL_MAILJET_SECRET_KEY="s", ALERTS_EMAIL_BACKEND="postal"
    )

    assert [(error.obj, error.msg) for error in check_mailers()] == [
        ("MAILERS['default']", "EMAIL_BACKEND='mailjet' needs ANYMAIL_MAILJET_API_KEY."),
        ("MAILERS['alerts']", "ALERTS_EMAIL_BACKEND='postal' needs ANYMAIL_POSTAL_API_KEY."),
        ("MAILERS['alerts']", "ALERTS_EMAIL_BACKEND='postal' needs ANYMAIL_POSTAL_API_URL."),
    ]
