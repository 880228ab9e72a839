"""Signed, single-use links that confirm a sign-up's address.

The token is the user's id and a digest of their address and password hash, signed with a
timestamp (django.core.signing, SECRET_KEY and its fallbacks). It expires after
ACCOUNT_CONFIRMATION_TIMEOUT seconds, and once the account is confirmed (or its address or
password changes) it no longer matches: a link works once.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "accounts.confirmation"


def _state(user: AbstractBaseUser) -> str:
    return salted_hmac(
        SALT, f"{user.pk}|{user.email}|{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def make_token(user: AbstractBaseUser) -> str:
    return signing.dumps([user.pk, _state(user)], salt=SALT)


def user_for_token(token: str) -> AbstractBaseUser | None:
    """The unconfirmed account the token was made for, or None (bad, expired or used)."""
    try:
        pk, state = signing.loads(token, salt=SALT, max_age=settings.ACCOUNT_CONFIRMATION_TIMEOUT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = (
        get_user_model()
        ._default_manager.filter(pk=pk, is_active=True, email_confirmed=False)
        .first()
    )
    if user is None or not constant_time_compare(state, _state(user)):
        return None
    return user
