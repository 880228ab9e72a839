"""Validation of a birthday date: not in the future, not more than a lifetime ago."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import years_before

MAX_AGE_YEARS = 120


def validate_birthday(value: dt.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("A birthday cannot be in the future."), code="future")
    if value < years_before(today, MAX_AGE_YEARS):
        raise ValidationError(
            _("A birthday cannot be more than %(years)d years ago."),
            code="too_old",
            params={"years": MAX_AGE_YEARS},
        )
