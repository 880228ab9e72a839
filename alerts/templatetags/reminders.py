"""The birthday reminder email's items: its payload (JSON) made ready for the templates."""

from django import template
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext, ngettext

from core.emails import site_link

register = template.Library()


@register.simple_tag
def reminder_items(payload: dict) -> list[dict]:
    """Each reminder with its date as a date, its link from SITE_URL, and "tomorrow", "turns 30"."""
    return [_item(reminder) for reminder in payload.get("reminders", [])]


@register.simple_tag
def notifications_link() -> str:
    """The Notifications page, where the user chooses when (and whether) to be reminded."""
    return site_link(reverse("notifications"))


def _item(reminder: dict) -> dict:
    days, age = reminder["days_left"], reminder["age"]
    if days == 0:
        when = gettext("today")
    elif days == 1:
        when = gettext("tomorrow")
    else:
        when = ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    return {
        "name": f"{reminder['first_name']} {reminder['last_name']}".strip(),
        "date": parse_date(reminder["date"]),
        "days_left": days,
        "when": when,
        "turns": ngettext("turns %(age)d", "turns %(age)d", age) % {"age": age},
        "link": site_link(reverse("birthday:detail", args=[reminder["birthday_id"]])),
    }
