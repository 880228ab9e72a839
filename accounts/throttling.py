"""Abuse limits for password reset requests, counted in Django's cache.

Fixed one-hour windows per address and per client IP. Several web processes need a shared cache
(CACHE_URL) for the limits to hold across them.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the outermost trusted proxy saw, per TRUSTED_PROXY_COUNT.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    with N proxies the client is the N-th entry from the right; anything left of it is
    client-supplied and can be forged.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop
    ]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def _hit(scope: str, value: str) -> int:
    """Count one request for `value` in the current window and return the count so far."""
    # Hashed: the cache never holds an address, and any value makes a valid cache key.
    digest = hashlib.sha256(value.encode()).hexdigest()
    key = f"accounts:password-reset:{scope}:{digest}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # The key expired between add() and incr(): a new window starts.
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1


def password_reset_allowed(email: str, ip: str) -> bool:
    """Count this request against both limits; False once either is exceeded."""
    per_email = _hit("email", email.casefold())
    per_ip = _hit("ip", ip)
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and per_ip <= settings.PASSWORD_RESET_LIMIT_PER_IP
    )
