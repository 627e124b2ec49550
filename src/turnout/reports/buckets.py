"""Time buckets in the request's zone, and the plan that splits them into rollup and raw pieces.

A bucket is a half-open UTC span ``[a, b)`` whose ends are local period starts in the
request zone (local midnights for days, Monday midnights for weeks, the 1st for
months, local hour starts for hours), clipped to the window. Across DST a day is 23
or 25 hours and the repeated local hour is two buckets, told apart by their offset.

Rollups hold whole UTC hours. For each bucket the plan takes the whole UTC hours
inside it from the rollup and only the slivers at its edges (a window that starts
mid-hour, zones offset by 30 or 45 minutes) from raw rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from turnout.core.windows import local_midnight

Granularity = Literal["hour", "day", "week", "month"]
GRANULARITIES: tuple[Granularity, ...] = ("hour", "day", "week", "month")

HOUR = timedelta(hours=1)
_QUARTER = timedelta(minutes=15)
MAX_HOUR_WINDOW = timedelta(days=366)
MAX_BUCKETS = 10_000
# Past this many separate raw slivers a plan reads the whole window raw instead.
MAX_RAW_RANGES = 64


def floor_hour(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def ceil_hour(t: datetime) -> datetime:
    floored = floor_hour(t)
    return floored if floored == t else floored + HOUR


def _hour_starts(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    # Every zone in use today is offset from UTC by whole quarter hours, so local
    # hour starts lie on the UTC quarter-hour grid.
    t = start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)
    found = []
    while t < end:
        if t > start:
            local = t.astimezone(tz)
            if local.minute == 0 and local.second == 0:
                found.append(t)
        t += _QUARTER
    return found


def _period_starts(
    start: datetime, end: datetime, tz: ZoneInfo, granularity: str
) -> list[datetime]:
    first = start.astimezone(tz).date()
    day: date
    step: relativedelta | timedelta
    if granularity == "day":
        day, step = first, timedelta(days=1)
    elif granularity == "week":
        day, step = first - timedelta(days=first.weekday()), timedelta(days=7)
    else:
        day, step = first.replace(day=1), relativedelta(months=1)
    found: list[datetime] = []
    while True:
        day = day + step
        instant = local_midnight(day, tz)
        if instant >= end:
            return found
        if instant > start:
            found.append(instant)


def bucket_bounds(
    start: datetime, end: datetime, tz: ZoneInfo, granularity: Granularity | None
) -> list[datetime]:
    """``[start, b1, b2, ..., end]``: bucket i is ``[bounds[i], bounds[i + 1])``."""
    if granularity is None:
        inner: list[datetime] = []
    elif granularity == "hour":
        inner = _hour_starts(start, end, tz)
    else:
        inner = _period_starts(start, end, tz, granularity)
    return [start, *inner, end]


def period_label(instant: datetime, tz: ZoneInfo, granularity: Granularity) -> str:
    """The local period that contains ``instant``: 2024-03-31T02:00:00+02:00, 2024-03-31,
    2024-03-25 (the Monday), 2024-03."""
    local = instant.astimezone(tz)
    if granularity == "hour":
        return local.replace(minute=0, second=0, microsecond=0).isoformat()
    if granularity == "day":
        return local.date().isoformat()
    if granularity == "week":
        return (local.date() - timedelta(days=local.weekday())).isoformat()
    return f"{local.year:04d}-{local.month:02d}"


@dataclass(frozen=True, slots=True)
class Piece:
    start: datetime
    end: datetime
    rollup: bool


@dataclass(frozen=True)
class Plan:
    bounds: Sequence[datetime]
    pieces: Sequence[Sequence[Piece]]
    """Per bucket, its pieces in time order."""
    raw_ranges: Sequence[tuple[datetime, datetime]]
    rollup_ranges: Sequence[tuple[datetime, datetime]]

    @property
    def uses_rollups(self) -> bool:
        return bool(self.rollup_ranges)

    def bucket_of(self, instant: datetime) -> int | None:
        index = bisect_right(self.bounds, instant) - 1
        if 0 <= index < len(self.bounds) - 1:
            return index
        return None


def _merge(ranges: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in ranges:
        if merged and merged[-1][1] == lo:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def make_plan(bounds: Sequence[datetime], *, use_rollups: bool) -> Plan:
    all_raw = Plan(
        bounds,
        [[Piece(a, b, False)] for a, b in pairwise(bounds)],
        [(bounds[0], bounds[-1])],
        [],
    )
    if not use_rollups:
        return all_raw
    pieces: list[list[Piece]] = []
    raw: list[tuple[datetime, datetime]] = []
    rolled: list[tuple[datetime, datetime]] = []
    for a, b in pairwise(bounds):
        lo, hi = ceil_hour(a), floor_hour(b)
        if lo >= hi:
            pieces.append([Piece(a, b, False)])
            raw.append((a, b))
            continue
        bucket = []
        if a < lo:
            bucket.append(Piece(a, lo, False))
            raw.append((a, lo))
        bucket.append(Piece(lo, hi, True))
        rolled.append((lo, hi))
        if hi < b:
            bucket.append(Piece(hi, b, False))
            raw.append((hi, b))
        pieces.append(bucket)
    raw_ranges = _merge(raw)
    if not rolled or len(raw_ranges) > MAX_RAW_RANGES:
        return all_raw
    return Plan(bounds, pieces, raw_ranges, _merge(rolled))


def hours_in(start: datetime, end: datetime) -> list[datetime]:
    """UTC hour starts of the hours that overlap ``[start, end)``."""
    t = floor_hour(start.astimezone(UTC))
    found = []
    while t < end:
        found.append(t)
        t += HOUR
    return found
