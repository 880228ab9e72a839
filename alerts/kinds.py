"""The registry of alert kinds.

A kind is a name, a label for the admin and a template folder `alerts/<name>/`. Adding a kind
means registering it here, adding its templates and one receiver in `receivers.py`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise

    @property
    def template_dir(self) -> str:
        return f"alerts/{self.name}"


_registry: dict[str, Kind] = {}


def register(name: str, label: str | Promise) -> Kind:
    kind = Kind(name, label)
    _registry[name] = kind
    return kind


def get(name: str) -> Kind:
    return _registry[name]


def all_kinds() -> list[Kind]:
    return list(_registry.values())


def choices() -> list[tuple[str, str | Promise]]:
    """Model field choices, as a callable so that a new kind needs no migration."""
    return [(kind.name, kind.label) for kind in _registry.values()]


BEATLES_NAME_REJECTED = register("beatles_name_rejected", _("Beatles name rejected"))
BIRTHDAY_REMINDER = register("birthday_reminder", _("Birthday reminder"))
