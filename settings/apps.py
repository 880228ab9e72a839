"""The project itself as an app, so that project-wide system checks have a place to register."""

from django.apps import AppConfig
from django.core import checks


class ProjectConfig(AppConfig):
    name = "settings"
    label = "project"
    verbose_name = "Birthday project"

    def ready(self) -> None:
        from settings.checks import check_mailers, check_webhook_secret

        checks.register(check_mailers, "mail")
        checks.register(check_webhook_secret, "mail")
