"""core.text: what people see (visible) and what looks alike (TR39 skeleton)."""

import unicodedata

import pytest

from core.text import skeleton, visible


@pytest.mark.parametrize(
    "hidden",
    [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
        "\ufe0f",  # variation selector 16
        "\U000e0100",  # variation selector 17
        "\U000e0041",  # tag latin capital letter a
        "\u180e",  # Mongolian vowel separator
        "\x00",
        "\x1b",
    ],
)
def test_visible_drops_what_cannot_be_seen(hidden):
    assert visible(f"Ри{hidden}нго") == "Ринго"


@pytest.mark.parametrize("blank", ["\u3164", "\u2800", "\u115f", "\u1160", "\uffa0"])
def test_blank_looking_letters_become_a_space(blank):
    assert visible(f"Ринго{blank}Старр") == "Ринго Старр"


def test_visible_keeps_line_breaks_and_tabs_of_a_text():
    assert visible("С днём\r\nрождения!\tУра") == "С днём\r\nрождения!\tУра"


def test_visible_composes_accents_nfc():
    decomposed = "Пе\u0308тр Jose\u0301"
    assert visible(decomposed) == "Пётр José"
    assert unicodedata.is_normalized("NFC", visible(decomposed))


def test_visible_keeps_ordinary_text_as_it_is():
    text = "Анна-Мария O'Neil, 李小龙 🎂"
    assert visible(text) == text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pингo", "Ринго"),  # Latin P and o inside Cyrillic
        ("Jоhn", "John"),  # Cyrillic о inside Latin
        ("Ringο", "Ringo"),  # Greek omicron
        ("paypal", "раураl"),  # the classic IDN homograph
        ("rn", "m"),  # TR39 maps m to rn
        ("НОС", "HOC"),  # upper-case Cyrillic and Latin
        ("I", "l"),
        ("Ri\u200bngo", "Ringo"),  # TR39 ignores default-ignorable characters
    ],
)
def test_look_alikes_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("Ringo", "Ringa"), ("нос", "hoc"), ("Иван", "Ivan")])
def test_different_looking_text_has_different_skeletons(a, b):
    assert skeleton(a) != skeleton(b)


def test_skeleton_is_idempotent_on_the_prototypes():
    assert skeleton(skeleton("Pингo Cтapp")) == skeleton("Pингo Cтapp")
