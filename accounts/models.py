"""The site's user: Django's, with an email that is required and unique ignoring case and
confirmed before a self-made account can sign in, and its reminder preferences
(accounts/preferences.py)."""

from functools import partial

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.masking import mask_email

from .preferences import ReminderPreferences
from .signals import admin_password_changed


class User(ReminderPreferences, AbstractUser):
    email = models.EmailField(_("email address"))
    # False only for an account made by the sign-up form, until its link is followed (or a reset
    # link proves the address): accounts made by createsuperuser, the admin or the demo data
    # are confirmed.
    email_confirmed = models.BooleanField(
        _("email address confirmed"),
        default=True,
        help_text=_(
            "An account made by signing up can log in once its owner confirms the address."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        # set_password() keeps the new raw password in _password until the save.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed and self.is_staff:
            transaction.on_commit(
                partial(
                    admin_password_changed.send,
                    sender=type(self),
                    user_id=self.pk,
                    username=self.get_username(),
                    email=mask_email(self.email),
                ),
                robust=True,
            )
