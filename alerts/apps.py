from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from . import checks as alert_checks
        from . import health, metrics, previews, receivers

        receivers.connect()
        checks.register(alert_checks.check_delivery_setting, "alerts")
        checks.register(alert_checks.check_throttle_window, "alerts")
        checks.register(alert_checks.check_claim_timeout, "alerts")
        checks.register(alert_checks.check_send_concurrency, "alerts")
        checks.register(alert_checks.check_recipients, checks.Tags.database)
        health.register()
        metrics.register()
        previews.register()
