"""Django's MAILERS and Anymail's ANYMAIL built from environment variables.

An operator moves from the development file backend to SMTP or any provider Anymail supports by
changing the environment only; a comma-separated list (`postmark,mailgun,smtp`) makes a failover
mailer (core/failover.py) of those backends, each configured by its usual variables. The
`default` mailer (account email) reads `EMAIL_BACKEND`, `EMAIL_HOST`, ...; the `alerts` mailer
reads the same names prefixed `ALERTS_`. While no `ALERTS_` email variable is set, `alerts` is
the `default` mailer.

Nothing here raises for a wrong backend name or a missing credential: the mailer keeps what was
asked for and `core.checks` reports every such mistake at once, naming the variable to fix.
Only a value of the wrong type (`EMAIL_PORT=abc`) stops the settings import, with its name.
"""

import json
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from core.mail_backends import (
    ANYMAIL_PROVIDERS,
    BACKENDS,
    DJANGO_BACKENDS,
    SMTP_VARIABLES,
    backend_path,
    provider_name,
)

SMTP_DEFAULT_TIMEOUT = 10.0
# The backend of a mailer whose EMAIL_BACKEND lists several (core/failover.py).
FAILOVER_BACKEND = "core.failover.EmailBackend"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def build_mailers(
    env: environ.Env, *, file_path: Path, default_backend: str | None = "file"
) -> dict[str, dict[str, Any]]:
    """MAILERS for `default` and `alerts`; `default_backend=None` makes EMAIL_BACKEND required."""
    default = _mailer(env, "", file_path, default_backend)
    if not _sets_alerts_variables(env):
        return {"default": default, "alerts": default}
    alerts = _mailer(env, "ALERTS_", file_path, _raw(env, "EMAIL_BACKEND") or default_backend)
    return {"default": default, "alerts": alerts}


def build_anymail(env: environ.Env) -> dict[str, Any]:
    """ANYMAIL from every `ANYMAIL_<NAME>` variable: ANYMAIL_MAILGUN_API_KEY -> MAILGUN_API_KEY."""
    return {
        name.removeprefix("ANYMAIL_"): _anymail_value(name, _raw(env, name))
        for name in sorted(env.ENVIRON)
        if name.startswith("ANYMAIL_")
    }


def _sets_alerts_variables(env: environ.Env) -> bool:
    return any(
        name.startswith(("ALERTS_EMAIL_", "ALERTS_ANYMAIL_")) and _raw(env, name)
        for name in env.ENVIRON
    )


def _mailer(
    env: environ.Env, prefix: str, file_path: Path, default_backend: str | None
) -> dict[str, Any]:
    """One backend, or a failover list (`postmark,mailgun,smtp`) of them in that order."""
    variable = f"{prefix}EMAIL_BACKEND"
    value = _raw(env, variable) or default_backend
    if value is None:
        raise ImproperlyConfigured(
            f"Set the {variable} environment variable to one of: {', '.join(sorted(BACKENDS))}."
        )
    names = [name.strip() for name in value.split(",") if name.strip()]
    if len(names) == 1:
        return _backend(env, prefix, file_path, names[0], siblings=[])
    members = [
        {"NAME": name, **_backend(env, prefix, file_path, name, siblings=names)} for name in names
    ]
    return {"BACKEND": FAILOVER_BACKEND, "OPTIONS": {"backends": members}}


def _backend(
    env: environ.Env, prefix: str, file_path: Path, name: str, siblings: list[str]
) -> dict[str, Any]:
    """Each backend reads its usual variables; in a list, the other members' are left to them."""
    # An unknown short name is kept as given: the system check names it and lists valid ones.
    path = backend_path(name) or name
    options: dict[str, Any] = {}
    if path == DJANGO_BACKENDS["file"]:
        options["file_path"] = _raw(env, f"{prefix}EMAIL_FILE_PATH") or str(file_path)
    elif path == DJANGO_BACKENDS["smtp"]:
        options = _smtp_options(env, prefix)
    if prefix:
        options |= _provider_options(env, prefix, provider_name(path), siblings)
    return {"BACKEND": path, "OPTIONS": options}


def _smtp_options(env: environ.Env, prefix: str) -> dict[str, Any]:
    def read(option: str, cast: Any = str, default: Any = None) -> Any:
        return _typed(env, prefix + SMTP_VARIABLES[option], cast, default)

    options = {
        "host": read("host"),
        "port": read("port", int),
        "username": read("username"),
        "password": read("password"),
        "use_tls": read("use_tls", _bool, False),
        "use_ssl": read("use_ssl", _bool, False),
        "timeout": read("timeout", float, SMTP_DEFAULT_TIMEOUT),
    }
    # Left out when unset: Django then reports a missing host and picks the port from TLS/SSL.
    return {option: value for option, value in options.items() if value is not None}


def _provider_options(
    env: environ.Env, prefix: str, provider: str | None, siblings: list[str]
) -> dict[str, Any]:
    """This mailer's own Anymail options: ALERTS_ANYMAIL_MAILGUN_API_KEY -> api_key.

    Anymail takes an option from the mailer's OPTIONS before the shared ANYMAIL setting. A name
    that does not fit the mailer's provider stays whole, so the backend rejects it as an unknown
    option and the system check reports it instead of it being silently ignored. In a failover
    list, another member's provider options (and, for a member that is no provider, the options
    an Anymail member of the list takes) belong to that member.
    """
    variable_prefix = f"{prefix}ANYMAIL_"
    own_prefix = f"{provider.upper()}_" if provider else None
    others = [f"{name.upper()}_" for name in siblings if name in ANYMAIL_PROVIDERS]
    others = [other for other in others if other != own_prefix]
    options = {}
    for name in sorted(env.ENVIRON):
        if not name.startswith(variable_prefix) or not (raw := _raw(env, name)):
            continue
        setting = name.removeprefix(variable_prefix)
        if setting.startswith(tuple(others)) or (provider is None and others):
            continue
        if own_prefix and setting.startswith(own_prefix):
            setting = setting.removeprefix(own_prefix)
        options[setting.lower()] = _anymail_value(name, raw)
    return options


def _anymail_value(name: str, raw: str) -> Any:
    """Strings, except `true`/`false`, JSON objects and arrays, and numbers for `*_TIMEOUT`."""
    if raw.lower() in {"true", "false"}:
        return raw.lower() == "true"
    if raw.startswith(("{", "[")):
        try:
            return json.loads(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} is not valid JSON.") from None
    if name.endswith("_TIMEOUT"):
        return _typed_value(name, raw, float)
    return raw


def _raw(env: environ.Env, name: str) -> str:
    """The variable's text as written: no `$OTHER` expansion, so a `$` in a password is kept."""
    return env.ENVIRON.get(name, "")


def _typed(env: environ.Env, name: str, cast: Any, default: Any) -> Any:
    raw = _raw(env, name)
    if raw == "":
        return default
    return _typed_value(name, raw, cast)


def _typed_value(name: str, raw: str, cast: Any) -> Any:
    try:
        return cast(raw)
    except ValueError:
        kind = {int: "a whole number", float: "a number", _bool: "true or false"}.get(cast, cast)
        raise ImproperlyConfigured(f"{name}={raw!r} must be {kind}.") from None


def _bool(raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(raw)
