import datetime as dt

import pytest

from birthday.dates import age_on, days_until_birthday

D = dt.date


@pytest.mark.parametrize(
    ("born", "today", "days"),
    [
        (D(1990, 5, 17), D(2026, 5, 17), 0),  # today
        (D(1990, 5, 18), D(2026, 5, 17), 1),  # tomorrow
        (D(1990, 5, 16), D(2026, 5, 17), 364),  # yesterday: a year less a day
        (D(1990, 5, 16), D(2027, 5, 17), 365),  # yesterday, before a leap day
        (D(2000, 2, 29), D(2026, 2, 28), 1),  # 29 Feb counts to 1 March in a common year
        (D(2000, 2, 29), D(2026, 3, 1), 0),
        (D(2000, 2, 29), D(2028, 2, 28), 1),  # and to 29 Feb in a leap year
        (D(2000, 2, 29), D(2028, 2, 29), 0),
        (D(1990, 1, 1), D(2026, 12, 31), 1),  # 31 Dec → 1 Jan
        (D(1990, 12, 31), D(2026, 1, 1), 364),
    ],
)
def test_days_until_birthday(born, today, days):
    assert days_until_birthday(born, today) == days


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (D(1990, 5, 17), D(2026, 5, 16), 35),
        (D(1990, 5, 17), D(2026, 5, 17), 36),
        (D(2000, 2, 29), D(2026, 2, 28), 25),
        (D(2000, 2, 29), D(2026, 3, 1), 26),
    ],
)
def test_age_uses_the_calendar(born, today, age):
    assert age_on(born, today) == age
