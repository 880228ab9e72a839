"""System checks: a valid delivery mode, throttle window and send concurrency, and a recipient
for each kind that goes to subscribers (a kind for the user an event names needs none)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError

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
