"""Failed logins, counted by django-axes in its database table (AccessAttempt).

django-axes hooks authentication itself (its backend comes first in AUTHENTICATION_BACKENDS), so
our login page, the admin's and any other `authenticate()` call are counted and refused alike.
The settings point its callables here:

- the username is normalized as the login form does before authenticating (strip, NFKC), and
  case-folded, so `mallory`, ` mallory`, `MALLORY` and `ｍａｌｌｏｒｙ` share one counter;
- the client IP is ours (`client_ip`, TRUSTED_PROXY_COUNT), never a forgeable header;
- failures count per (username, IP) pair, LOGIN_LIMIT_PER_PAIR, and per IP across usernames,
  LOGIN_LIMIT_PER_IP, each within the last LOGIN_LIMIT_WINDOW seconds. A locked pair cannot
  lock the owner out: the same account still logs in from another address.
"""

import datetime as dt
import unicodedata

import structlog
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .signals import login_locked

logger = structlog.get_logger(__name__)

TOO_MANY_FAILURES = _(
    "Too many failed attempts to log in. Please wait an hour, or reset your password."
)
# AccessAttempt.username's length: longer input is cut, never an error.
USERNAME_MAX_LENGTH = 255


def normalize_username(raw: str) -> str:
    """What the login form authenticates (strip, NFKC), case-folded: one spelling per person."""
    return unicodedata.normalize("NFKC", raw.strip()).casefold()[:USERNAME_MAX_LENGTH]


def normalized_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: from the credentials authenticate() got, else the POSTed form."""
    source = credentials if credentials is not None else request.POST
    raw = source.get(get_user_model().USERNAME_FIELD)
    return normalize_username(raw) if isinstance(raw, str) else None


def pair_limit(request: HttpRequest, credentials: dict | None) -> int:
    """AXES_FAILURE_LIMIT: the pair's limit (the IP's is checked in the handler)."""
    return settings.LOGIN_LIMIT_PER_PAIR


def window(request: HttpRequest | None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: failures older than this no longer count."""
    return dt.timedelta(seconds=settings.LOGIN_LIMIT_WINDOW)


class LoginLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each lockout parameter.

    Axes compares the largest count of all its parameters with one limit; here the pair counts
    against LOGIN_LIMIT_PER_PAIR and the IP against LOGIN_LIMIT_PER_IP.
    """

    def failure_counts(self, request, credentials: dict | None = None) -> tuple[int, int]:
        """Failures in the window: (this username from this IP, this IP for any username)."""
        pair, ip = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return pair, ip

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        pair, ip = self.failure_counts(request, credentials)
        return pair >= settings.LOGIN_LIMIT_PER_PAIR or ip >= settings.LOGIN_LIMIT_PER_IP

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is None:
            return
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        pair, ip = self.failure_counts(request, credentials)
        request.axes_locked_out = self.is_locked(request, credentials)
        request.axes_credentials = credentials
        username = get_client_username(request, credentials)
        # The moment a count reaches its limit, once: not every refused attempt after it.
        reached = [
            (scope, count)
            for scope, count, limit in (
                ("pair", pair, settings.LOGIN_LIMIT_PER_PAIR),
                ("ip", ip, settings.LOGIN_LIMIT_PER_IP),
            )
            if count == limit
        ]
        ip_address = request.axes_ip_address
        for scope, count in reached:
            logger.warning("login_locked", scope=scope, failures=count, client_ip=ip_address)
            login_locked.send(
                sender=type(self),
                scope=scope,
                username=username if scope == "pair" else None,
                ip=ip_address,
                failures=count,
            )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: our login page, 429, whatever the password was.

    An unbound form: the answer is the same for a right and a wrong password.
    """
    username = request.POST.get(get_user_model().USERNAME_FIELD, "")[:USERNAME_MAX_LENGTH]
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "blocked": TOO_MANY_FAILURES, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
