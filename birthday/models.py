"""People whose birthdays users keep, their tags, and the congratulations left for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import VisibleCharField, VisibleTextField

from .beatles import is_beatle
from .photos import PhotoField
from .rejections import BEATLES_ERROR, Submission, reject_beatle
from .validators import (
    IMAGE_EXTENSIONS,
    validate_birthday,
    validate_image_format,
    validate_image_size,
)


class Tag(models.Model):
    tag = VisibleCharField(_("tag"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["tag"]

    def __str__(self) -> str:
        return self.tag


class Birthday(models.Model):
    first_name = VisibleCharField(_("first name"), max_length=20)
    last_name = VisibleCharField(_("last name"), max_length=20, blank=True, help_text=_("Optional"))
    birthday = models.DateField(_("date of birth"), validators=[validate_birthday])
    image = PhotoField(
        _("photo"),
        upload_to="birthdays_images",
        blank=True,
        validators=[
            FileExtensionValidator(IMAGE_EXTENSIONS),
            validate_image_size,
            validate_image_format,
        ],
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="birthdays")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="birthdays",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("birthday")
        verbose_name_plural = _("birthdays")
        ordering = ["-created_at", "-id"]
        # The list page reads the newest first: an index keeps that a range scan at any size.
        indexes = [models.Index(fields=["-created_at", "-id"], name="birthday_newest_first")]
        constraints = [
            models.UniqueConstraint(
                fields=["first_name", "last_name", "birthday"],
                name="birthday_unique_person",
                violation_error_message=_(
                    "This person is already on the list with this date of birth."
                ),
            ),
        ]

    # Who submits this birthday now (not stored); see birthday.rejections.
    submission: Submission | None = None

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("birthday:detail", args=[self.pk])

    def clean(self) -> None:
        """The Beatles rule, on every path that validates: site form, admin, full_clean()."""
        if is_beatle(self.first_name, self.last_name):
            self.submission = self.submission or Submission()
            reject_beatle(type(self), self.first_name, self.last_name, self.submission)
            raise ValidationError(BEATLES_ERROR, code="beatles")


class Congratulation(models.Model):
    text = VisibleTextField(_("congratulation"), max_length=2000)
    birthday = models.ForeignKey(
        Birthday,
        verbose_name=_("birthday"),
        on_delete=models.CASCADE,
        related_name="congratulations",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("congratulation")
        verbose_name_plural = _("congratulations")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ReminderPass(models.Model):
    """One reminder pass (birthday/reminders.py): the scheduler's claim on its hour, and its count.

    `hour` is unique: the first scheduled pass of an hour inserts it, any other finds it taken
    and does nothing, however many schedulers and workers run. `manage.py send_reminders`
    leaves it empty (an operator's pass runs whenever asked).
    """

    hour = models.DateTimeField(_("hour claimed"), unique=True, null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    users = models.PositiveIntegerField(_("accounts reminded"), default=0)
    reminders = models.PositiveIntegerField(_("reminders"), default=0)

    class Meta:
        verbose_name = _("reminder pass")
        verbose_name_plural = _("reminder passes")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
