"""Signal receivers: thin, they turn a domain event into a payload and record it, and hand a
provider's tracking event (Anymail) to `tracking`. accounts' security events become the kind
"security": their arguments are already safe to store (masked addresses, the IP, counts).

Connected in `AlertsConfig.ready()` with a `dispatch_uid`, so never twice.
"""

import structlog
from anymail.signals import AnymailTrackingEvent, tracking

from accounts.signals import admin_password_changed, ip_limit_passed, login_locked
from birthday.signals import beatles_name_rejected, birthday_reminders_due

from . import kinds
from .recording import record_safely, user_fields
from .reminders import record_reminders
from .tracking import handle_tracking_event

logger = structlog.get_logger(__name__)


def on_beatles_name_rejected(sender, first_name: str, last_name: str, user=None, **kwargs) -> None:
    payload = {"first_name": first_name, "last_name": last_name, **user_fields(user)}
    record_safely(kinds.BEATLES_NAME_REJECTED.name, payload)


def on_birthday_reminders_due(sender, user, reminders: list, now, **kwargs) -> None:
    """The reminders due for one user in this pass: one email with those not yet sent."""
    try:
        record_reminders(user, reminders, now=now)
    except Exception:
        payload = {**user_fields(user), "reminders": [r.as_json() for r in reminders]}
        logger.exception("alert_record_failed", kind=kinds.BIRTHDAY_REMINDER.name, payload=payload)


def on_login_locked(
    sender, scope: str, username: str | None, ip: str, failures: int, **kwargs
) -> None:
    payload = {
        "event": "login_locked",
        "scope": scope,
        "username": username,
        "ip": ip,
        "failures": failures,
    }
    record_safely(kinds.SECURITY.name, payload)


def on_ip_limit_passed(sender, limit: str, ip: str, count: int, allowed: int, **kwargs) -> None:
    payload = {"event": "ip_limit_passed", "limit": limit, "ip": ip, "count": count}
    record_safely(kinds.SECURITY.name, {**payload, "allowed": allowed})


def on_admin_password_changed(sender, user_id: int, username: str, email: str, **kwargs) -> None:
    payload = {"event": "admin_password_changed", "user_id": user_id, "username": username}
    record_safely(kinds.SECURITY.name, {**payload, "email": email})


def on_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """A provider's webhook (Anymail): delivered, bounced, complained... about alert email."""
    handle_tracking_event(event)


def connect() -> None:
    beatles_name_rejected.connect(
        on_beatles_name_rejected, dispatch_uid="alerts.on_beatles_name_rejected"
    )
    birthday_reminders_due.connect(
        on_birthday_reminders_due, dispatch_uid="alerts.on_birthday_reminders_due"
    )
    tracking.connect(on_tracking_event, dispatch_uid="alerts.on_tracking_event")
    login_locked.connect(on_login_locked, dispatch_uid="alerts.on_login_locked")
    ip_limit_passed.connect(on_ip_limit_passed, dispatch_uid="alerts.on_ip_limit_passed")
    admin_password_changed.connect(
        on_admin_password_changed, dispatch_uid="alerts.on_admin_password_changed"
    )
