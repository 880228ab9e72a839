"""settings.prod: starts only with its variables, and passes Django's deployment checklist."""

import json

import pytest

from tests.settings.prod_env import manage, prod_env


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


def prod_database_settings(env: dict[str, str]) -> dict:
    code = (
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps({k: d[k] for k in ('ENGINE', 'HOST', 'NAME', 'CONN_MAX_AGE', "
        "'CONN_HEALTH_CHECKS')}))"
    )
    result = manage(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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
