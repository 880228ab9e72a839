"""The site's user: Django's, with an email that is required and unique ignoring case, and its
reminder preferences (accounts/preferences.py)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .preferences import ReminderPreferences


class User(ReminderPreferences, AbstractUser):
    email = models.EmailField(_("email address"))

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
        ]
