"""Session totals per bucket and venue, from the hourly rollup plus raw slivers.

Shared by the attendance and visits reports. The rules of the arithmetic are in
`turnout.reports.intervals`; here only the assembly: a bucket's sessions are those
in its first piece plus those that arrive in each later piece, its minutes and
visits add up over pieces, its peak is the highest piece peak.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from turnout.db.schema import rollup_session_hours, sessions, venues
from turnout.reports import intervals as iv
from turnout.reports.buckets import Plan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.stays import COUNTED, KNOWN_CUSTOMER, STAY_COLUMNS


@dataclass(slots=True)
class Totals:
    sessions: int = 0
    # of those, the ones present at the bucket's first instant (carried in)
    carried: int = 0
    attendance_us: int = 0
    talk_us: int = 0
    peak: int = 0
    visits: int = 0
    dwell_us: int = 0
    dwell_count: int = 0
    satisfaction_sum: int = 0
    satisfaction_count: int = 0
    customers: set[int] = field(default_factory=set)


# Up to this many buckets the rollup is summed per bucket in SQL (a CASE over the bounds).
MAX_SQL_BUCKETS = 400

VenueKey = tuple[int, int | None]
"""(bucket index, venue id or None when not grouping by venue)."""


def venue_scope(conn: Connection, request: ReportRequest) -> list[int] | None:
    """Venue ids the filters allow, or None when no venue filter was given."""
    ids = request.filters.get("venue_id")
    kinds = request.filters.get("kind")
    if ids is None and kinds is None:
        return None
    query = sa.select(venues.c.id).where(venues.c.workspace_id == request.workspace_id)
    if ids is not None:
        query = query.where(venues.c.id.in_(ids))
    if kinds is not None:
        query = query.where(venues.c.kind.in_(kinds))
    return sorted(conn.execute(query).scalars())


def _scoped(column: ColumnElement[Any], scope: list[int] | None) -> list[ColumnElement[bool]]:
    return [] if scope is None else [column.in_(scope)]


def collect(
    conn: Connection,
    request: ReportRequest,
    plan: Plan,
    scope: list[int] | None,
    deadline: Deadline,
) -> dict[VenueKey, Totals]:
    by_venue = "venue" in request.group_by
    totals: dict[VenueKey, Totals] = {}

    def at(bucket: int, venue: int | None) -> Totals:
        key = (bucket, venue if by_venue else None)
        found = totals.get(key)
        if found is None:
            found = totals[key] = Totals()
        return found

    # peaks are per venue; without a venue dimension the highest venue peak is kept
    peaks: dict[tuple[int, int | None], int] = {}

    def peak(bucket: int, venue: int | None, value: int) -> None:
        if value > peaks.get((bucket, venue), 0):
            peaks[(bucket, venue)] = value

    # raw slivers
    cuts = sorted({p.start for ps in plan.pieces for p in ps} | {plan.bounds[-1]})
    segment_piece: list[tuple[int, bool, bool]] = []  # (bucket, raw?, first piece of bucket?)
    for bucket, ps in enumerate(plan.pieces):
        for position, piece in enumerate(ps):
            segment_piece.append((bucket, not piece.rollup, position == 0))
    overlap = sa.or_(
        sa.false(),
        *(
            (sessions.c.joined_at < hi) & ((sessions.c.joined_at >= lo) | (sessions.c.left_at > lo))
            for lo, hi in plan.raw_ranges
        ),
    )
    query = sa.select(*STAY_COLUMNS).where(
        sessions.c.workspace_id == request.workspace_id,
        sessions.c.joined_at.is_not(None),
        COUNTED,
        overlap,
        *_scoped(sessions.c.venue_id, scope),
    )
    deadline.check()
    stays = (
        iv.stays_from_rows(conn.execute(query.execution_options(yield_per=5000)))
        if plan.raw_ranges
        else ()
    )
    stats = iv.segment_stats(stays, cuts, check=deadline.check)
    for (venue, seg), row in stats.items():
        bucket, raw, first = segment_piece[seg]
        if not raw:
            continue
        t = at(bucket, venue)
        t.sessions += row[iv.IN_SEGMENT] if first else row[iv.STARTED]
        if first:
            t.carried += row[iv.PRESENT]
        t.attendance_us += row[iv.ATTENDANCE_US]
        t.talk_us += row[iv.TALK_US]
        t.visits += row[iv.VISITS]
        t.dwell_us += row[iv.DWELL_US]
        t.dwell_count += row[iv.DWELL_COUNT]
        t.satisfaction_sum += row[iv.SAT_SUM]
        t.satisfaction_count += row[iv.SAT_COUNT]
        peak(bucket, venue, row[iv.PEAK])

    # whole hours from the rollup, summed per (bucket, venue) in SQL when the buckets
    # are few: the database returns one row per bucket and venue, however many hours
    # lie behind it (per hour otherwise, e.g. hour buckets, which are about as many)
    if plan.rollup_ranges:
        first_hours = sorted({ps[0].start for ps in plan.pieces if ps[0].rollup})
        by_bucket = len(plan.bounds) - 1 <= MAX_SQL_BUCKETS
        firsts = set(first_hours)
        deadline.check()
        query = _rollup_query(request, plan, scope, first_hours if by_bucket else None)
        for rolled in conn.execute(query):
            values: tuple[Any, ...] = tuple(rolled)
            key, venue_id, sums, hour_peak = values[0], values[1], values[2:-1], values[-1]
            index: int | None = int(key) if by_bucket else plan.bucket_of(key)
            if index is None or index < 0:
                continue
            (
                started,
                present,
                attendance_us,
                talk_us,
                visits,
                dwell_us,
                dwell_count,
                satisfaction_sum,
                satisfaction_count,
            ) = (int(value or 0) for value in sums)
            t = at(index, venue_id)
            carried = present if by_bucket or key in firsts else 0
            t.sessions += started + carried
            t.carried += carried
            t.attendance_us += attendance_us
            t.talk_us += talk_us
            t.visits += visits
            t.dwell_us += dwell_us
            t.dwell_count += dwell_count
            t.satisfaction_sum += satisfaction_sum
            t.satisfaction_count += satisfaction_count
            peak(index, venue_id, int(hour_peak or 0))

    for (bucket, venue), value in peaks.items():
        t = at(bucket, venue)
        t.peak = max(t.peak, value)
    return totals


def _rollup_query(
    request: ReportRequest,
    plan: Plan,
    scope: list[int] | None,
    first_hours: Sequence[datetime] | None,
) -> sa.Select[Any]:
    """Rollup rows summed per (bucket index, venue), or per (hour, venue) when
    `first_hours` is None. Columns: key, venue, started, carried in, the other sums,
    peak. Per bucket, "carried in" counts only the bucket's first hour (a bucket's
    sessions are those started in it plus those present at its start); per hour it is
    each hour's own and the caller picks."""
    r = rollup_session_hours
    key: ColumnElement[Any] = r.c.hour
    carried: ColumnElement[Any] = r.c.present_at_start
    if first_hours is not None:
        # bucket index: the first bound the hour is below (bounds ascend)
        key = sa.case(
            *((r.c.hour < bound, index) for index, bound in enumerate(plan.bounds[1:])),
            else_=-1,
        )
        carried = (
            sa.case((r.c.hour.in_(first_hours), r.c.present_at_start), else_=0)
            if first_hours
            else sa.literal(0)
        )

    def total(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return sa.cast(sa.func.sum(column), sa.BigInteger)

    return (
        sa.select(
            key.label("key"),
            r.c.venue_id,
            total(r.c.started),
            total(carried),
            total(r.c.attendance_us),
            total(r.c.talk_us),
            total(r.c.visits),
            total(r.c.dwell_us),
            total(r.c.dwell_count),
            total(r.c.satisfaction_sum),
            total(r.c.satisfaction_count),
            sa.func.max(r.c.peak),
        )
        .where(
            r.c.workspace_id == request.workspace_id,
            sa.or_(*((r.c.hour >= lo) & (r.c.hour < hi) for lo, hi in plan.rollup_ranges)),
            *_scoped(r.c.venue_id, scope),
        )
        .group_by(key, r.c.venue_id)
    )


def _venue_parts(
    conn: Connection, request: ReportRequest, scope: list[int] | None
) -> list[ColumnElement[bool]]:
    """Venue predicates that let an index on (workspace_id, venue_id, time) serve a time
    range: the scope, or every venue of the workspace plus sessions without one."""
    if scope is not None:
        return [sessions.c.venue_id.in_(scope)] if scope else []
    ids = list(
        conn.execute(
            sa.select(venues.c.id).where(venues.c.workspace_id == request.workspace_id)
        ).scalars()
    )
    parts = [sessions.c.venue_id.in_(ids)] if ids else []
    return [*parts, sessions.c.venue_id.is_(None)]


def _hinted(query: sa.Select[Any], index: str) -> sa.Select[Any]:
    # SQLAlchemy renders no table hints for SQLite; `KNOWN_CUSTOMER` does the work
    return query.with_hint(sessions, f"INDEXED BY {index}", "sqlite")


def unique_attendees(
    conn: Connection,
    request: ReportRequest,
    plan: Plan,
    scope: list[int] | None,
    deadline: Deadline,
) -> dict[VenueKey, int]:
    """Distinct customers of closed sessions present in each bucket."""
    by_venue = "venue" in request.group_by
    seen: dict[VenueKey, set[int]] = {}
    bounds: Sequence[datetime] = plan.bounds
    rows: list[tuple[Any, ...]] = []
    for part in _venue_parts(conn, request, scope):
        query = sa.select(
            sessions.c.venue_id, sessions.c.customer_id, sessions.c.joined_at, sessions.c.left_at
        ).where(
            sessions.c.workspace_id == request.workspace_id,
            part,
            sessions.c.left_at >= request.start,
            sessions.c.joined_at < request.end,
            KNOWN_CUSTOMER,
            COUNTED,
            sessions.c.left_at >= sessions.c.joined_at,
        )
        deadline.check()
        rows.extend(conn.execute(_hinted(query, "ix_sessions_workspace_id_venue_id_left_at")).all())
    for count, (venue, customer, joined, left) in enumerate(rows):
        if count % 4096 == 0:
            deadline.check()
        if left == request.start and joined < left:
            continue  # ended as the window began
        first = plan.bucket_of(max(joined, bounds[0]))
        if first is None:
            continue
        last = first if left == joined else bisect_left(bounds, left) - 1
        last = min(last, len(bounds) - 2)
        for bucket in range(first, last + 1):
            seen.setdefault((bucket, venue if by_venue else None), set()).add(customer)
    return {key: len(found) for key, found in seen.items()}


def unique_visitors(
    conn: Connection,
    request: ReportRequest,
    plan: Plan,
    scope: list[int] | None,
    deadline: Deadline,
) -> tuple[dict[VenueKey, int], dict[VenueKey, int]]:
    """Distinct customers arriving in each bucket, and how many of them came for the first
    time (first arrival ever at that venue, or at any venue in scope when not by venue)."""
    by_venue = "venue" in request.group_by
    seen: dict[VenueKey, set[int]] = {}
    arrived: list[tuple[int | None, int, datetime]] = []
    for part in _venue_parts(conn, request, scope):
        query = sa.select(sessions.c.venue_id, sessions.c.customer_id, sessions.c.joined_at).where(
            sessions.c.workspace_id == request.workspace_id,
            part,
            sessions.c.joined_at >= request.start,
            sessions.c.joined_at < request.end,
            KNOWN_CUSTOMER,
            COUNTED,
        )
        deadline.check()
        hinted = _hinted(query, "ix_sessions_workspace_id_venue_id_joined_at")
        for venue, customer, joined in conn.execute(hinted):
            arrived.append((venue, customer, joined))
            bucket = plan.bucket_of(joined)
            if bucket is not None:
                seen.setdefault((bucket, venue if by_venue else None), set()).add(customer)
    visitors = {key: len(found) for key, found in seen.items()}

    # first arrivals inside the window, then drop those seen before it
    firsts: dict[tuple[int | None, int], datetime] = {}
    for venue, customer, joined in arrived:
        key = (venue if by_venue else None, customer)
        if key not in firsts or joined < firsts[key]:
            firsts[key] = joined
    # one ordered pass over the history before the window (index on venue, joined_at)
    earlier: set[tuple[int | None, int]] = set()
    for part in _venue_parts(conn, request, scope) if firsts else ():
        earlier_query = (
            sa.select(sessions.c.venue_id, sessions.c.customer_id)
            .where(
                sessions.c.workspace_id == request.workspace_id,
                part,
                sessions.c.joined_at < request.start,
                KNOWN_CUSTOMER,
                COUNTED,
            )
            .distinct()
        )
        deadline.check()
        hinted = _hinted(earlier_query, "ix_sessions_workspace_id_venue_id_joined_at")
        for venue, customer in conn.execute(hinted):
            earlier.add((venue if by_venue else None, customer))
    new: dict[VenueKey, int] = {}
    for (venue, customer), first_at in firsts.items():
        if (venue, customer) in earlier:
            continue
        bucket = plan.bucket_of(first_at)
        if bucket is not None:
            new[(bucket, venue)] = new.get((bucket, venue), 0) + 1
    return visitors, new
