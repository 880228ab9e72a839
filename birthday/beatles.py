"""Who counts as a Beatle: a name that reads as one of the four, in Russian or English.

The rule compares what a reader sees, not code points:
- invisible and format characters go (core.text.visible), compatibility forms fold (full-width
  letters), accents and other combining marks go (ё reads as е, Ста́рр as Старр);
- spaces, hyphens, dots, commas, any punctuation or symbol between or inside the names do not count,
  nor does their absence ("РингоСтарр"), nor which field holds what, nor the order ("Леннон Джон");
- each letter matches any character with the same TR39 skeleton (core.text.skeleton) in either
  case: Latin "P" for Cyrillic "Р", "0" for "О", "rn" for "m", Latin "H" where the name has "Н".

Per letter, the characters that look like it are gathered once, at import, into one compiled
pattern; a check is then a few string operations and a regex match (see `bench.beatles`).
"""

import re
import unicodedata
from collections import defaultdict

from core.text import PROTOTYPES, CharTable, skeleton, visible

BEATLES = (
    ("Джон", "Леннон"),
    ("Пол", "Маккартни"),
    ("Джордж", "Харрисон"),
    ("Ринго", "Старр"),
    ("John", "Lennon"),
    ("Paul", "McCartney"),
    ("George", "Harrison"),
    ("Ringo", "Starr"),
)


# Letters and digits as a reader tells them; modifier letters (Lm: "ʼ", the Katakana "ー") are not.
_LETTERS = {"Lu", "Ll", "Lt", "Lo", "Nd", "Nl", "No"}


def _read(char: str) -> bool:
    return unicodedata.category(char) in _LETTERS


# Where a character's look says otherwise than its category: "|" and the Hebrew paseq read as "l".
_READ = {chr(code): any(map(_read, prototype)) for code, prototype in PROTOTYPES.items()}


def _reading(code: int) -> str:
    """What a reader reads in one character: "" or its letters."""
    char = chr(code)
    # Compatibility forms (full-width "Ｒ", math "𝐑") fold, unless Unicode says how they look.
    folded = char if char in _READ else unicodedata.normalize("NFKD", char)
    return "".join(part for part in folded if _READ.get(part, _read(part)))


_READING = CharTable(_reading)


def letters(text: str) -> str:
    """What a reader reads in `text`: its letters and digits, without marks, separators, symbols."""
    return unicodedata.normalize("NFD", visible(text)).translate(_READING)


def _looks(char: str) -> set[str]:
    """How a character may look in any case: the skeletons of it, its lower and its upper case."""
    return {letters(skeleton(variant)) for variant in (char, char.lower(), char.upper())}


def _alike(names: str) -> dict[str, set[str]]:
    """skeleton -> the characters that show it in some case, for the looks of `names`' letters.

    Only characters that may look like one of those letters are examined: the sources Unicode
    maps to such a look, the look itself, and the characters whose other case is one of them.
    """
    looks = set().union(*map(_looks, names))
    looks |= {part for look in looks for part in look}  # the parts of "rn"
    by_prototype = defaultdict(set)
    for code, prototype in PROTOTYPES.items():
        by_prototype[letters(prototype)].add(chr(code))
    chars = set(names).union(*(by_prototype[look] | set(look) for look in looks))
    chars |= {variant for char in chars for variant in (char.lower(), char.upper())}
    chars |= {  # "µ", "ſ": whose other case is one of them
        chr(code) for code in PROTOTYPES if {chr(code).lower(), chr(code).upper()} & chars
    }
    alike = defaultdict(set)
    for char in chars:
        if len(char) == 1 and letters(char) == char:
            for look in _looks(char):
                alike[look].add(char)
    return alike


def _one_of(chars: set[str]) -> str:
    return "[" + "".join(map(re.escape, sorted(chars))) + "]"


def _letter_pattern(letter: str, alike: dict[str, set[str]]) -> str:
    looks = _looks(letter)
    options = [_one_of({letter}.union(*(alike[look] for look in looks)))]
    # "m" looks like "rn": then each part may be anything that looks like that part.
    options += [
        "".join(_one_of(alike[part] | {part}) for part in look) for look in looks if len(look) > 1
    ]
    return "(?:" + "|".join(options) + ")"


def _pattern() -> re.Pattern[str]:
    alike = _alike(letters("".join(first + last for first, last in BEATLES)))
    names = []
    for first, last in BEATLES:
        for order in (first + last, last + first):
            names.append("".join(_letter_pattern(letter, alike) for letter in letters(order)))
    return re.compile("|".join(names))


_BEATLE = _pattern()


def is_beatle(first_name: str, last_name: str) -> bool:
    """Whether the two fields, together or either alone, read as a Beatle's full name."""
    first, last = letters(first_name), letters(last_name)
    return any(_BEATLE.fullmatch(text) for text in (first + last, first, last) if text)
