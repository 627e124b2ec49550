"""Attendance and visit arithmetic over sessions cut into consecutive segments.

The same code fills the hourly rollup (segments = UTC hours) and computes the raw
slivers of a report (segments = its pieces), so both paths agree by construction.

Rules (docs/reports.md):

* attendance counts closed sessions (``joined_at`` and ``left_at`` known) as the
  half-open interval ``[joined_at, left_at)``; a session is *in* a segment
  ``[a, b)`` when ``joined_at < b`` and (``left_at > a`` or ``joined_at >= a``);
* its minutes are split by overlap; talk time is spread evenly over its stay
  (share = talk * overlap / stay, in whole microseconds, rounded down);
* ``present_at_start``: sessions with ``joined_at < a < left_at`` (carried in);
* ``peak``: the most sessions present at any instant of the segment;
* visits are counted where they arrive (``joined_at`` in the segment), with their
  whole dwell (``left_at - joined_at``) and satisfaction.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

_US = timedelta(microseconds=1)

# stat slots in a segment's list
VISITS, DWELL_US, DWELL_COUNT, SAT_SUM, SAT_COUNT = 0, 1, 2, 3, 4
STARTED, PRESENT, ATTENDANCE_US, TALK_US, PEAK, IN_SEGMENT = 5, 6, 7, 8, 9, 10
SLOTS = 11


@dataclass(frozen=True, slots=True)
class Stay:
    venue_id: int | None
    joined: datetime
    left: datetime | None
    talk_seconds: int | None
    satisfaction: int | None


def micros(delta: timedelta) -> int:
    return delta // _US


def talk_share(talk_seconds: int | None, overlap_us: int, stay_us: int) -> int:
    if not talk_seconds:
        return 0
    talk_us = talk_seconds * 1_000_000
    if stay_us <= 0:
        return talk_us
    return talk_us * overlap_us // stay_us


Stats = dict[tuple[int | None, int], list[int]]


def segment_stats(
    stays: Iterable[Stay],
    cuts: Sequence[datetime],
    *,
    check: Callable[[], None] | None = None,
) -> Stats:
    """Stats per (venue_id, segment index) for the segments ``[cuts[i], cuts[i + 1])``."""
    stats: Stats = {}
    first, last = cuts[0], cuts[-1]
    nseg = len(cuts) - 1
    events: dict[int | None, list[tuple[datetime, int]]] = {}

    def slot(venue: int | None, seg: int) -> list[int]:
        row = stats.get((venue, seg))
        if row is None:
            row = stats[(venue, seg)] = [0] * SLOTS
        return row

    for count, stay in enumerate(stays):
        if check is not None and count % 4096 == 0:
            check()
        venue, joined, left = stay.venue_id, stay.joined, stay.left
        if first <= joined < last:
            seg = bisect_right(cuts, joined) - 1
            row = slot(venue, seg)
            row[VISITS] += 1
            if left is not None:
                row[DWELL_US] += micros(left - joined)
                row[DWELL_COUNT] += 1
            if stay.satisfaction is not None:
                row[SAT_SUM] += stay.satisfaction
                row[SAT_COUNT] += 1
            if left is not None and left >= joined:
                row[STARTED] += 1
        if left is None or left < joined:
            continue
        stay_us = micros(left - joined)
        if stay_us == 0:
            if first <= joined < last:
                row = slot(venue, bisect_right(cuts, joined) - 1)
                row[IN_SEGMENT] += 1
                row[TALK_US] += talk_share(stay.talk_seconds, 0, 0)
            continue
        lo, hi = max(joined, first), min(left, last)
        if lo >= hi:
            continue
        seg = bisect_right(cuts, lo) - 1
        while seg < nseg and cuts[seg] < hi:
            a, b = cuts[seg], cuts[seg + 1]
            overlap = micros(min(b, hi) - max(a, lo))
            row = slot(venue, seg)
            row[IN_SEGMENT] += 1
            if joined < a:
                row[PRESENT] += 1
            row[ATTENDANCE_US] += overlap
            row[TALK_US] += talk_share(stay.talk_seconds, overlap, stay_us)
            seg += 1
        venue_events = events.setdefault(venue, [])
        venue_events.append((lo, 1))
        venue_events.append((hi, -1))

    for venue, venue_events in events.items():
        venue_events.sort()  # at equal times, departures (-1) before arrivals (+1)
        current = 0
        for instant, delta in venue_events:
            current += delta
            if delta > 0:
                row = slot(venue, bisect_right(cuts, instant) - 1)
                if current > row[PEAK]:
                    row[PEAK] = current
    for row in stats.values():
        # sessions carried into a segment are present at its first instant
        if row[PRESENT] > row[PEAK]:
            row[PEAK] = row[PRESENT]
    return stats


def stays_from_rows(rows: Iterable[Any]) -> Iterable[Stay]:
    for r in rows:
        yield Stay(r.venue_id, r.joined_at, r.left_at, r.talk_seconds, r.satisfaction)
