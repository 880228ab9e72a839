"""System checks (`manage.py check`): the abuse limits must hold in every web process, through
any flood, for their whole window. Registered in AccountsConfig.ready()."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Caches that drop entries when full: least recently used, or culled past MAX_ENTRIES.
EVICTING_CACHES = {
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
CULLED_CACHES = {
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
# A flood must not reach MAX_ENTRIES before its entries expire.
MIN_MAX_ENTRIES = 100_000


def longest_window() -> int:
    return max(60 * 60, settings.PASSWORD_CHANGE_LIMIT_WINDOW)


def limits_cache_problem() -> str | None:
    """Why the rate-limit cache would lose counts, or None."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    config = settings.CACHES.get(alias)
    if config is None:
        return f"RATELIMIT_USE_CACHE names the cache {alias!r}, which CACHES does not define."
    backend = config["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return f"the {alias!r} cache ({backend}) is per process: each web process counts alone."
    if backend in EVICTING_CACHES:
        return f"the {alias!r} cache ({backend}) evicts entries when full: a flood wipes counts."
    max_entries = config.get("OPTIONS", {}).get("MAX_ENTRIES", 300)
    if backend in CULLED_CACHES and max_entries < MIN_MAX_ENTRIES:
        return (
            f"the {alias!r} cache culls past MAX_ENTRIES={max_entries}: "
            f"a flood of random keys wipes counts (set at least {MIN_MAX_ENTRIES})."
        )
    timeout = config.get("TIMEOUT", 300)
    if timeout is not None and timeout < longest_window():
        return (
            f"the {alias!r} cache's TIMEOUT ({timeout} s) is shorter than the longest window "
            f"({longest_window()} s): a counter incremented late in a window ends early."
        )
    return None


def check_limits_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Sign-up, reset, resend and password-change limits (django-ratelimit)."""
    if (problem := limits_cache_problem()) is None:
        return []
    return [
        checks.Warning(
            f"Abuse limits may not hold: {problem}",
            hint="Set LIMITS_CACHE_URL to a database cache (dbcache://birthday_limits, the "
            "default) or a Redis URL, with LIMITS_CACHE_TIMEOUT of at least an hour.",
            id="accounts.W001",
        )
    ]


def check_login_limits(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Failed logins (django-axes) must be counted in its database table."""
    from axes.handlers.database import AxesDatabaseHandler

    handler = import_string(settings.AXES_HANDLER)
    if issubclass(handler, AxesDatabaseHandler):
        return []
    return [
        checks.Warning(
            f"Failed logins are counted by {settings.AXES_HANDLER}, not in the database: "
            "the counts may be per process or evicted.",
            hint="Set AXES_HANDLER to accounts.lockout.LoginLimitHandler.",
            id="accounts.W002",
        )
    ]
