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
    venues,
)
from turnout.reports import presence
from turnout.reports.buckets import HOUR, floor_hour, make_plan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.rollups import first_visits
from turnout.reports.rollups.daily import Check, day_bounds, hours_range
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


def _nobody_since(present: set[datetime], lo: datetime) -> datetime | None:
    """The latest hour start at or before `lo` at which nobody was present (no hour in
    `present`): any session present at `lo` arrived at or after it (None: none within
    LOOKBACK)."""
    hour = floor_hour(lo)
    while hour > lo - LOOKBACK:
        if hour not in present:
            return hour
        hour -= HOUR
    return None


_COLUMNS = (sessions.c.venue_id, sessions.c.customer_id, sessions.c.joined_at, sessions.c.left_at)


def _counted(workspace_id: int) -> tuple[sa.ColumnElement[bool], ...]:
    return (sessions.c.workspace_id == workspace_id, COUNTED, KNOWN_CUSTOMER)


def _carried_into(
    conn: Connection, workspace_id: int, venue_ids: Sequence[int | None], lo: datetime
) -> Iterable[Any]:
    """Closed sessions of known customers present at `lo` that arrived before it, per
    venue from the last hour the hourly rollup had nobody there present."""
    table = rollup_session_hours
    query = sa.select(table.c.venue_id, table.c.hour).where(
        table.c.workspace_id == workspace_id,
        table.c.hour > floor_hour(lo) - LOOKBACK,
        table.c.hour <= lo,
        table.c.present_at_start > 0,
    )
    busy: dict[int | None, set[datetime]] = {}
    for venue, hour in conn.execute(query):
        busy.setdefault(venue, set()).add(hour)
    for venue in venue_ids:
        since = _nobody_since(busy.get(venue, set()), lo)
        if since == lo:
            continue  # nobody there at lo's first instant, and nobody arrived since
        place = sessions.c.venue_id.is_(None) if venue is None else sessions.c.venue_id == venue
        closed = (sessions.c.left_at > lo, sessions.c.left_at >= sessions.c.joined_at)
        if since is None:  # present for a week: every session of the venue leaving later
            where = (sessions.c.left_at > lo, sessions.c.joined_at < lo)
        else:
            where = (sessions.c.joined_at >= since, sessions.c.joined_at < lo)
        yield from conn.execute(
            sa.select(*_COLUMNS).where(*_counted(workspace_id), place, *where, *closed)
        )


def distinct_by_day(
    conn: Connection,
    workspace_id: int,
    venue_ids: Sequence[int | None],
    bounds: Sequence[datetime],
    check: Check,
) -> tuple[Sets, Sets, Sets, Sets]:
    """Distinct customers present and arriving per (day index, venue), and per day
    index across venues, for consecutive days. Rules as `presence.unique_attendees` and
    `unique_visitors`: present = a counted closed session overlaps the day (one of no
    length: began in it); arriving = joined_at in the day. Each session is read once:
    those that run on past midnight are carried to the next days."""
    present: Sets = {}
    present_any: Sets = {}
    arriving: Sets = {}
    arriving_any: Sets = {}
    venues_part = sessions.c.venue_id.in_([v for v in venue_ids if v is not None])
    parts = [venues_part, sessions.c.venue_id.is_(None)]
    carry = [
        (venue, customer, left)
        for venue, customer, _, left in _carried_into(conn, workspace_id, venue_ids, bounds[0])
    ]
    for index in range(len(bounds) - 1):
        check()
        lo, hi = bounds[index], bounds[index + 1]
        still = []
        for venue, customer, left in carry:
            present.setdefault((index, venue), set()).add(customer)
            present_any.setdefault(index, set()).add(customer)
            if left > hi:
                still.append((venue, customer, left))
        carry = still
        for part in parts:
            arrivals = sa.select(*_COLUMNS).where(
                *_counted(workspace_id), part, sessions.c.joined_at >= lo, sessions.c.joined_at < hi
            )
            for venue, customer, joined, left in conn.execute(arrivals):
                arriving.setdefault((index, venue), set()).add(customer)
                arriving_any.setdefault(index, set()).add(customer)
                if left is None or left < joined:
                    continue  # attendance counts closed sessions only
                present.setdefault((index, venue), set()).add(customer)
                present_any.setdefault(index, set()).add(customer)
                if left > hi:
                    carry.append((venue, customer, left))
    return present, present_any, arriving, arriving_any


class SessionDays:
    name = "sessions"

    def clear(self, conn: Connection, workspace_id: int) -> None:
        for table in (rollup_session_days, rollup_workspace_days):
            conn.execute(table.delete().where(table.c.workspace_id == workspace_id))

    def prepare(self, conn: Connection, workspace_id: int) -> None:
        first_visits.rebuild(conn, workspace_id)

    def data_range(self, conn: Connection, workspace_id: int) -> Span | None:
        return hours_range(conn, rollup_session_hours, workspace_id)

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
        ids = conn.execute(
            sa.select(venues.c.id).where(venues.c.workspace_id == workspace_id)
        ).scalars()
        present, present_any, arriving, arriving_any = distinct_by_day(
            conn, workspace_id, [*ids, None], bounds, check
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
