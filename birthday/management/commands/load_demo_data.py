"""Demo data for a development machine: two logins and a few birthdays. Safe to run twice.

One of the demo user's birthdays is always tomorrow, so that `make run` (which runs
`send_reminders --now`) puts a reminder into sent_emails/ straight away.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from birthday.models import Birthday, Tag

DEMO_USER = ("demo", "demo@acme.not", "demo-birthday-2026")
DEMO_ADMIN = ("admin", "admin@acme.not", "admin-birthday-2026")
TAGS = ["друзья", "семья", "работа"]
BIRTHDAYS = [
    ("Анна", "Ахматова", dt.date(1889, 6, 23), ["друзья"]),
    ("Александр", "Пушкин", dt.date(1907, 6, 6), ["друзья", "семья"]),
    ("Лев", "Толстой", dt.date(1928, 9, 9), ["семья"]),
    ("Марина", "Цветаева", dt.date(1992, 10, 8), ["работа"]),
    ("Ада", "Лавлейс", dt.date(2000, 2, 29), ["работа", "друзья"]),
]
# Moved to tomorrow on every run; born in a leap year, so that 29 February works too.
TOMORROW = ("Сергей", "Есенин", 1896, ["друзья"])


class Command(BaseCommand):
    help = "Create the demo user, a development admin and a few birthdays (development only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DEBUG is off).")
        with transaction.atomic():
            demo = self._user(*DEMO_USER)
            self._user(*DEMO_ADMIN, is_staff=True, is_superuser=True)
            tags = {name: Tag.objects.get_or_create(tag=name)[0] for name in TAGS}
            for first_name, last_name, born, tag_names in BIRTHDAYS:
                birthday, _ = Birthday.objects.get_or_create(
                    first_name=first_name,
                    last_name=last_name,
                    birthday=born,
                    defaults={"author": demo},
                )
                birthday.tags.add(*(tags[name] for name in tag_names))
            first_name, last_name, year, tag_names = TOMORROW
            tomorrow = timezone.localdate() + dt.timedelta(days=1)
            birthday, _ = Birthday.objects.update_or_create(
                first_name=first_name,
                last_name=last_name,
                author=demo,
                defaults={"birthday": tomorrow.replace(year=year)},
            )
            birthday.tags.add(*(tags[name] for name in tag_names))
        self.stdout.write(
            f"Demo logins: {DEMO_USER[0]} / {DEMO_USER[2]} (user), "
            f"{DEMO_ADMIN[0]} / {DEMO_ADMIN[2]} (admin at /admin/)"
        )

    def _user(self, username: str, email: str, password: str, **flags: bool):
        """Made with its password in one INSERT: a new account is no staff password change."""
        user, _ = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": email, "password": make_password(password), **flags},
        )
        return user
