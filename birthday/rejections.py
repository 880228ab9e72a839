"""What a Beatle's name sets off, on every path: one domain signal per submission, counted.

Each rejection counts against the submitting account and the client IP (django-ratelimit, in
the cache RATELIMIT_USE_CACHE names). Up to BIRTHDAY_REJECTION_LIMIT an hour each is signalled;
past it the submission is answered 429 and signals nothing, so one account's storm of refused
names cannot become a storm of alerts.
"""

from dataclasses import dataclass

import structlog
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from core.client_ip import client_ip

from .signals import beatles_name_rejected

logger = structlog.get_logger(__name__)

BEATLES_ERROR = _("We love the Beatles too, but please enter a real name!")
WINDOW = 60 * 60


class RejectionLimitReached(Ratelimited):
    """More than BIRTHDAY_REJECTION_LIMIT rejections this hour: answered 429 (views, admin)."""


@dataclass
class Submission:
    """Who submits a birthday now: the user the signal names, the request the limit counts.

    Forms and the admin attach one to the instance they validate (`Birthday.submission`);
    without a request (a script, the shell) nothing is counted.
    """

    user: object = None
    request: HttpRequest | None = None
    signalled: bool = False

    @classmethod
    def of(cls, request: HttpRequest) -> "Submission":
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, request=request)

    def keys(self) -> dict[str, str]:
        keys = {"ip": client_ip(self.request)}
        if self.user is not None:
            keys["user"] = str(self.user.pk)
        return keys


def _count(submission: Submission) -> int:
    """Count one rejection per key; the highest count this window."""
    counts = [0]
    for name, value in submission.keys().items():
        usage = get_usage(
            submission.request,
            group=f"birthday.rejections.{name}",
            key=lambda group, request, value=value: value,
            rate=(settings.BIRTHDAY_REJECTION_LIMIT, WINDOW),
            increment=True,
        )
        counts.append(usage["count"] if usage else 0)  # None: RATELIMIT_ENABLE is off
    return max(counts)


def reject_beatle(sender: type, first_name: str, last_name: str, submission: Submission) -> None:
    """Signal the rejection once per submission; raise RejectionLimitReached past the limit."""
    if submission.signalled:
        return
    if submission.request is not None:
        count, limit = _count(submission), settings.BIRTHDAY_REJECTION_LIMIT
        if count > limit:
            if count == limit + 1:  # logged once a window, not once a request of the storm
                logger.warning(
                    "beatles_rejection_limit_reached",
                    user_id=getattr(submission.user, "pk", None),
                    limit=limit,
                )
            raise RejectionLimitReached
    submission.signalled = True
    user = submission.user
    logger.info(
        "beatles_name_rejected",
        first_name=first_name,
        last_name=last_name,
        user_id=user.pk if user else None,
    )
    beatles_name_rejected.send(sender=sender, first_name=first_name, last_name=last_name, user=user)
