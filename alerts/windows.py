"""The throttle window: fixed, epoch-aligned spans of ALERTS_THROTTLE_WINDOW seconds.

At the bottom of the pipeline because both sides need it: the fan-out decides in which window an
event counts, the digest names the window it covers.
"""

import datetime as dt

from django.conf import settings


def window_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The fixed throttle window, aligned to the epoch, that holds this moment."""
    seconds = settings.ALERTS_THROTTLE_WINDOW
    start = int(moment.timestamp()) // seconds * seconds
    start_at = dt.datetime.fromtimestamp(start, tz=dt.UTC)
    return start_at, start_at + dt.timedelta(seconds=seconds)
