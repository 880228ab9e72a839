"""Who receives alerts, what happened, and one row per email that goes (or went) out."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds


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
    kind = models.CharField(_("kind"), max_length=64, choices=kinds.choices)

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
    """One domain event, kept whether or not its email went out."""

    kind = models.CharField(_("kind"), max_length=64, choices=kinds.choices)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    is_test = models.BooleanField(_("test"), default=False)
    # Set by `alerts_replay` from the log line it came from: the same line never records twice.
    replay_key = models.CharField(
        _("replayed from log"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M:%S}"

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
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "window_start"],
                condition=models.Q(alert__isnull=True),
                name="alerts_one_digest_per_window",
            ),
        ]

    def __str__(self) -> str:
        what = _("digest") if self.is_digest else self.get_kind_display()
        return f"{what} → {self.recipient}"

    @property
    def is_digest(self) -> bool:
        return self.alert_id is None

    def get_admin_path(self) -> str:
        return reverse("admin:alerts_delivery_change", args=[self.pk])
