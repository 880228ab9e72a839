"""Driving the alerts pipeline step by step, as the worker does."""

from alerts.fanout import fan_out
from alerts.models import Alert
from alerts.recording import record_event


def record(kind: str, payload: dict, **options) -> Alert:
    """Record an event and fan it out (the start of the worker's send pass), sending nothing."""
    alert = record_event(kind, payload, **options)
    fan_out()
    return alert
