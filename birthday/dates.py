"""Calendar arithmetic for birthdays: ages in whole years and days until the next birthday."""

import datetime as dt


def anniversary(born: dt.date, year: int) -> dt.date:
    """The birthday in `year`; 29 February falls on 1 March in a common year."""
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February that is missing)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def days_until_birthday(born: dt.date, today: dt.date) -> int:
    """Days from `today` to the next birthday: 0 when it is today."""
    upcoming = anniversary(born, today.year)
    if upcoming < today:
        upcoming = anniversary(born, today.year + 1)
    return (upcoming - today).days


def age_on(born: dt.date, today: dt.date) -> int:
    """Whole years lived by `today`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
