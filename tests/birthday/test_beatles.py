"""The Beatles rule: every spelling a person reads as a Beatle is caught, near names pass."""

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from birthday.beatles import BEATLES, is_beatle
from core.text import PROTOTYPES, skeleton


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Ринго", "Старр"),
        ("ринго", "старр"),
        ("РИНГО", "СТАРР"),
        ("  Ринго ", "  Старр  "),
        ("Ринго\u00a0", "Старр"),  # non-breaking space
        ("Ринго Старр", ""),  # whole name in the first field
        ("Джон", "Леннон"),
        ("Пол", "МакКартни"),
        ("Джордж", "Харрисон"),
        ("Ｒｉｎｇｏ", "Ｓｔａｒｒ"),  # full-width letters
        ("John", "Lennon"),
        ("paul", "mccartney"),
        ("George", "HARRISON"),
        ("Ringo", "Starr"),
        ("Ринго\r\n", "\u2028Старр"),  # line breaks
        # invisible characters inside a name
        ("Рин\u200bго", "Старр"),  # zero-width space
        ("Ринго", "Ст\u200cа\u200dрр"),  # zero-width non-joiner and joiner
        ("Джо\u2060н", "Леннон"),  # word joiner
        ("\ufeffДжон", "Леннон\ufeff"),  # byte order mark
        ("Ринго", "Ста\u00adрр"),  # soft hyphen
        ("\u200fРинго\u200e", "\u202eСтарр"),  # direction marks and override
        ("Ринго\ufe0f", "Ста\u034fрр"),  # variation selector, combining grapheme joiner
        ("Ринго\u3164Старр", ""),  # Hangul filler as the space
        ("Ринго\u2800Старр", ""),  # Braille blank as the space
        ("Ринго", "Ста\u0301рр"),  # combining acute accent
        ("Джо\u0308н", "Лённон"),  # diaeresis, ё
        # look-alike letters of another script
        ("Pингo", "Cтapp"),  # Latin inside Cyrillic
        ("Jоhn", "Lеnnon"),  # Cyrillic inside Latin
        ("Ringο", "Starr"),  # Greek omicron
        ("R\u0131ngo", "Starr"),  # Turkish dotless i
        ("R\u0130NGO", "STARR"),  # Turkish capital I with dot
        ("PИHro", "CTapp"),  # upper-case and lower-case look-alikes mixed
        ("Paul", "rnccartney"),  # rn reads as m
        ("J0HN", "LENN0N"),  # digit zero
        ("Pau|", "McCartney"),  # vertical bar as l
        # order, fields and separators
        ("Леннон", "Джон"),  # surname first
        ("Старр", "Ринго"),
        ("", "Ринго Старр"),  # both names in the last-name field
        ("Вася", "Ринго Старр"),  # the last-name field alone
        ("РингоСтарр", ""),  # joined
        ("Ринго-Старр", ""),
        ("Ринго.Старр", ""),
        ("Ринго, Старр", ""),
        ("Ринго - . , Старр", ""),
        ("Ринго—Старр", ""),  # em dash
        ("Рин", "го Старр"),  # split inside a name across the fields
        ("Ринго Ст", "арр"),
        ("Харрисон,", "Джордж"),
    ],
)
def test_beatles_as_people_see_them_are_caught(first_name, last_name):
    assert is_beatle(first_name, last_name)


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Ринго", "Стар"),
        ("Пол", "Саймон"),
        ("Джон", "Смит"),
        ("Ричард", "Старки"),  # Ringo's own name
        ("Ринго", ""),  # a first name alone
        ("Джон", ""),
        ("Пол", ""),
        ("Джордж", ""),
        ("John", ""),
        ("Ринго", "Старров"),
        ("Иван", "Старр"),
        ("John", "Lenin"),
        ("Paul", "McCartneys"),
        ("Георгий", "Харрисон"),
        ("", ""),
    ],
)
def test_real_names_near_a_beatle_pass(first_name, last_name):
    assert not is_beatle(first_name, last_name)


# Fuzzing draws every letter from what Unicode's confusables list says looks like it.
LOOK_ALIKES = defaultdict(set)
for code in PROTOTYPES:
    LOOK_ALIKES[skeleton(chr(code))].add(chr(code))

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
INVISIBLE += ["\u202a", "\u202c", "\u2066", "\u2069", "\ufe0f", "\ufe00", "\u034f", "\u180e"]
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0306", "\u0304", "\u0303"]
SEPARATORS = " \u00a0\u2009\u3000\u3164\u2800-\u2010\u2013\u2014.,\t\n"


def look_alike(letter: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted({letter} | LOOK_ALIKES[skeleton(letter)]))


@st.composite
def spelled(draw, name: str) -> str:
    """The name as an attacker types it: look-alikes in either case, hidden characters, accents."""
    typed = []
    for letter in name:
        cased = draw(st.sampled_from([letter.lower(), letter.upper()]))
        typed.append(draw(look_alike(cased)))
        typed.append(draw(st.sampled_from(["", "", *ACCENTS])))
        typed.append(draw(st.sampled_from(["", "", "", *INVISIBLE])))
    return "".join(typed)


@st.composite
def beatle_as_typed(draw) -> tuple[str, str]:
    first, last = draw(st.sampled_from(BEATLES))
    names = [draw(spelled(first)), draw(spelled(last))]
    if draw(st.booleans()):
        names.reverse()
    full = names[0] + draw(st.text(alphabet=SEPARATORS, max_size=3)) + names[1]
    cut = draw(st.integers(0, len(full)))
    return full[:cut], full[cut:]


@pytest.mark.slow  # 500 examples: seconds
@settings(max_examples=500, deadline=None)
@given(beatle_as_typed())
def test_no_spelling_that_reads_as_a_beatle_passes(fields):
    assert is_beatle(*fields)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BEATLES).flatmap(lambda names: spelled(names[0])))
def test_a_beatles_first_name_alone_passes_however_spelled(first_name):
    assert not is_beatle(first_name, "")


@settings(max_examples=500, deadline=None)
@given(st.text(), st.text())
def test_any_text_is_answered(first_name, last_name):
    assert is_beatle(first_name, last_name) in (True, False)
