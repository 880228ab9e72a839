"""Server-drawn bar charts: the geometry of an inline SVG, so no chart library reaches a browser.

The template draws what `hourly_chart` measures; the same numbers are given as text (the SVG's
title and description, and a table) for screen readers and for anyone who prefers numbers.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 36, 10, 28  # margins for the axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    title: str


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1): a readable axis top."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def hourly_chart(hours: list[tuple[dt.datetime, int, int]], label_every: int) -> dict:
    """Two bars per hour (events, emails sent), y ticks, and an x label every `label_every` h."""
    top = nice_ceiling(max((max(e, s) for _, e, s in hours), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(hours), 1)
    bar_w = max(slot * 0.45, 0.5)
    events, sent, x_ticks = [], [], []
    for index, (start, n_events, n_sent) in enumerate(hours):
        local = timezone.localtime(start)
        when = date_format(local, "SHORT_DATETIME_FORMAT")
        x = LEFT + index * slot
        for series, value, offset in ((events, n_events, 0.0), (sent, n_sent, bar_w)):
            height = plot_h * value / top
            series.append(Bar(x + offset, TOP + plot_h - height, bar_w, height, value, when))
        if local.hour % label_every == 0:
            text = date_format(local, "H:i" if label_every < 24 else "j E")
            x_ticks.append(Tick(x, text))
    y_ticks = [Tick(TOP + plot_h * (1 - part), f"{top * part:g}") for part in (0, 0.5, 1)]
    return {
        "events_bars": bars_svg(events, "events", "%(count)d event", "%(count)d events"),
        "sent_bars": bars_svg(sent, "sent", "%(count)d email sent", "%(count)d emails sent"),
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_h,
        "label_y": HEIGHT - 8,
        "events": events,
        "sent": sent,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "events_total": sum(e for _, e, _ in hours),
        "sent_total": sum(s for _, _, s in hours),
        "rows": hours,
    }


def daily_rows(hours: list[tuple[dt.datetime, int, int]]) -> list[tuple[dt.date, int, int]]:
    """The hourly figures summed per local day: a short table for a week's chart."""
    days: dict[dt.date, list[int]] = {}
    for start, n_events, n_sent in hours:
        totals = days.setdefault(timezone.localtime(start).date(), [0, 0])
        totals[0] += n_events
        totals[1] += n_sent
    return [(day, e, s) for day, (e, s) in days.items()]


def bars_svg(bars: list[Bar], css_class: str, singular: str, plural: str) -> SafeString:
    """The <rect>s of one series, each with its figure as a tooltip (a <title>), in plain SVG.

    Built here rather than in a template loop: a week is 168 bars, and the numbers must never
    be localised (a decimal comma is not SVG).
    """
    return format_html_join(
        "",
        '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                css_class,
                f"{bar.x:.2f}",
                f"{bar.y:.2f}",
                f"{bar.width:.2f}",
                f"{bar.height:.2f}",
                bar.title,
                ngettext(singular, plural, bar.value) % {"count": bar.value},
            )
            for bar in bars
            if bar.value
        ),
    )
