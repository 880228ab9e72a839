from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BirthdayConfig(AppConfig):
    name = "birthday"
    verbose_name = _("Birthdays")
