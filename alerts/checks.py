"""System checks: a valid delivery mode, throttle window and send concurrency, and a recipient
for each kind that goes to subscribers (a kind for the user an event names needs none)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError

from core.failover import longest_send

from . import kinds
from .models import AlertRecipient

DELIVERY_MODES = ("queue", "inline")


def check_delivery_setting(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.ALERTS_DELIVERY in DELIVERY_MODES:
        return []
    return [
        Error(
            f"ALERTS_DELIVERY is {settings.ALERTS_DELIVERY!r}.",
            hint=f"Use one of {', '.join(DELIVERY_MODES)}.",
            id="alerts.E001",
        )
    ]


def check_throttle_window(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.ALERTS_THROTTLE_WINDOW > 0:
        return []
    return [
        Error(
            f"ALERTS_THROTTLE_WINDOW is {settings.ALERTS_THROTTLE_WINDOW}.",
            hint="A window of seconds (default 600); ALERTS_THROTTLE=0 turns throttling off.",
            id="alerts.E002",
        )
    ]


def check_send_concurrency(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.ALERTS_SEND_CONCURRENCY >= 1:
        return []
    return [
        Error(
            f"ALERTS_SEND_CONCURRENCY is {settings.ALERTS_SEND_CONCURRENCY}.",
            hint="Connections a worker sends over at once: 1 or more (default 8).",
            id="alerts.E004",
        )
    ]


def check_claim_timeout(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse settings under which a live worker's claim could expire mid-send (sent twice).

    The lease is renewed every third of ALERTS_CLAIM_TIMEOUT, between messages (delivery.Lease):
    the longest gap between renewals is that third plus one message, which can wait on its
    servers up to their timeouts (every backend of a failover list in turn). Asking for twice
    that message keeps the gap under five sixths of the lease. The batch size plays no part.
    """
    mailer = getattr(settings, "MAILERS", {}).get("alerts")
    if mailer is None:
        return []
    worst = longest_send(mailer)
    timeout = settings.ALERTS_CLAIM_TIMEOUT
    if worst is None or timeout >= 2 * worst:  # None: a backend whose timeout is unknown
        return []
    return [
        Error(
            f"ALERTS_CLAIM_TIMEOUT={timeout} s is too short: one alert email may wait up to "
            f"{worst:g} s on the mail servers, and a claim must outlive twice that, or a slow "
            "but live worker's alerts are sent twice.",
            hint=f"Raise ALERTS_CLAIM_TIMEOUT to at least {2 * worst:g}, or lower the alerts "
            "mailer's timeouts (EMAIL_TIMEOUT / ALERTS_EMAIL_TIMEOUT for SMTP, "
            "ANYMAIL_REQUESTS_TIMEOUT / ALERTS_ANYMAIL_REQUESTS_TIMEOUT for a provider).",
            id="alerts.E003",
        )
    ]


def check_recipients(app_configs=None, databases=None, **kwargs) -> list[CheckMessage]:
    """A database check (`check --database default`, `migrate`): it queries the recipients."""
    if not databases:
        return []
    messages = []
    for kind in kinds.all_kinds():
        if kind.audience != kinds.SUBSCRIBERS:
            continue
        try:
            covered = AlertRecipient.objects.subscribed_to(kind.name).exists()
        except DatabaseError:
            return []  # Not migrated yet.
        if not covered:
            messages.append(
                Warning(
                    f"No active recipient receives {kind.name!r} alerts.",
                    hint="Such events are still recorded; add a recipient in the admin.",
                    id="alerts.W001",
                )
            )
    return messages
