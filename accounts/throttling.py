"""Abuse limits for password reset requests and failed logins, counted in Django's cache.

Fixed one-hour windows per address or username and per client IP. Several web processes need a
shared cache (CACHE_URL) for the limits to hold across them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _key(scope: str, value: str) -> str:
    # Hashed: the cache never holds an address or a username, and any value makes a valid key.
    return f"accounts:{scope}:{hashlib.sha256(value.encode()).hexdigest()}"


def _hit(scope: str, value: str) -> int:
    """Count one request for `value` in the current window and return the count so far."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # The key expired between add() and incr(): a new window starts.
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1


def password_reset_allowed(email: str, ip: str) -> bool:
    """Count this request against both limits; False once either is exceeded."""
    per_email = _hit("password-reset:email", email.casefold())
    per_ip = _hit("password-reset:ip", ip)
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and per_ip <= settings.PASSWORD_RESET_LIMIT_PER_IP
    )


def login_blocked(username: str, ip: str) -> bool:
    """True once this username or this client has failed too often in the window.

    A blocked attempt is refused before the password is checked, so it tells nothing.
    """
    by_username = cache.get(_key("login:username", username.casefold()), 0)
    by_ip = cache.get(_key("login:ip", ip), 0)
    return by_username >= settings.LOGIN_LIMIT_PER_USERNAME or by_ip >= settings.LOGIN_LIMIT_PER_IP


def record_login_failure(username: str, ip: str) -> None:
    _hit("login:username", username.casefold())
    _hit("login:ip", ip)
