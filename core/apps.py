"""Shared runtime code of the project: templated email, the client IP, error pages, request
logging context, /healthz and the project-wide system checks. It imports no other app of ours."""

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Birthday core"

    def ready(self) -> None:
        from .checks import check_mailers, check_webhook_secret, check_webhooks
        from .task_logs import TaskLogContext

        checks.register(check_mailers, "mail")
        checks.register(check_webhook_secret, "mail")
        checks.register(check_webhooks, "mail")
        # Kept on the config: signals hold their receivers weakly.
        self.task_log_context = TaskLogContext()
        self.task_log_context.connect_signals()
