"""Usernames people can tell apart: no invisible letters, no confusable mix of scripts, and no
name that reads as one already taken.

"Reads as" is Unicode's TR39 skeleton (core.text.skeleton, over Unicode's confusables.txt) of the
case-folded name: `аdmin` with a Cyrillic а, `ADMIN`, `ａｄｍｉｎ` and `admin` share one. Scripts
come from Unicode's Scripts.txt through confusable-homoglyphs. A name may use one script, or the
combinations TR39 calls highly restrictive (Latin with Han and Hiragana/Katakana, Hangul or
Bopomofo); digits, punctuation and combining marks go with any.
"""

import unicodedata

from confusable_homoglyphs import categories
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import skeleton, visible

SHARED = {"COMMON", "INHERITED"}
ALLOWED_MIXES = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "HANGUL"},
    {"LATIN", "HAN", "BOPOMOFO"},
)

INVISIBLE = _("A username cannot contain invisible or blank characters.")
MIXED = _("A username cannot mix letters of different alphabets (such as Latin and Cyrillic).")
LOOKALIKE = _("This username looks the same as one already taken. Please choose another.")


def username_key(username: str) -> str:
    """What a reader sees in the name: one key for every spelling that looks the same."""
    return skeleton(unicodedata.normalize("NFKC", visible(username)).casefold())


def scripts(username: str) -> set[str]:
    return {categories.alias(char) for char in username} - SHARED


def check_readable(username: str) -> None:
    """Raise ValidationError for a name with invisible characters or a confusable script mix."""
    if visible(username) != username or not username.strip():
        raise ValidationError(INVISIBLE, code="invisible")
    used = scripts(username)
    if len(used) > 1 and not any(used <= mix for mix in ALLOWED_MIXES):
        raise ValidationError(MIXED, code="mixed_scripts")
