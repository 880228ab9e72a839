"""settings.prod: starts only with its variables, and passes Django's deployment checklist."""

import json

import pytest

from tests.support.environments import prod_env
from tests.support.processes import manage

pytestmark = pytest.mark.slow


def test_check_deploy_reports_no_issue(tmp_path):
    result = manage(prod_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        ["SECRET_KEY"],
        ["SECRET_KEY", "DATABASE_URL"],
        ["SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "DATABASE_URL"],
    ],
)
def test_missing_variables_are_named_in_one_error(tmp_path, missing):
    env = prod_env(tmp_path)
    for name in missing:
        del env[name]
    result = manage(env, "check")
    assert result.returncode != 0
    assert (
        f"ImproperlyConfigured: Set these environment variables: {', '.join(missing)}"
        in result.stderr
    )


def test_an_empty_variable_counts_as_missing(tmp_path):
    result = manage(prod_env(tmp_path, SECRET_KEY=""), "check")
    assert "Set these environment variables: SECRET_KEY" in result.stderr


def prod_setting(env: dict[str, str], expression: str):
    """The value of `expression` (on `settings`) in a production process with `env`."""
    code = f"import json; from django.conf import settings; print(json.dumps({expression}))"
    result = manage(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def prod_database_settings(env: dict[str, str]) -> dict:
    keys = ("ENGINE", "HOST", "NAME", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    return prod_setting(env, f"{{k: settings.DATABASES['default'][k] for k in {keys}}}")


def test_postgresql_from_database_url_with_persistent_checked_connections(tmp_path):
    url = "postgres://birthday:secret@db.internal:5432/birthday"
    assert prod_database_settings(prod_env(tmp_path, DATABASE_URL=url)) == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db.internal",
        "NAME": "birthday",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def test_connection_age_comes_from_the_environment(tmp_path):
    env = prod_env(tmp_path, CONN_MAX_AGE="0")
    assert prod_database_settings(env)["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(("value", "trusted"), [(None, False), ("false", False), ("true", True)])
def test_incoming_request_ids_are_trusted_only_when_told(tmp_path, value, trusted):
    env = prod_env(tmp_path, **({"TRUST_REQUEST_ID_HEADER": value} if value else {}))
    assert prod_setting(env, "settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID") is trusted
