"""The project's system checks: each app registers its own in ready(), every one with tags."""

from django.core import checks
from django.core.checks.registry import registry

OUR_APPS = ("accounts", "alerts", "birthday", "core")


def our_checks() -> set:
    everything = registry.get_checks(include_deployment_checks=True)
    return {check for check in everything if check.__module__.split(".")[0] in OUR_APPS}


def test_every_check_of_ours_is_registered_with_a_tag():
    found = our_checks()
    assert {check.__module__ for check in found} >= {
        "accounts.checks",
        "alerts.checks",
        "core.checks",
    }
    assert [check.__name__ for check in found if not check.tags] == []


def test_each_check_runs_only_with_its_tags(settings):
    """`check --tag mail` runs the mail checks only; the abuse-limit cache warning comes with a
    plain `check` (and its security and caches tags), not only with --deploy."""
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.security])] == []
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": locmem, "limits": locmem}
    settings.ALERTS_DELIVERY = "nonsense"

    assert [m.id for m in checks.run_checks(tags=["mail"])] == []
    assert [m.id for m in checks.run_checks(tags=["alerts"])] == ["alerts.E001"]
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.security])] == ["accounts.W001"]
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.caches])] == ["accounts.W001"]
