"""Session days: attendance and visit totals per local day and venue, with the day's
distinct counts.

* The sums, the carried-in sessions and the peak come from
  `turnout.reports.presence.collect` over day buckets, the very computation a report
  makes from the hourly rollup (and raw slivers), so a day row holds what the hourly
  path gives for that day.
* `customers` (distinct customers present, closed sessions) and `visitors` (distinct
  customers arriving) come from the day's raw sessions; those carried in from earlier
  days are found from the hour where the hourly rollup last had nobody present.
* `new_visitors` counts first visits (`turnout.reports.rollups.first_visits`).

`rollup_workspace_days` holds the same three distinct counts across all venues.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.schema import (
    rollup_session_days,
    rollup_session_hours,
    rollup_workspace_days,
    sessions,
)
from turnout.reports import presence
from turnout.reports.buckets import HOUR, floor_hour, make_plan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.rollups import first_visits
from turnout.reports.rollups.daily import Check, day_bounds
from turnout.reports.rollups.hourly import venue_parts
from turnout.reports.rollups.marks import Dirty, Span
from turnout.reports.stays import COUNTED, KNOWN_CUSTOMER

# How far back to look for an hour with nobody present before reading carried-in
# sessions without a lower bound.
LOOKBACK = timedelta(days=7)

_SUMS = (
    "visits",
    "dwell_us",
    "dwell_count",
    "satisfaction_sum",
    "satisfaction_count",
    "attendance_us",
    "talk_us",
)

Sets = dict[Any, set[int]]


def _nobody_since(present: dict[datetime, int], lo: datetime) -> datetime | None:
    """The latest hour start at or before `lo` with no closed session present: any
    session present at `lo` arrived at or after it (None: none within LOOKBACK)."""
    hour = floor_hour(lo)
    while hour > lo - LOOKBACK:
        if not present.get(hour, 0):
            return hour
        hour -= HOUR
    return None


def _present_by_hour(
    conn: Connection, workspace_id: int, lo: datetime, hi: datetime
) -> dict[datetime, int]:
    table = rollup_session_hours
    query = (
        sa.select(table.c.hour, sa.func.sum(table.c.present_at_start))
        .where(
            table.c.workspace_id == workspace_id,
            table.c.hour > floor_hour(lo) - LOOKBACK,
            table.c.hour < hi,
        )
        .group_by(table.c.hour)
    )
    return {hour: int(total or 0) for hour, total in conn.execute(query)}


def _day_rows(
    conn: Connection,
    workspace_id: int,
    parts: Sequence[sa.ColumnElement[bool]],
    lo: datetime,
    hi: datetime,
    since: datetime | None,
) -> Iterable[Any]:
    """Counted sessions of known customers arriving in [lo, hi) or present at lo."""
    base = (sessions.c.workspace_id == workspace_id, COUNTED, KNOWN_CUSTOMER)
    columns = (
        sessions.c.venue_id,
        sessions.c.customer_id,
        sessions.c.joined_at,
        sessions.c.left_at,
    )
    for part in parts:
        if since is not None:
            ranges = [(sessions.c.joined_at >= since, sessions.c.joined_at < hi)]
        else:
            ranges = [
                (sessions.c.joined_at >= lo, sessions.c.joined_at < hi),
                (sessions.c.joined_at < lo, sessions.c.left_at > lo),
            ]
        for where in ranges:
            yield from conn.execute(sa.select(*columns).where(*base, part, *where))


def distinct_by_day(
    conn: Connection,
    workspace_id: int,
    parts: Sequence[sa.ColumnElement[bool]],
    bounds: Sequence[datetime],
    check: Check,
) -> tuple[Sets, Sets, Sets, Sets]:
    """Distinct customers present and arriving per (day index, venue), and per day
    index across venues. Rules as `presence.unique_attendees` / `unique_visitors`."""
    present: Sets = {}
    present_any: Sets = {}
    arriving: Sets = {}
    arriving_any: Sets = {}
    by_hour = _present_by_hour(conn, workspace_id, bounds[0], bounds[-1])
    for index in range(len(bounds) - 1):
        check()
        lo, hi = bounds[index], bounds[index + 1]
        since = _nobody_since(by_hour, lo)
        for venue, customer, joined, left in _day_rows(conn, workspace_id, parts, lo, hi, since):
            if joined >= lo:
                arriving.setdefault((index, venue), set()).add(customer)
                arriving_any.setdefault(index, set()).add(customer)
            if left is None or left < joined:
                continue  # attendance counts closed sessions only
            # present at some instant of the day (one of no length: where it began)
            if (joined >= lo) if left == joined else (left > lo):
                present.setdefault((index, venue), set()).add(customer)
                present_any.setdefault(index, set()).add(customer)
    return present, present_any, arriving, arriving_any


class SessionDays:
    name = "sessions"

    def clear(self, conn: Connection, workspace_id: int) -> None:
        for table in (rollup_session_days, rollup_workspace_days):
            conn.execute(table.delete().where(table.c.workspace_id == workspace_id))

    def prepare(self, conn: Connection, workspace_id: int) -> None:
        first_visits.rebuild(conn, workspace_id)

    def data_range(self, conn: Connection, workspace_id: int) -> Span | None:
        table = rollup_session_hours
        lo, hi = conn.execute(
            sa.select(sa.func.min(table.c.hour), sa.func.max(table.c.hour)).where(
                table.c.workspace_id == workspace_id
            )
        ).one()
        return None if lo is None else (lo, hi + HOUR)

    def follow_customers(
        self, conn: Connection, workspace_id: int, tz: ZoneInfo, dirty: Dirty
    ) -> set[date] | None:
        customers = first_visits.to_follow(
            conn, workspace_id, venue_parts(conn, workspace_id), dirty
        )
        if customers is None:
            return None
        return first_visits.follow(conn, workspace_id, tz, customers) if customers else set()

    def write_days(
        self,
        conn: Connection,
        workspace_id: int,
        tz: ZoneInfo,
        first: date,
        end: date,
        check: Check,
    ) -> None:
        bounds = day_bounds(first, end, tz)
        request = ReportRequest(
            workspace_id=workspace_id,
            start=bounds[0],
            end=bounds[-1],
            tz=tz,
            granularity="day",
            group_by=("venue",),
            metrics=(),
            filters={},
        )
        plan = make_plan(bounds, use_rollups=True)
        totals = presence.collect(conn, request, plan, None, Deadline(math.inf, check))
        parts = venue_parts(conn, workspace_id)
        present, present_any, arriving, arriving_any = distinct_by_day(
            conn, workspace_id, parts, bounds, check
        )
        new, new_any = first_visits.new_by_day(conn, workspace_id, bounds)

        def day(index: int) -> date:
            return first + timedelta(days=index)

        rows: list[dict[str, Any]] = []
        for key in totals.keys() | present.keys() | arriving.keys() | new.keys():
            index, venue = key
            t = totals.get(key) or presence.Totals()
            row: dict[str, Any] = {
                "workspace_id": workspace_id,
                "day": day(index),
                "venue_id": venue,
                "started": t.sessions - t.carried,
                "present_at_start": t.carried,
                "peak": t.peak,
                "customers": len(present.get(key, ())),
                "visitors": len(arriving.get(key, ())),
                "new_visitors": new.get(key, 0),
            }
            row.update((name, getattr(t, name)) for name in _SUMS)
            rows.append(row)
        across = [
            {
                "workspace_id": workspace_id,
                "day": day(index),
                "customers": len(present_any.get(index, ())),
                "visitors": len(arriving_any.get(index, ())),
                "new_visitors": new_any.get(index, 0),
            }
            for index in sorted(present_any.keys() | arriving_any.keys() | new_any.keys())
        ]
        for table, values in ((rollup_session_days, rows), (rollup_workspace_days, across)):
            conn.execute(
                table.delete().where(
                    table.c.workspace_id == workspace_id, table.c.day >= first, table.c.day < end
                )
            )
            if values:
                conn.execute(table.insert(), values)
