"""Attendance records: who was in a venue during a window, and for how many minutes.

The rule Virbela's attendance APIs document, kept here so every edge applies it
the same way:

* A window is `start` and `stop`, both inclusive (ISO 8601; a bare date `stop`
  covers that whole day). It may span at most `MAX_WINDOW_DAYS` days; `stop`
  before `start` is refused.
* A session is in the window when it overlaps it:
  `start <= left_at AND stop >= joined_at` (the core's `overlaps` rule, with the
  stop instant included). Only closed sessions count: one still open (no
  `left_at`) has no record yet.
* Attendance minutes are the whole stay (`left_at - joined_at`), not clipped to
  the window; talk minutes are the session's talk time. Both are rounded half up
  to two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from turnout.core.errors import InvalidParameter
from turnout.core.fields import Field
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.resources.sessions import SESSIONS
from turnout.core.windows import Window, resolve_window

MAX_WINDOW_DAYS = 90
_CENT = Decimal("0.01")
_MICROSECONDS_PER_MINUTE = Decimal(60_000_000)
_SECONDS_PER_MINUTE = Decimal(60)


def attendance_window(
    start: str | None,
    stop: str | None,
    *,
    tz: ZoneInfo,
    now: datetime,
    start_field: str = "start",
    stop_field: str = "stop",
    max_days: int | None = MAX_WINDOW_DAYS,
) -> Window:
    """`[start, stop]` as a half-open UTC window; both required, at most `max_days`."""
    for text, name in ((start, start_field), (stop, stop_field)):
        if text is None or not text.strip():
            raise InvalidParameter.for_field(
                name, "required", f"{name} is required (an ISO 8601 date-time)"
            )
    window = resolve_window(
        start=start, end=stop, tz=tz, now=now, start_field=start_field, end_field=stop_field
    )
    assert window.start is not None and window.end is not None
    if max_days is not None:
        limit = timedelta(days=max_days, microseconds=1)
        if window.end - window.start > limit:
            raise InvalidParameter.for_field(
                stop_field,
                "max_window",
                f"the window from {start_field} to {stop_field} must be {max_days} days "
                "or less; split a longer period into several requests",
            )
    return window


def overlapping_sessions(
    *,
    workspace_id: int,
    venue_id: int,
    window: Window,
    fields: Sequence[Field],
    limit: int | None = None,
    offset: int | None = None,
    now: datetime,
) -> Query:
    """Closed sessions in `venue_id` overlapping `window`, earliest join first."""
    return Query(
        resource=SESSIONS,
        workspace_id=workspace_id,
        tz=window.tz,
        filters=(
            FieldFilter(SESSIONS.field("venue_id"), OPERATORS["eq"], (venue_id,)),
            FieldFilter(SESSIONS.field("left_at"), OPERATORS["null"], (False,)),
        ),
        window=window,
        overlaps=True,
        sort=(("joined_at", False), ("id", False)),
        fields=tuple(fields),
        limit=limit,
        offset=offset,
        now=now,
    )


def stay_minutes(joined_at: datetime, left_at: datetime) -> Decimal:
    """Whole minutes and hundredths between joining and leaving."""
    micro = (left_at - joined_at) // timedelta(microseconds=1)
    return (Decimal(max(micro, 0)) / _MICROSECONDS_PER_MINUTE).quantize(_CENT, ROUND_HALF_UP)


def talk_minutes(talk_seconds: int | None) -> Decimal:
    return (Decimal(talk_seconds or 0) / _SECONDS_PER_MINUTE).quantize(_CENT, ROUND_HALF_UP)


__all__ = [
    "MAX_WINDOW_DAYS",
    "attendance_window",
    "overlapping_sessions",
    "stay_minutes",
    "talk_minutes",
]
