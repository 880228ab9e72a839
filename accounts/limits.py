"""The abuse limits other than failed logins, on django-ratelimit.

Each limit is a group name, a key (an address, a user, the client IP) and (count, seconds).
django-ratelimit counts in the `limits` cache (RATELIMIT_USE_CACHE) under a hashed key that
carries its window, so no address is stored and a window never ends early; `checks.py` warns
about a cache that would lose counts (per-process, or culled by a flood).
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from .signals import ip_limit_passed


@dataclass(frozen=True)
class Limit:
    group: str
    setting: str  # the count's setting
    window_setting: str | None = None  # seconds; None: an hour

    @property
    def rate(self) -> tuple[int, int]:
        window = getattr(settings, self.window_setting) if self.window_setting else 60 * 60
        return getattr(settings, self.setting), window

    def _usage(self, request: HttpRequest, value: str, *, increment: bool) -> dict:
        return get_usage(
            request,
            group=self.group,
            key=lambda group, request: value,
            rate=self.rate,
            increment=increment,
        )

    def hit(self, request: HttpRequest, value: str) -> bool:
        """Count one request for `value`; True while it is within the limit."""
        return not self._usage(request, value, increment=True)["should_limit"]

    def reached(self, request: HttpRequest, value: str) -> bool:
        """True once `value` has used up the limit in this window (counts nothing)."""
        usage = self._usage(request, value, increment=False)
        return usage["should_limit"] or usage["count"] >= usage["limit"]


@dataclass(frozen=True)
class IPLimit(Limit):
    """A per-client limit whose passing is a security event (`ip_limit_passed`)."""

    event: str = ""

    def hit_ip(self, request: HttpRequest, ip: str, *, sender: type) -> bool:
        usage = self._usage(request, ip, increment=True)
        if usage["count"] == usage["limit"] + 1:  # the first refused request, once a window
            ip_limit_passed.send(
                sender=sender, limit=self.event, ip=ip, count=usage["count"], allowed=usage["limit"]
            )
        return not usage["should_limit"]


def address_key(email: str) -> str:
    """One key per mailbox, however it is spelled."""
    return email.strip().casefold()


PASSWORD_RESET_PER_EMAIL = Limit("accounts.password_reset.email", "PASSWORD_RESET_LIMIT_PER_EMAIL")
PASSWORD_RESET_PER_IP = IPLimit(
    "accounts.password_reset.ip", "PASSWORD_RESET_LIMIT_PER_IP", event="password_reset"
)
SIGNUP_PER_IP = IPLimit("accounts.signup.ip", "SIGNUP_LIMIT_PER_IP", event="signup")
CONFIRMATION_PER_EMAIL = Limit("accounts.confirmation.email", "CONFIRMATION_LIMIT_PER_EMAIL")
PASSWORD_CHANGE_PER_USER = Limit(
    "accounts.password_change.user",
    "PASSWORD_CHANGE_LIMIT_PER_USER",
    "PASSWORD_CHANGE_LIMIT_WINDOW",
)
