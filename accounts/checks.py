"""Deployment checks for what the accounts app relies on; registered in AccountsConfig.ready()."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Password reset limits only hold across web processes if they share the cache."""
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            "Password reset limits are counted in a per-process cache.",
            hint="Set CACHE_URL to a cache every web process shares, "
            "e.g. dbcache://birthday_cache or a Redis URL.",
            id="accounts.W001",
        )
    ]
