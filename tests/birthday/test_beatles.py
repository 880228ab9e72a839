import pytest

from birthday.beatles import is_beatle, normalize_name


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
        ("Ｒｉｎｇｏ", "Ｓｔａｒｒ"),  # full-width letters fold under NFKC
        ("John", "Lennon"),
        ("paul", "mccartney"),
        ("George", "HARRISON"),
        ("Ringo", "Starr"),
    ],
)
def test_beatles_variants_are_recognized(first_name, last_name):
    assert is_beatle(first_name, last_name)


def test_yo_and_ye_are_the_same_letter():
    assert normalize_name("Пётр Ёлкин") == normalize_name("петр елкин")


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Ринго", ""),
        ("Ринго", "Старров"),
        ("Иван", "Старр"),
        ("RingoStarr", ""),
        ("John", "Lenin"),
        ("", ""),
    ],
)
def test_other_names_pass(first_name, last_name):
    assert not is_beatle(first_name, last_name)
