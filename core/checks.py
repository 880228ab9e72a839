"""System checks for the mailers: a wrong email variable fails `manage.py check`, not a send.

Each mailer configured from the environment is built the way a send would build it; whatever
the backend refuses becomes an Error that names the environment variable to set or fix.
"""

import re
from typing import Any

from anymail.exceptions import AnymailInvalidMailer
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.handler import DEFAULT_MAILER_BACKEND
from django.utils.module_loading import import_string

from .failover import BACKEND_PATH as FAILOVER_BACKEND
from .failover import build_member
from .mail_backends import (
    BACKENDS,
    DJANGO_BACKENDS,
    MAILER_ENV_PREFIXES,
    SMTP_VARIABLES,
    provider_name,
)

# How Anymail names a required option it did not find (AnymailInvalidMailer's message).
_MISSING_OPTION = re.compile(r"OPTIONS must define '(?P<option>\w+)'")


def check_mailers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every mailer set from the environment can be built; `alerts` only when it differs."""
    configured = getattr(settings, "MAILERS", {})
    errors: list[checks.CheckMessage] = []
    for alias, prefix in MAILER_ENV_PREFIXES.items():
        config = configured.get(alias)
        if config is None or (alias != "default" and config == configured.get("default")):
            continue
        if config.get("BACKEND") == FAILOVER_BACKEND:
            errors += _check_failover(alias, prefix, config)
        else:
            errors += _check_mailer(alias, prefix, config)
    return errors


def _check_failover(alias: str, prefix: str, config: dict[str, Any]) -> list[checks.CheckMessage]:
    """Each backend of a failover list is checked as a mailer of its own would be."""
    members = config.get("OPTIONS", {}).get("backends", [])
    names = [member["NAME"] for member in members]
    errors: list[checks.CheckMessage] = []
    if len(set(names)) < len(names):
        errors.append(
            checks.Error(
                f"{prefix}EMAIL_BACKEND lists a backend twice: {','.join(names)}.",
                hint="Name each backend once, in the order they are to be tried.",
                obj=f"MAILERS[{alias!r}]",
                id="project.E007",
            )
        )
    for member in members:
        for error in _check_mailer(alias, prefix, member):
            error.obj = f"MAILERS[{alias!r}] backend {member['NAME']!r}"
            errors.append(error)
    return errors


def _check_mailer(alias: str, prefix: str, config: dict[str, Any]) -> list[checks.CheckMessage]:
    backend = config.get("BACKEND", DEFAULT_MAILER_BACKEND)
    options = config.get("OPTIONS", {})
    if "." not in backend:
        return [
            checks.Error(
                f"{prefix}EMAIL_BACKEND={backend!r} is not an email backend.",
                hint=f"Use one of: {', '.join(sorted(BACKENDS))}; or the dotted path of a "
                "backend class.",
                obj=f"MAILERS[{alias!r}]",
                id="project.E001",
            )
        ]
    if backend == DJANGO_BACKENDS["smtp"] and options.get("use_tls") and options.get("use_ssl"):
        return [
            checks.Error(
                f"{prefix}EMAIL_USE_TLS and {prefix}EMAIL_USE_SSL are both on.",
                hint=f"Turn one off: {prefix}EMAIL_USE_TLS is STARTTLS (usually port 587), "
                f"{prefix}EMAIL_USE_SSL is TLS from the first byte (usually port 465).",
                obj=f"MAILERS[{alias!r}]",
                id="project.E002",
            )
        ]
    if backend == DJANGO_BACKENDS["smtp"] and not options.get("host"):
        return [
            checks.Error(
                f"{prefix}EMAIL_BACKEND='smtp' needs {prefix}EMAIL_HOST.",
                hint=f"Set {prefix}EMAIL_HOST to the SMTP server's name, and "
                f"{prefix}EMAIL_PORT, {prefix}EMAIL_HOST_USER, {prefix}EMAIL_HOST_PASSWORD "
                "as your provider says.",
                obj=f"MAILERS[{alias!r}]",
                id="project.E005",
            )
        ]
    try:
        build_member(config, alias)  # Building the backend runs its own validation of the options.
    except AnymailInvalidMailer as error:
        return _provider_errors(alias, prefix, backend, options, error)
    except (ImproperlyConfigured, ImportError, ValueError, TypeError) as error:
        return [_backend_error(alias, prefix, backend, error)]
    return []


def _provider_errors(
    alias: str,
    prefix: str,
    backend: str,
    options: dict[str, Any],
    error: AnymailInvalidMailer,
) -> list[checks.CheckMessage]:
    """One Error per provider setting Anymail could not find, each naming its variable.

    Anymail stops at the first missing option; building again with a stand-in for each one
    found so far reveals the next, so the operator learns of all of them at once.
    """
    provider = provider_name(backend)
    backend_class = import_string(backend)
    found: dict[str, str] = {}
    while provider and (match := _MISSING_OPTION.search(str(error))):
        if match["option"] in found:  # a stand-in was refused: report the error as it is
            found.clear()
            break
        found[match["option"]] = "stand-in"
        try:
            backend_class(alias=alias, **options, **found)
        except AnymailInvalidMailer as next_error:
            error = next_error
        else:
            break
    if provider is None or not found:
        return [_backend_error(alias, prefix, backend, error)]
    return [_missing_setting(alias, prefix, provider, option) for option in found]


def _missing_setting(alias: str, prefix: str, provider: str, option: str) -> checks.Error:
    setting = f"{provider.upper()}_{option.upper()}"
    if prefix:
        hint = (
            f"Set {prefix}ANYMAIL_{setting} for this mailer only, or ANYMAIL_{setting} "
            "to share it with the other mailers."
        )
    else:
        hint = f"Set ANYMAIL_{setting} to the value from your {provider} account."
    return checks.Error(
        f"{prefix}EMAIL_BACKEND={provider!r} needs ANYMAIL_{setting}.",
        hint=hint,
        obj=f"MAILERS[{alias!r}]",
        id="project.E003",
    )


def _backend_error(alias: str, prefix: str, backend: str, error: Exception) -> checks.Error:
    return checks.Error(
        _without_alias(error),
        hint=_hint(prefix, backend),
        obj=f"MAILERS[{alias!r}]",
        id="project.E004",
    )


def _without_alias(error: Exception) -> str:
    """The backend's message without Django's `MAILERS['alias']: ` lead; `obj` says it."""
    return re.sub(r"^MAILERS\[[^]]*\]: ", "", str(error))


def _hint(prefix: str, backend: str) -> str:
    if backend == DJANGO_BACKENDS["file"]:
        return f"Set {prefix}EMAIL_FILE_PATH to a directory the server can create and write to."
    if backend == DJANGO_BACKENDS["smtp"]:
        variables = ", ".join(prefix + name for name in SMTP_VARIABLES.values())
        return f"Check the SMTP variables: {variables}."
    if provider := provider_name(backend):
        return (
            f"{prefix}ANYMAIL_* variables are options of this mailer's provider: "
            f"{prefix}ANYMAIL_{provider.upper()}_<SETTING>."
        )
    return f"Check {prefix}EMAIL_BACKEND and the variables of that backend."


def check_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Anymail compares ANYMAIL_WEBHOOK_SECRET with a request's basic auth, "user:password":
    without a colon no provider can ever match it, and every tracking event is refused."""
    secret = getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET") or []
    secrets = [secret] if isinstance(secret, str) else secret
    if all(":" in value for value in secrets):
        return []
    return [
        checks.Error(
            "ANYMAIL_WEBHOOK_SECRET must be user:password.",
            hint="Two random strings joined by a colon; give the provider the webhook URL "
            "with them: https://user:password@host/anymail/<provider>/tracking/.",
            id="project.E006",
        )
    ]


def check_webhooks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A configured provider's tracking webhook that Anymail cannot build is not mounted."""
    if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        return []
    from .webhooks import webhook_views  # Anymail's webhook views: a second to import

    return [
        checks.Warning(
            f"The tracking webhook /anymail/{pattern.pattern} is not mounted: {why}",
            hint="Set the variable Anymail names (ANYMAIL_<NAME>), or it answers 404.",
            id="project.W001",
        )
        for pattern, view_class, why in webhook_views()
        if view_class is None
    ]
