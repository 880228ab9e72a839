"""Signal receivers: thin, they turn a domain event into a payload and record it.

Connected in `AlertsConfig.ready()` with a `dispatch_uid`, so never twice.
"""

from birthday.signals import beatles_name_rejected

from . import kinds
from .recording import record_safely, user_fields


def on_beatles_name_rejected(sender, first_name: str, last_name: str, user=None, **kwargs) -> None:
    payload = {"first_name": first_name, "last_name": last_name, **user_fields(user)}
    record_safely(kinds.BEATLES_NAME_REJECTED.name, payload)


def connect() -> None:
    beatles_name_rejected.connect(
        on_beatles_name_rejected, dispatch_uid="alerts.on_beatles_name_rejected"
    )
