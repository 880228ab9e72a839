"""The registry of emails the admin can preview (/admin/alerts/previews/).

Each app registers the emails it sends with one line in its AppConfig.ready():

    previews.register("accounts.password_reset", _("Password reset"), build=..., group=...)

`build(language)` returns the email as it would go out, rendered in that language from sample
data (never a real user's), addressed to nobody in particular; the page shows its subject, text
and HTML and can send it to the signed-in admin through `mailer`, the mailer the real one uses.
Living in core, it lets accounts (which never imports alerts) register its emails too.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.utils.functional import Promise

SAMPLE_ADDRESS = "preview@example.com"


@dataclass(frozen=True)
class Preview:
    key: str
    label: str | Promise
    group: str | Promise
    build: Callable[[str], EmailMultiAlternatives]
    mailer: str = "default"


_registry: dict[str, Preview] = {}


def register(
    key: str,
    label: str | Promise,
    *,
    build: Callable[[str], EmailMultiAlternatives],
    group: str | Promise,
    mailer: str = "default",
) -> Preview:
    preview = Preview(key, label, group, build, mailer)
    _registry[key] = preview
    return preview


def get(key: str) -> Preview:
    return _registry[key]


def all_previews() -> list[Preview]:
    return list(_registry.values())
