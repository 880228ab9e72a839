"""The project's system checks: each app registers its own in ready(), every one with tags."""

import re
from pathlib import Path

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


ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_check_id_is_unique_and_in_the_readme_table():
    """Branches merged in parallel must not reuse an id, and the operator looks an id up."""
    sources = [p for app in OUR_APPS for p in (ROOT / app).rglob("*.py")]
    ids = [i for p in sources for i in re.findall(r'\bid="(\w+\.[EWCI]\d{3})"', p.read_text())]
    assert ids, "no check ids found"
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert [i for i in ids if not re.search(rf"^\| `{re.escape(i)}` \|", README, re.M)] == []


def test_every_environment_variable_is_in_a_readme_table():
    """Each variable the settings read has a table row (its default and meaning)."""
    source = "".join(p.read_text() for p in (ROOT / "settings").glob("*.py"))
    names = set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert len(names) > 20
    assert sorted(n for n in names if not re.search(rf"^\|[^\n]*`{n}`", README, re.M)) == []


def test_failed_logins_counted_outside_the_database_are_a_warning(settings):
    """django-axes' cache handler counts per process (or evictably): accounts.W002 says so."""
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.security])] == []
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    found = [
        m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id.startswith("accounts.")
    ]
    assert [m.id for m in found] == ["accounts.W002"]
    assert "accounts.lockout.LoginLimitHandler" in found[0].hint
