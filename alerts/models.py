"""Who receives alerts, what happened, and one row per email that goes (or went) out."""

import datetime as dt
import functools
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import kinds


def new_message_id() -> str:
    """A Message-ID at the domain of ALERTS_FROM_EMAIL, kept by its delivery for every attempt."""
    return make_msgid(domain=_domain_of(settings.ALERTS_FROM_EMAIL))


@functools.cache
def _domain_of(address: str) -> str:
    """Parsed once per address: a storm asks for a Message-ID per delivery."""
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


class AlertRecipientQuerySet(models.QuerySet):
    def subscribed_to(self, kind: str) -> "AlertRecipientQuerySet":
        return self.filter(is_active=True, subscriptions__kind=kind)

    def activate(self) -> int:
        return self.update(is_active=True, deactivated_at=None, deactivation_reason="")

    def deactivate(self, reason: str) -> int:
        """Stop sending to these addresses, keeping why and when (a bounce, an admin)."""
        return self.update(
            is_active=False, deactivated_at=timezone.now(), deactivation_reason=reason[:255]
        )


class AlertRecipient(models.Model):
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivation_reason = models.CharField(_("deactivation reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Set for the recipient row of a user (kinds with an EventUser audience, e.g. reminders):
    # its email follows the user's. Admin-managed recipients have none.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alert_recipient",
        verbose_name=_("user"),
    )

    objects = AlertRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="alerts_recipient_email_ci_unique",
                violation_error_message=_("A recipient with this email already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    recipient = models.ForeignKey(
        AlertRecipient, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(_("kind"), max_length=64, choices=kinds.subscription_choices)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind"], name="alerts_subscription_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Alert(models.Model):
    """One domain event, kept whether or not its email went out: the outbox.

    Recording writes this row only; a worker's send pass fans it out into deliveries (one per
    recipient of its kind's audience) and stamps `fanned_out_at`, in one transaction.
    """

    kind = models.CharField(_("kind"), max_length=64, choices=kinds.choices)
    # No index of its own: alerts_alert_time_kind (occurred_at, kind) serves every query on it,
    # and the outbox row is written on the request path, so each index costs every rejection.
    occurred_at = models.DateTimeField(_("occurred at"))
    payload = models.JSONField(_("payload"), default=dict)
    is_test = models.BooleanField(_("test"), default=False)
    fanned_out_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)
    # The request that raised it (its X-Request-ID): the worker's lines about it carry this id.
    request_id = models.CharField(_("request id"), max_length=64, blank=True, editable=False)
    # Only these recipients instead of the kind's audience (the admin's test alert).
    addressed_to = models.ManyToManyField(
        AlertRecipient, blank=True, related_name="+", verbose_name=_("addressed to")
    )
    # Set by `alerts_replay` from the log line it came from: the same line never records twice.
    replay_key = models.CharField(
        _("replayed from log"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="alerts_alert_not_fanned_out",
            ),
            # The dashboard counts events per kind and hour from this index alone.
            models.Index(fields=["occurred_at", "kind"], name="alerts_alert_time_kind"),
        ]

    def __str__(self) -> str:
        moment = timezone.localtime(self.occurred_at)
        return f"{self.get_kind_display()} · {moment:%Y-%m-%d %H:%M:%S}"

    def get_admin_path(self) -> str:
        return reverse("admin:alerts_alert_change", args=[self.pk])


class Delivery(models.Model):
    """One email to one recipient: an alert of its own, or a digest of folded alerts.

    A delivery with an alert is an individual email; without one it is the digest of its
    recipient, kind and window, and the alerts folded into it point at it (status `digested`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        DIGESTED = "digested", _("digested")
        SILENCED = "silenced", _("silenced")

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        AlertRecipient, on_delete=models.PROTECT, related_name="deliveries"
    )
    kind = models.CharField(_("kind"), max_length=64, choices=kinds.choices)
    window_start = models.DateTimeField(_("throttle window"))
    digest = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="folded",
        verbose_name=_("digest"),
    )
    folded_count = models.PositiveIntegerField(_("folded alerts"), default=0)
    # Set on the summary a silence sends its recipient when it ends; held deliveries point at it.
    silence = models.ForeignKey(
        "Silence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="summaries",
        verbose_name=_("silence"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    provider_message_id = models.CharField(
        _("provider message id"), max_length=255, blank=True, db_index=True
    )
    # The email backend that took it: with a failover mailer, which member of the list.
    backend = models.CharField(_("sent by"), max_length=64, blank=True)
    # Set by the provider's tracking webhook when the recipient's server accepted the message.
    confirmed_at = models.DateTimeField(_("delivery confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="alerts_delivery_due"),
            models.Index(
                fields=["recipient", "kind", "window_start"], name="alerts_delivery_window"
            ),
            # The dashboard's aggregates read these indexes instead of the table's wide rows.
            models.Index(fields=["status", "created_at"], name="alerts_delivery_status_time"),
            models.Index(fields=["status", "sent_at", "alert"], name="alerts_delivery_sent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "window_start"],
                condition=models.Q(alert__isnull=True, silence__isnull=True),
                name="alerts_one_digest_per_window",
            ),
            # However many workers fan out at once, a recipient gets one summary per silence.
            models.UniqueConstraint(
                fields=["silence", "recipient"],
                condition=models.Q(alert__isnull=True),
                name="alerts_one_summary_per_silence",
            ),
        ]

    def __str__(self) -> str:
        if self.is_summary:
            what = _("silence summary")
        else:
            what = _("digest") if self.is_digest else self.get_kind_display()
        return f"{what} → {self.recipient}"

    @property
    def is_digest(self) -> bool:
        """An email of folded alerts: a throttle window's digest or a silence's summary."""
        return self.alert_id is None

    @property
    def is_summary(self) -> bool:
        return self.alert_id is None and self.silence_id is not None

    def get_admin_path(self) -> str:
        return reverse("admin:alerts_delivery_change", args=[self.pk])


class SilenceQuerySet(models.QuerySet):
    def active(self, at: dt.datetime | None = None) -> "SilenceQuerySet":
        """Silences that hold at this moment (now by default)."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "SilenceQuerySet":
        """Silences that hold at some moment from `start` to `end`, both included."""
        return self.filter(starts_at__lte=end, ends_at__gt=start)

    def covering(self, recipient_id: int, kind: str, at: dt.datetime) -> "SilenceQuerySet":
        """The silences that keep this recipient's email of this kind at that moment."""
        return self.active(at).filter(
            models.Q(recipient__isnull=True, kind=kind)
            | models.Q(recipient_id=recipient_id, kind__in=["", kind])
        )


class Silence(models.Model):
    """A pause of email: one kind for everyone, or one recipient (every kind, or one kind).

    Events are still recorded while it holds; their deliveries are `silenced` and, when it ends,
    each recipient it held something for gets one summary email. Ending it early moves `ends_at`
    to the moment it was ended; `ended_at` is set once, by whoever ends it first.
    """

    kind = models.CharField(
        _("kind"),
        max_length=64,
        choices=kinds.choices,
        blank=True,
        help_text=_("Empty: every kind (only for one recipient)."),
    )
    recipient = models.ForeignKey(
        AlertRecipient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="silences",
        verbose_name=_("recipient"),
        help_text=_("Empty: every recipient of the kind."),
    )
    starts_at = models.DateTimeField(
        _("starts at"), default=timezone.now, help_text=_("Now, or a later moment.")
    )
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended early by"),
        editable=False,
    )

    objects = SilenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("silence")
        verbose_name_plural = _("silences")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="alerts_silence_span")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="") | models.Q(recipient__isnull=False),
                name="alerts_silence_has_a_target",
                violation_error_message=_("Choose a kind, a recipient, or both."),
            ),
            models.CheckConstraint(
                # Equal only when ended before it began (an empty span that holds nothing).
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="alerts_silence_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.starts_at:%Y-%m-%d %H:%M} → {self.ends_at:%Y-%m-%d %H:%M}"

    @property
    def target(self) -> str:
        kind = self.get_kind_display() if self.kind else _("every kind")
        who = self.recipient.email if self.recipient_id else _("everyone")
        return f"{kind} · {who}"

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at

    def clean(self) -> None:
        """Refuse a silence that is over already, ends before it starts or lasts too long."""
        super().clean()
        if self.ends_at is None or self.starts_at is None:
            return
        now = timezone.now()
        if self._state.adding and self.starts_at < now:
            self.starts_at = now  # "from now": the form's initial value is already past
        errors = {}
        if self.ends_at <= now:
            errors["ends_at"] = _("The end is in the past.")
        elif self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        elif self.ends_at > now + dt.timedelta(days=settings.ALERTS_SILENCE_MAX_DAYS):
            errors["ends_at"] = ngettext_lazy(
                "A silence ends at most %(days)d day from now.",
                "A silence ends at most %(days)d days from now.",
                "days",
            ) % {"days": settings.ALERTS_SILENCE_MAX_DAYS}
        if errors:
            raise ValidationError(errors)

    def get_admin_path(self) -> str:
        return reverse("admin:alerts_silence_change", args=[self.pk])


class Unsubscription(models.Model):
    """A recipient left a kind through the unsubscribe link of its email (alerts/unsubscribe.py)."""

    class Method(models.TextChoices):
        ONE_CLICK = "one_click", _("one click in the mail program (RFC 8058)")
        PAGE = "page", _("the link in the email, confirmed on the page")

    recipient = models.ForeignKey(
        AlertRecipient, on_delete=models.CASCADE, related_name="unsubscriptions"
    )
    kind = models.CharField(_("kind"), max_length=64, choices=kinds.choices)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    unsubscribed_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        ordering = ["-unsubscribed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unsubscribed_at:%Y-%m-%d %H:%M}"


class ReminderKey(models.Model):
    """One birthday reminder sent: the idempotency key of a user, birthday, date and notice.

    The unique constraint is what makes a reminder go once, whatever the number of passes,
    workers or restarts: a second insert of the same key fails, and its alert is not recorded.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    birthday = models.ForeignKey("birthday.Birthday", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    notice = models.PositiveSmallIntegerField(_("days before"))
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reminder_keys")

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "birthday", "date", "notice"], name="alerts_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.birthday_id} · {self.date} · {self.notice}"
