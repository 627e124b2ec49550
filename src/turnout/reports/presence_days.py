"""Attendance and visit totals read from the daily session rollup.

The counterpart of `turnout.reports.presence.collect` for windows of whole local days
in the workspace's zone: a bucket's sessions are those carried into its first day
plus those starting on each of its days, its minutes and visits add up over days,
its peak is the highest day peak. With day buckets the day rows also give the
distinct counts: per venue from `rollup_session_days`, across venues (no venue
dimension, no venue filter) from `rollup_workspace_days`; other buckets read those
from raw rows (`presence.unique_attendees` / `unique_visitors`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from turnout.db.schema import rollup_session_days, rollup_workspace_days
from turnout.reports.days import DayPlan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.presence import Totals, VenueKey

_SUMS = (
    "attendance_us",
    "talk_us",
    "visits",
    "dwell_us",
    "dwell_count",
    "satisfaction_sum",
    "satisfaction_count",
)


def _total(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def collect_days(
    conn: Connection,
    request: ReportRequest,
    plan: DayPlan,
    scope: list[int] | None,
    deadline: Deadline,
) -> dict[VenueKey, Totals]:
    """Totals per (bucket, venue or None), as `presence.collect` gives them."""
    r = rollup_session_days
    by_venue = "venue" in request.group_by
    firsts = list(plan.dates[:-1])
    if plan.in_sql():
        key: ColumnElement[Any] = plan.bucket(r.c.day)
        carried: ColumnElement[Any] = sa.case((r.c.day.in_(firsts), r.c.present_at_start), else_=0)
    else:
        key, carried = r.c.day, r.c.present_at_start
    query = (
        sa.select(
            key.label("key"),
            r.c.venue_id,
            _total(r.c.started),
            _total(carried),
            *(_total(r.c[name]) for name in _SUMS),
            sa.func.max(r.c.peak),
        )
        .where(r.c.workspace_id == request.workspace_id, r.c.day >= plan.first, r.c.day < plan.end)
        .group_by(key, r.c.venue_id)
    )
    if scope is not None:
        query = query.where(r.c.venue_id.in_(scope))
    totals: dict[VenueKey, Totals] = {}
    peaks: dict[VenueKey, int] = {}
    first_days = set(firsts)
    deadline.check()
    for row in conn.execute(query):
        values: tuple[Any, ...] = tuple(row)
        if plan.in_sql():
            index: int | None = int(values[0])
            is_first = True
        else:
            index = plan.bucket_of(values[0])
            is_first = values[0] in first_days
        if index is None or index < 0:
            continue
        venue = values[1]
        started, present, *sums = (int(v or 0) for v in values[2:-1])
        carried_in = present if is_first else 0
        t = totals.setdefault((index, venue if by_venue else None), Totals())
        t.sessions += started + carried_in
        t.carried += carried_in
        for name, value in zip(_SUMS, sums, strict=True):
            setattr(t, name, getattr(t, name) + value)
        # per venue first; without the venue dimension the highest venue peak is kept
        peak_key = (index, venue)
        peaks[peak_key] = max(peaks.get(peak_key, 0), int(values[-1] or 0))
    for (index, venue), value in peaks.items():
        t = totals[(index, venue if by_venue else None)]
        t.peak = max(t.peak, value)
    return totals


def distinct_available(request: ReportRequest, plan: DayPlan, scope: list[int] | None) -> bool:
    """Whether the day rows hold the distinct counts this request asks for."""
    return plan.one_day_buckets and ("venue" in request.group_by or scope is None)


def distinct_days(
    conn: Connection,
    request: ReportRequest,
    plan: DayPlan,
    scope: list[int] | None,
    deadline: Deadline,
) -> tuple[dict[VenueKey, int], dict[VenueKey, int], dict[VenueKey, int]]:
    """Distinct customers present, visitors, and new visitors per (bucket, venue or None),
    for one-day buckets (`distinct_available`)."""
    customers: dict[VenueKey, int] = {}
    visitors: dict[VenueKey, int] = {}
    new: dict[VenueKey, int] = {}
    by_venue = "venue" in request.group_by
    table = rollup_session_days if by_venue else rollup_workspace_days
    venue: ColumnElement[Any] = table.c.venue_id if by_venue else sa.null()
    query = sa.select(
        table.c.day, venue, table.c.customers, table.c.visitors, table.c.new_visitors
    ).where(
        table.c.workspace_id == request.workspace_id,
        table.c.day >= plan.first,
        table.c.day < plan.end,
    )
    if by_venue and scope is not None:
        query = query.where(table.c.venue_id.in_(scope))
    deadline.check()
    for day, venue_id, present, arriving, first in conn.execute(query):
        index = plan.bucket_of(day)
        if index is None:
            continue
        key = (index, venue_id)
        customers[key], visitors[key], new[key] = int(present), int(arriving), int(first)
    return customers, visitors, new
