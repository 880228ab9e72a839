"""Text as people see it: `visible` drops what cannot be seen, `skeleton` folds look-alikes.

Shared by every app that compares or stores names (birthday's Beatles rule, accounts' usernames).
`skeleton` is Unicode's TR39 skeleton over Unicode's own confusables.txt (data/, see its header):
two strings with the same skeleton look the same to a reader. No PyPI library computes it (the
README says why this file is vendored).
"""

import unicodedata
from collections.abc import Callable
from pathlib import Path

# Letters that render as blank space; people read them as a separator, so they become a space.
BLANKS = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800}

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside the Cf category: the combining
# grapheme joiner, Hangul and Khmer fillers, Mongolian and variation selectors, reserved ranges.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE_CODES = frozenset(
    code for low, high in _IGNORABLE_RANGES for code in range(low, high + 1)
)
_KEPT_CONTROLS = {ord("\t"), ord("\n"), ord("\r")}


def _is_invisible(code: int) -> bool:
    category = unicodedata.category(chr(code))
    return (
        category == "Cf"
        or (category == "Cc" and code not in _KEPT_CONTROLS)
        or code in _IGNORABLE_CODES
    )


class CharTable(dict):
    """A str.translate table that learns each character once, from `rule(code) -> str | None`
    (None drops the character). Bounded: past LIMIT characters, answers are not kept."""

    LIMIT = 50_000

    def __init__(self, rule: Callable[[int], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, code: int) -> str | None:
        value = self.rule(code)
        if len(self) < self.LIMIT:
            self[code] = value
        return value


def _seen(code: int) -> str | None:
    if code in BLANKS:
        return " "
    return None if _is_invisible(code) else chr(code)


_INVISIBLE = CharTable(_seen)
# What TR39 removes (Default_Ignorable_Code_Point, the Hangul fillers among them), and the rest of
# what `visible` drops.
_IGNORABLE = CharTable(lambda code: None if code in BLANKS or _is_invisible(code) else chr(code))


def visible(text: str) -> str:
    """The text without invisible and format characters (zero-width, joiners, BOM, soft hyphen,
    direction marks, variation selectors, controls), blank-looking letters as spaces, NFC."""
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def _confusables(path: Path) -> dict[int, str]:
    """source code point -> prototype, from the `source ; target ; MA` lines of confusables.txt."""
    table = {}
    with path.open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) >= 2:
                target = "".join(chr(int(code, 16)) for code in fields[1].split())
                table[int(fields[0], 16)] = target
    return table


PROTOTYPES = _confusables(Path(__file__).with_name("data") / "confusables.txt")


def skeleton(text: str) -> str:
    """TR39 skeleton(X): NFD, drop ignorables, map each character to its prototype, NFD again.

    Case-sensitive like TR39 (Latin "H" and Cyrillic "Н" share one, "h" and "н" do not); callers
    that ignore case decide how (see birthday.beatles).
    """
    decomposed = unicodedata.normalize("NFD", text).translate(_IGNORABLE)
    return unicodedata.normalize("NFD", decomposed.translate(PROTOTYPES))
