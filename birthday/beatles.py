"""Who counts as a Beatle: the four names of the tutorial, in Russian and English.

Names are compared after NFKC normalization, case folding, ё → е and collapsing of spaces,
so "  ринго   СТАРР " and "Ringo Starr" are caught as well as "Ринго Старр".
"""

import unicodedata

_BEATLES = (
    "Джон Леннон",
    "Пол Маккартни",
    "Джордж Харрисон",
    "Ринго Старр",
    "John Lennon",
    "Paul McCartney",
    "George Harrison",
    "Ringo Starr",
)


def normalize_name(name: str) -> str:
    """Fold a full name to the form in which spellings that look the same compare equal."""
    folded = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    return " ".join(folded.split())


BEATLES = frozenset(normalize_name(name) for name in _BEATLES)


def is_beatle(first_name: str, last_name: str) -> bool:
    return normalize_name(f"{first_name} {last_name}") in BEATLES
