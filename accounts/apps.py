from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import checks as account_checks

        checks.register(account_checks.check_limits_cache, checks.Tags.security, checks.Tags.caches)
        checks.register(account_checks.check_login_limits, checks.Tags.security)

        from . import emails

        emails.register_previews()
