"""The site's user: Django's, with an email that is required and unique ignoring case and
confirmed before a self-made account can sign in, and its reminder preferences
(accounts/preferences.py)."""

from functools import partial

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.masking import mask_email

from .preferences import ReminderPreferences
from .signals import admin_password_changed
from .usernames import LOOKALIKE, check_readable, username_key


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
    # accounts.usernames.username_key(username): unique, so no two names read alike. Empty for
    # accounts that already collided when it was introduced (the older one keeps its key).
    username_skeleton = models.CharField(  # noqa: DJ001  (NULLs do not collide; "" would)
        max_length=600, null=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.UniqueConstraint(
                fields=["username_skeleton"],
                name="accounts_user_username_skeleton_unique",
                violation_error_message=LOOKALIKE,
            ),
        ]

    def clean(self) -> None:
        """Every form that saves a user (sign-up, the admin's) refuses an unreadable name or
        one that reads as a name already taken."""
        super().clean()
        if not self.username:  # the field's own errors are reported already
            return
        try:
            check_readable(self.username)
        except ValidationError as error:
            raise ValidationError({"username": error}) from None
        taken = type(self)._default_manager.filter(username_skeleton=username_key(self.username))
        if taken.exclude(pk=self.pk).exists():
            raise ValidationError({"username": ValidationError(LOOKALIKE, code="lookalike")})

    def save(self, *args, **kwargs) -> None:
        if self._state.adding or self.username_skeleton is not None:
            self.username_skeleton = username_key(self.username)
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
