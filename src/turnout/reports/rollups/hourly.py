"""Hourly rollups: whole UTC hours per workspace.

`rollup_session_hours` (per venue: visits, dwell, satisfaction, attendance minutes,
talk, carried-in sessions, peak), `rollup_sale_hours` (per venue, item, category,
currency), `rollup_lead_hours` (per campaign, supplier, currency) and
`rollup_waitlist_hours` (waitlist events per agent, room, venue). Reports read
them for the whole hours of each bucket and raw rows for the slivers at bucket
edges; the daily rollups (`turnout.reports.rollups.daily`) are built from them.

Each dirty hour (`turnout.reports.rollups.marks`) is recomputed from raw rows
(idempotent, all keys of the hour at once), and its marks are forwarded to the daily
stage in the same transaction. Cancelled sessions are left out of the session rollup
(and of the attendance and visits reports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from turnout.db.schema import (
    events,
    leads,
    rollup_day_zones,
    rollup_lead_hours,
    rollup_sale_hours,
    rollup_session_hours,
    rollup_waitlist_hours,
    sales,
    sessions,
    venues,
)
from turnout.reports import intervals as iv
from turnout.reports.buckets import HOUR, ceil_hour, floor_hour
from turnout.reports.rollups.marks import (
    MAX_HORIZON,
    MERGE_GAP,
    Span,
    changed,
    consume,
    forward,
    hour_ranges,
    merged,
    read_dirty,
    read_mark,
    span_of,
    start_mark,
    write_mark,
)
from turnout.reports.sqltime import hour_start
from turnout.reports.stays import COUNTED, STAY_COLUMNS

# More changed sessions than this since the last refresh: rebuild the workspace.
FULL_REBUILD_AFTER = 50_000

Check = Callable[[], None]


def no_check() -> None:
    return None


def _forget_days(conn: Connection, workspace_id: int, name: str) -> None:
    """A rebuilt hourly rollup rebuilds its days too (they are made from the hours)."""
    conn.execute(
        rollup_day_zones.delete().where(
            rollup_day_zones.c.workspace_id == workspace_id, rollup_day_zones.c.name == name
        )
    )


# -- additive rollups (sales, leads): recomputed in SQL --------------------------------


_ONE: ColumnElement[int] = sa.literal_column("1")
_ZERO: ColumnElement[int] = sa.literal_column("0")


def _flag(column: ColumnElement[Any], value: str) -> ColumnElement[int]:
    return sa.func.sum(sa.case((column == value, _ONE), else_=_ZERO))


@dataclass(frozen=True)
class AdditiveHours:
    name: str
    source: sa.Table
    time_column: str
    table: sa.Table
    keys: tuple[str, ...]
    sums: tuple[tuple[str, Callable[[sa.Table], ColumnElement[Any]]], ...]
    where: Callable[[sa.Table], ColumnElement[bool]] | None = None
    """Which source rows count (all when None)."""

    def _select(
        self, dialect: str, workspace_id: int, lo: datetime | None, hi: datetime | None
    ) -> sa.Select[Any]:
        src = self.source
        time = src.c[self.time_column]
        hour = hour_start(time, dialect)
        columns: list[ColumnElement[Any]] = [
            sa.literal(workspace_id, sa.BigInteger).label("workspace_id"),
            hour.label("hour"),
            *(src.c[k] for k in self.keys),
            *(make(src).label(name) for name, make in self.sums),
        ]
        query = sa.select(*columns).where(src.c.workspace_id == workspace_id)
        if self.where is not None:
            query = query.where(self.where(src))
        if lo is not None and hi is not None:
            query = query.where(time >= lo, time < hi)
        return query.group_by(hour, *(src.c[k] for k in self.keys))

    def _insert(
        self, conn: Connection, workspace_id: int, lo: datetime | None, hi: datetime | None
    ) -> None:
        names = ["workspace_id", "hour", *self.keys, *(n for n, _ in self.sums)]
        query = self._select(conn.dialect.name, workspace_id, lo, hi)
        conn.execute(self.table.insert().from_select(names, query))

    def rebuild(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        with engine.begin() as conn:
            dirty = read_dirty(conn, workspace_id, self.name)
            mark = start_mark(conn, self.source, workspace_id)
            conn.execute(self.table.delete().where(self.table.c.workspace_id == workspace_id))
            self._insert(conn, workspace_id, None, None)
            write_mark(conn, workspace_id, self.name, mark)
            consume(conn, workspace_id, dirty.ids)
            _forget_days(conn, workspace_id, self.name)

    def refresh(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        with engine.connect() as conn:
            mark = read_mark(conn, workspace_id, self.name)
        if mark is None:
            self.rebuild(engine, workspace_id, check)
            return
        with engine.begin() as conn:
            dirty = read_dirty(conn, workspace_id, self.name)
            if dirty.too_many:
                conn.rollback()
                self.rebuild(engine, workspace_id, check)
                return
            new_mark = start_mark(conn, self.source, workspace_id)
            hour = hour_start(self.source.c[self.time_column], conn.dialect.name)
            hours: set[datetime] = set()
            for query in changed(sa.select(hour), self.source, workspace_id, mark, new_mark):
                hours.update(conn.execute(query.distinct()).scalars())
            if not hours and not dirty.ids:
                return  # nothing changed: keep the watermark, skip the write
            found = hour_ranges(hours, HOUR)
            for lo, hi in merged([*dirty.spans, *found], MERGE_GAP):
                check()
                conn.execute(
                    self.table.delete().where(
                        self.table.c.workspace_id == workspace_id,
                        self.table.c.hour >= lo,
                        self.table.c.hour < hi,
                    )
                )
                self._insert(conn, workspace_id, lo, hi)
            if hours:
                write_mark(conn, workspace_id, self.name, new_mark)
            forward(conn, workspace_id, self.name, dirty, found)
            consume(conn, workspace_id, dirty.ids)


SALES = AdditiveHours(
    name="sales",
    source=sales,
    time_column="sold_at",
    table=rollup_sale_hours,
    keys=("venue_id", "item", "category", "currency"),
    sums=(
        ("sales", lambda t: sa.func.count()),
        ("quantity", lambda t: sa.func.sum(t.c.quantity)),
        ("amount", lambda t: sa.func.sum(t.c.amount)),
    ),
)

LEADS = AdditiveHours(
    name="leads",
    source=leads,
    time_column="received_at",
    table=rollup_lead_hours,
    keys=("campaign_id", "supplier_id", "currency"),
    sums=(
        ("leads", lambda t: sa.func.count()),
        ("valid", lambda t: _flag(t.c.status, "valid")),
        ("invalid", lambda t: _flag(t.c.status, "invalid")),
        ("pending", lambda t: _flag(t.c.status, "pending")),
        ("rejections", lambda t: _flag(t.c.outcome, "rejected")),
        ("approved", lambda t: _flag(t.c.outcome, "approved")),
        ("returns", lambda t: _flag(t.c.outcome, "returned")),
        ("supplier_cost", lambda t: sa.func.sum(t.c.supplier_cost)),
        ("email_cost", lambda t: sa.func.sum(t.c.email_cost)),
        ("sms_cost", lambda t: sa.func.sum(t.c.sms_cost)),
        ("validation_cost", lambda t: sa.func.sum(t.c.validation_cost)),
        ("revenue", lambda t: sa.func.sum(t.c.revenue)),
    ),
)

CALLED, HELP_DONE, SUPPORT_END = "waitlist.called", "waitlist.help_done", "waitlist.support_end"


def _when(kind: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.func.sum(sa.case((events.c.type == kind, value), else_=_ZERO))


class whole_number(FunctionElement[int]):
    """JSON text as a whole number: a number or numeric string with its decimals cut
    off; anything else 0 on PostgreSQL (SQLite's CAST reads leading digits), so one
    odd event cannot stop the rollup (and every waitlist report) from refreshing."""

    type = sa.BigInteger()
    name = "whole_number"
    inherit_cache = True


@compiles(whole_number)
def _whole_number(element: whole_number, compiler: Any, **kw: Any) -> str:
    return f"COALESCE(CAST({compiler.process(element.clauses, **kw)} AS INTEGER), 0)"


@compiles(whole_number, "postgresql")
def _whole_number_pg(element: whole_number, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return (
        rf"(CASE WHEN {text} ~ '^\s*[-+]?[0-9]+(\.[0-9]*)?\s*$' "
        f"THEN CAST(trunc(CAST({text} AS NUMERIC)) AS BIGINT) ELSE 0 END)"
    )


def _number(key: str) -> ColumnElement[Any]:
    """A number from the event's data (JSON number or numeric string)."""
    return whole_number(events.c.data[key].as_string())


WAITLIST = AdditiveHours(
    name="waitlist",
    source=events,
    time_column="occurred_at",
    table=rollup_waitlist_hours,
    keys=("actor_id", "room", "venue_id"),
    sums=(
        ("called", lambda t: _when(CALLED, _ONE)),
        ("seconds_in_line", lambda t: _when(CALLED, _number("secondsInLine"))),
        ("helped", lambda t: _when(HELP_DONE, _ONE)),
        ("seconds_helping", lambda t: _when(HELP_DONE, _number("secondsBeingHelped"))),
        ("shifts", lambda t: _when(SUPPORT_END, _ONE)),
        ("seconds_supporting_list", lambda t: _when(SUPPORT_END, _number("secondsSupportingList"))),
    ),
    where=lambda t: t.c.type.in_((CALLED, HELP_DONE, SUPPORT_END)),
)


# -- session hours: recomputed in Python (splitting, peaks) ---------------------------

_ROLLED = (
    ("visits", iv.VISITS),
    ("dwell_us", iv.DWELL_US),
    ("dwell_count", iv.DWELL_COUNT),
    ("satisfaction_sum", iv.SAT_SUM),
    ("satisfaction_count", iv.SAT_COUNT),
    ("started", iv.STARTED),
    ("present_at_start", iv.PRESENT),
    ("attendance_us", iv.ATTENDANCE_US),
    ("talk_us", iv.TALK_US),
    ("peak", iv.PEAK),
)
_HOUR_COLUMNS = ("hour", "venue_id", *(name for name, _ in _ROLLED))


def _hour_cuts(lo: datetime, hi: datetime) -> list[datetime]:
    cuts = [lo]
    while cuts[-1] < hi:
        cuts.append(cuts[-1] + HOUR)
    return cuts


def _hour_rows(
    workspace_id: int, stats: iv.Stats, cuts: Sequence[datetime]
) -> list[dict[str, Any]]:
    rows = []
    for (venue, seg), values in stats.items():
        row: dict[str, Any] = {"workspace_id": workspace_id, "hour": cuts[seg], "venue_id": venue}
        for name, slot in _ROLLED:
            row[name] = values[slot]
        rows.append(row)
    return rows


def _stored_hours(
    conn: Connection, workspace_id: int, lo: datetime, hi: datetime
) -> set[tuple[Any, ...]]:
    table = rollup_session_hours
    query = sa.select(*(table.c[c] for c in _HOUR_COLUMNS)).where(
        table.c.workspace_id == workspace_id, table.c.hour >= lo, table.c.hour < hi
    )
    return {tuple(row) for row in conn.execute(query)}


def venue_parts(conn: Connection, workspace_id: int) -> list[ColumnElement[bool]]:
    """Predicates on `sessions.venue_id` that together cover every session of the
    workspace, each letting an index on (workspace_id, venue_id, time) serve a range."""
    ids = list(
        conn.execute(sa.select(venues.c.id).where(venues.c.workspace_id == workspace_id)).scalars()
    )
    parts = [sessions.c.venue_id.in_(ids)] if ids else []
    return [*parts, sessions.c.venue_id.is_(None)]


def _stays_overlapping(
    conn: Connection,
    workspace_id: int,
    parts: Sequence[ColumnElement[bool]],
    lo: datetime,
    hi: datetime,
) -> Iterable[iv.Stay]:
    """Counted sessions arriving in [lo, hi) or carried into it, by index ranges."""
    base = (sessions.c.workspace_id == workspace_id, COUNTED)
    for part in parts:
        arriving = sa.select(*STAY_COLUMNS).where(
            *base, part, sessions.c.joined_at >= lo, sessions.c.joined_at < hi
        )
        yield from iv.stays_from_rows(conn.execute(arriving))
        carried = sa.select(*STAY_COLUMNS).where(
            *base, part, sessions.c.left_at > lo, sessions.c.joined_at < lo
        )
        yield from iv.stays_from_rows(conn.execute(carried))


@dataclass(frozen=True)
class SessionHours:
    name: str = "sessions"

    def rebuild(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        with engine.connect() as conn:
            dirty = read_dirty(conn, workspace_id, self.name)
            mark = start_mark(conn, sessions, workspace_id)
            counted = (
                sessions.c.workspace_id == workspace_id,
                sessions.c.joined_at.is_not(None),
                COUNTED,
            )
            span = conn.execute(
                sa.select(
                    sa.func.min(sessions.c.joined_at),
                    sa.func.max(sessions.c.joined_at),
                    sa.func.max(sessions.c.left_at),
                ).where(*counted)
            ).one()
            rows: list[dict[str, Any]] = []
            if span[0] is not None:
                lo = floor_hour(span[0])
                hi = ceil_hour(max(span[1], span[2] or span[1])) + HOUR
                hi = min(hi, ceil_hour(span[1]) + MAX_HORIZON)
                cuts = _hour_cuts(lo, hi)
                result = conn.execute(
                    sa.select(*STAY_COLUMNS).where(*counted).execution_options(yield_per=10_000)
                )
                stats = iv.segment_stats(iv.stays_from_rows(result), cuts, check=check)
                rows = _hour_rows(workspace_id, stats, cuts)
        check()
        with engine.begin() as conn:
            conn.execute(
                rollup_session_hours.delete().where(
                    rollup_session_hours.c.workspace_id == workspace_id
                )
            )
            for start in range(0, len(rows), 10_000):
                conn.execute(rollup_session_hours.insert(), rows[start : start + 10_000])
            write_mark(conn, workspace_id, self.name, mark)
            consume(conn, workspace_id, dirty.ids)
            _forget_days(conn, workspace_id, self.name)

    def refresh(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        with engine.connect() as conn:
            mark = read_mark(conn, workspace_id, self.name)
            dirty = read_dirty(conn, workspace_id, self.name)
            if mark is None or dirty.too_many:
                conn.close()
                self.rebuild(engine, workspace_id, check)
                return
            new_mark = start_mark(conn, sessions, workspace_id)
            seen = 0
            found: list[Span] = []
            stays = sa.select(sessions.c.joined_at, sessions.c.left_at).where(
                sessions.c.joined_at.is_not(None)
            )
            for query in changed(stays, sessions, workspace_id, mark, new_mark):
                for joined, left in conn.execute(query.limit(FULL_REBUILD_AFTER + 1)):
                    seen += 1
                    span = span_of(self.name, {"joined_at": joined, "left_at": left})
                    if span is not None:
                        found.append(span)
            if seen > FULL_REBUILD_AFTER:
                conn.close()
                self.rebuild(engine, workspace_id, check)
                return
            if not found and not dirty.ids:
                return  # nothing changed: keep the watermark, skip the write
            parts = venue_parts(conn, workspace_id)
            work: list[tuple[datetime, datetime, list[dict[str, Any]], bool]] = []
            for lo, hi in merged([*dirty.spans, *found], MERGE_GAP):
                check()
                cuts = _hour_cuts(lo, hi)
                stats = iv.segment_stats(
                    _stays_overlapping(conn, workspace_id, parts, lo, hi), cuts
                )
                rows = _hour_rows(workspace_id, stats, cuts)
                fresh = {tuple(row[c] for c in _HOUR_COLUMNS) for row in rows}
                work.append((lo, hi, rows, fresh != _stored_hours(conn, workspace_id, lo, hi)))
        with engine.begin() as conn:
            table = rollup_session_hours
            for lo, hi, rows, different in work:
                if not different:
                    continue  # e.g. rows the watermark finds again after their marks
                conn.execute(
                    table.delete().where(
                        table.c.workspace_id == workspace_id,
                        table.c.hour >= lo,
                        table.c.hour < hi,
                    )
                )
                if rows:
                    conn.execute(table.insert(), rows)
            if seen:
                write_mark(conn, workspace_id, self.name, new_mark)
            # hours the watermark found go to the days only where they changed something
            changed_ranges = [(lo, hi) for lo, hi, _, different in work if different]
            forward(
                conn,
                workspace_id,
                self.name,
                dirty,
                [s for s in found if any(s[0] < hi and lo < s[1] for lo, hi in changed_ranges)],
            )
            consume(conn, workspace_id, dirty.ids)


SESSIONS = SessionHours()
