"""The email backends an operator can name, and the environment variables behind each mailer.

Read by the settings while they load (settings/mailers.py builds MAILERS from the environment) and
by the system checks (core/checks.py), which name the variable to fix. Plain data: importing it
needs no configured Django.
"""

import pkgutil

import anymail.backends

DJANGO_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
# Modules of anymail.backends that are no provider: shared bases, Anymail's own test and console
# backends, and `sendinblue`, the deprecated old name of `brevo`.
_NOT_PROVIDERS = {"base", "base_requests", "console", "test", "sendinblue"}
# Each provider's short name is its module name, which is also the prefix of its Anymail settings
# (`mailgun` -> MAILGUN_API_KEY, `amazon_ses` -> AMAZON_SES_CLIENT_PARAMS).
ANYMAIL_PROVIDERS = {
    module.name: f"anymail.backends.{module.name}.EmailBackend"
    for module in pkgutil.iter_modules(anymail.backends.__path__)
    if module.name not in _NOT_PROVIDERS
}
BACKENDS = DJANGO_BACKENDS | ANYMAIL_PROVIDERS

# The variable prefix of each mailer configured from the environment.
MAILER_ENV_PREFIXES = {"default": "", "alerts": "ALERTS_"}

# The SMTP backend's options and the variables (after the mailer's prefix) that set them.
SMTP_VARIABLES = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "use_ssl": "EMAIL_USE_SSL",
    "timeout": "EMAIL_TIMEOUT",
}


def backend_path(name: str) -> str | None:
    """The dotted path for a short name or a dotted path; None for an unknown short name."""
    if "." in name:
        return name
    return BACKENDS.get(name)


def provider_name(path: str) -> str | None:
    """The Anymail provider (`mailgun`, ...) a backend path belongs to, if any."""
    for name, provider_path in ANYMAIL_PROVIDERS.items():
        if path == provider_path:
            return name
    return None
