"""Replaying events that failed to record: the `alert_record_failed` lines of a JSON log.

`record_safely` logs the whole event when recording fails (the database was down, ...). Each
such line is recorded again as it was: its kind, its payload, at the time it happened. The line's
identity (time, request id, kind, payload) is hashed into `Alert.replay_key`, unique, so a line
replayed twice, or found in two overlapping log files, records one alert.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from . import kinds
from .models import Alert
from .recording import record_event

EVENT = "alert_record_failed"


@dataclass
class ReplayReport:
    recorded: list[int] = field(default_factory=list)  # new alerts' ids
    already: int = 0  # lines recorded by an earlier replay
    invalid: list[str] = field(default_factory=list)  # "line N: why"


def replay_key(line: dict) -> str:
    identity = {name: line.get(name) for name in ("timestamp", "request_id", "kind", "payload")}
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(lines: Iterable[str]) -> ReplayReport:
    """Record every `alert_record_failed` event of these log lines once; others are ignored."""
    report = ReplayReport()
    for number, text in enumerate(lines, start=1):
        try:
            line = json.loads(text)
        except ValueError:
            continue  # not a JSON log line (a console line, a traceback's continuation)
        if not isinstance(line, dict) or line.get("event") != EVENT:
            continue
        problem = _problem(line)
        if problem:
            report.invalid.append(f"line {number}: {problem}")
            continue
        alert = _record_once(line)
        if alert is None:
            report.already += 1
        else:
            report.recorded.append(alert.pk)
    return report


def _problem(line: dict) -> str | None:
    kind = line.get("kind")
    if kind not in {known.name for known in kinds.all_kinds()}:
        return f"unknown kind {kind!r}"
    if not isinstance(line.get("payload"), dict):
        return "no payload object"
    if _occurred_at(line) is None:
        return "no ISO timestamp"
    return None


def _occurred_at(line: dict) -> dt.datetime | None:
    try:
        moment = parse_datetime(str(line.get("timestamp", "")))
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment


def _record_once(line: dict) -> Alert | None:
    key = replay_key(line)
    if Alert.objects.filter(replay_key=key).exists():
        return None
    try:
        with transaction.atomic():
            alert = record_event(line["kind"], line["payload"], now=_occurred_at(line))
            Alert.objects.filter(pk=alert.pk).update(replay_key=key)
    except IntegrityError:  # a concurrent replay of the same line won
        return None
    return alert
