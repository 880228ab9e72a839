"""The registry of alert kinds: each kind says everything about itself in one registration.

A kind is a name, a label for the admin, a template folder `alerts/<name>/` (subject.txt,
body.txt, body.html, and digest_item.txt / digest_item.html: its line in a digest and in the
admin's list), its audience, a sample payload (the admin's test alert, previews) and whether it is
throttled into digests. Adding a kind means one `register(...)`, one template folder and one
receiver; nothing shared reads a kind's payload.

An audience is declared here and resolved by `fanout` when the worker turns an alert into
deliveries:
- `SUBSCRIBERS`: the recipients admins manage in the admin, active and subscribed to the kind;
- `EventUser("user_id")`: the user whose id the payload holds under that key, through their own
  recipient row (created on first use, its address kept equal to the user's).
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Subscribers:
    """The admin-managed recipients subscribed to the kind."""


@dataclass(frozen=True)
class EventUser:
    """The user the event names: `payload[field]` is that user's primary key."""

    field: str


SUBSCRIBERS = Subscribers()
Audience = Subscribers | EventUser


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    audience: Audience = SUBSCRIBERS
    sample_payload: dict = field(default_factory=dict, hash=False)
    # Over ALERTS_THROTTLE individual emails per recipient and window, fold into a digest.
    throttled: bool = True

    @property
    def template_dir(self) -> str:
        return f"alerts/{self.name}"

    @property
    def digest_item_templates(self) -> tuple[str, str]:
        """One event's line (text, HTML): in a digest, and as the alert's summary in the admin."""
        return f"{self.template_dir}/digest_item.txt", f"{self.template_dir}/digest_item.html"


_registry: dict[str, Kind] = {}


def register(
    name: str,
    label: str | Promise,
    *,
    audience: Audience = SUBSCRIBERS,
    sample_payload: dict | None = None,
    throttled: bool = True,
) -> Kind:
    kind = Kind(name, label, audience, dict(sample_payload or {}), throttled)
    _registry[name] = kind
    return kind


def unregister(name: str) -> None:
    """For kinds registered by tests only."""
    _registry.pop(name, None)


def get(name: str) -> Kind:
    return _registry[name]


def all_kinds() -> list[Kind]:
    return list(_registry.values())


def choices() -> list[tuple[str, str | Promise]]:
    """Model field choices, as a callable so that a new kind needs no migration."""
    return [(kind.name, kind.label) for kind in _registry.values()]


def subscription_choices() -> list[tuple[str, str | Promise]]:
    """The kinds a recipient can subscribe to: those sent to subscribers, not to a named user."""
    return [(kind.name, kind.label) for kind in _registry.values() if kind.audience == SUBSCRIBERS]


BEATLES_NAME_REJECTED = register(
    "beatles_name_rejected",
    _("Beatles name rejected"),
    sample_payload={"first_name": "Ринго", "last_name": "Старр"},
)
# The reminders of one user and pass (alerts/reminders.py): one email each, never folded.
BIRTHDAY_REMINDER = register(
    "birthday_reminder",
    _("Birthday reminder"),
    audience=EventUser("user_id"),
    throttled=False,
    sample_payload={
        "user_id": None,
        "username": "demo",
        "reminders": [
            {
                "birthday_id": 1,
                "first_name": "Анна",
                "last_name": "Ахматова",
                "born": "1889-06-23",
                "date": "2026-06-23",
                "days_left": 1,
                "age": 137,
            }
        ],
    },
)

# accounts' security events (accounts/signals.py), one kind: `payload["event"]` says which.
# A brute-force storm is throttled into one digest like any kind.
SECURITY = register(
    "security",
    _("Security event"),
    sample_payload={
        "event": "login_locked",
        "scope": "pair",
        "username": "admin",
        "ip": "203.0.113.66",
        "failures": 10,
    },
)
