"""Each account's birthday reminder preferences: on or off, which notices, the hour and time zone.

They live on the user (fields of `ReminderPreferences`, a mixin of `accounts.User`), so every
account has them from its first day, and `birthday` (which decides what is due) and `alerts`
(which sends, and unsubscribes) both read them without either app importing the other.
"""

import datetime as dt
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.IntegerChoices):
    """How many days before the birthday a reminder goes out."""

    ON_THE_DAY = 0, _("On the day")
    ONE_DAY = 1, _("1 day before")
    THREE_DAYS = 3, _("3 days before")
    ONE_WEEK = 7, _("1 week before")


DEFAULT_NOTICES = [Notice.ONE_DAY.value, Notice.ON_THE_DAY.value]
DEFAULT_HOUR = 9
# Time zones people pick from: the areas of the tz database, and UTC. Others (Etc/GMT-12, ...)
# are accepted when typed; the deprecated aliases (Japan, W-SU, ...) are not offered.
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def default_notices() -> list[int]:
    """The notices of a new account: the day before, and on the day."""
    return list(DEFAULT_NOTICES)


@cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


@cache
def offered_time_zones() -> tuple[str, ...]:
    """The searchable list on the Notifications page."""
    return (*sorted(name for name in valid_time_zones() if name.startswith(_AREAS)), "UTC")


class ReminderPreferences(models.Model):
    """Fields of the user model: the defaults hold for every account until it changes them."""

    reminders_enabled = models.BooleanField(_("birthday reminders"), default=True)
    reminder_notices = models.JSONField(
        _("reminder notices"),
        default=default_notices,
        help_text=_("Days before a birthday that a reminder is sent: 0, 1, 3 or 7."),
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("reminder hour"),
        default=DEFAULT_HOUR,
        validators=[MaxValueValidator(23)],
        help_text=_("Local hour, 0-23."),
    )
    # Blank: the site's TIME_ZONE, followed if the operator changes it, until the user picks one.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.time_zone)


def zone_named(name: str) -> dt.tzinfo:
    """The user's time zone; blank or unknown (a tz database update) is the site's."""
    if name not in valid_time_zones():
        name = settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)
