"""One-click unsubscribe (RFC 8058): the signed link every alert email carries, and what it does.

The link names a recipient and a kind, signed with SECRET_KEY: the token is the only credential
(no login, no cookie, no CSRF token, since mail programs POST it on their own). It does not expire:
an old email must still unsubscribe. Following it turns off that kind for that recipient:
- a kind for the user the event names (birthday reminders): the user's own preference, the one
  the Notifications page shows, goes off;
- a kind for admin-managed recipients: that recipient's subscription to the kind is removed.
Either way an `Unsubscription` keeps when and how, for the admin.
"""

import structlog
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse

from core.emails import site_link

from . import kinds
from .models import AlertRecipient, Unsubscription

logger = structlog.get_logger(__name__)

_SALT = "alerts.unsubscribe"
# The user preference that a user-audience kind's unsubscribe turns off.
USER_PREFERENCE = {kinds.BIRTHDAY_REMINDER.name: "reminders_enabled"}


class InvalidLink(Exception):
    """A forged, damaged or outdated (recipient or kind gone) unsubscribe link."""


def token(recipient_id: int, kind: str) -> str:
    return signing.dumps([recipient_id, kind], salt=_SALT)


def link(recipient_id: int, kind: str) -> str:
    """The absolute unsubscribe URL, for the List-Unsubscribe header and the email's footer."""
    return site_link(reverse("alerts:unsubscribe", args=[token(recipient_id, kind)]))


def link_for_kind(recipient_id: int, kind: str) -> str | None:
    """The link, or None for an email of no single kind (a silence's summary of every kind)."""
    try:
        kinds.get(kind)
    except KeyError:
        return None
    return link(recipient_id, kind)


class OneLine(str):
    """A header value written on one line (RFC 5322 allows 998 characters).

    Python's email package folds a long value without spaces into RFC 2047 encoded words, and a
    List-Unsubscribe so encoded is ignored by Gmail and others: this value folds as itself.
    """

    def __new__(cls, name: str, value: str) -> "OneLine":
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"

    def __reduce__(self) -> tuple:  # copied and pickled whole (the test outbox deep-copies)
        return OneLine, (self.name, str(self))


def headers(url: str | None) -> dict[str, str]:
    """RFC 2369 and RFC 8058: the mail program's own "Unsubscribe" button, one click."""
    if url is None:
        return {}
    return {
        "List-Unsubscribe": OneLine("List-Unsubscribe", f"<{url}>"),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def resolve(value: str) -> tuple[AlertRecipient, kinds.Kind]:
    """The recipient and kind a token names; InvalidLink when forged, damaged or outdated."""
    try:
        recipient_id, kind_name = signing.loads(value, salt=_SALT)
        kind = kinds.get(kind_name)
        recipient = AlertRecipient.objects.select_related("user").get(pk=recipient_id)
    except (signing.BadSignature, ValueError, TypeError, KeyError, AlertRecipient.DoesNotExist):
        raise InvalidLink from None
    return recipient, kind


def is_subscribed(recipient: AlertRecipient, kind: kinds.Kind) -> bool:
    field = USER_PREFERENCE.get(kind.name)
    if field is not None:
        return recipient.user is not None and getattr(recipient.user, field)
    return recipient.subscriptions.filter(kind=kind.name).exists()


def unsubscribe(recipient: AlertRecipient, kind: kinds.Kind, method: str) -> bool:
    """Stop `kind` for `recipient`; whether anything changed (a second click changes nothing)."""
    with transaction.atomic():
        field = USER_PREFERENCE.get(kind.name)
        if field is not None:
            users = get_user_model()._default_manager.filter(pk=recipient.user_id, **{field: True})
            changed = users.update(**{field: False}) > 0
        else:
            changed = recipient.subscriptions.filter(kind=kind.name).delete()[0] > 0
        if changed:
            Unsubscription.objects.create(recipient=recipient, kind=kind.name, method=method)
    if changed:
        logger.info("alert_unsubscribed", recipient_id=recipient.pk, kind=kind.name, method=method)
    return changed
