"""Hourly rollups that keep report time flat as data grows.

Three tables hold whole UTC hours per workspace: `rollup_session_hours` (per venue:
visits, dwell, satisfaction, attendance minutes, talk, carried-in sessions, peak),
`rollup_sale_hours` (per venue, item, category, currency) and `rollup_lead_hours`
(per campaign, supplier, currency). Reports read them for the whole hours of each
bucket and read raw rows only for the slivers at bucket edges.

Maintenance has two inputs, and each dirty hour is recomputed from raw rows
(idempotent, all keys of the hour at once):

* `rollup_dirty`: the write path (`mark_write` from the core's commands,
  `mark_import` from the bulk importer) records, in the writer's own transaction, the
  UTC hours a row leaves and enters: an edit that moves a session to another hour
  or venue, a cancel, a delete all mark the old hours as well as the new ones. The
  refresh consumes exactly the rows it read, in the transaction that writes the
  recomputed hours, so a mark committed meanwhile waits for the next refresh.
* a watermark per (workspace, rollup), a safety net for rows written around the
  commands (raw SQL, the demo loader): rows whose `updated_at` is after
  `changed_after`, or whose id is above `last_id` (imports that keep historical
  `updated_at`), mark their current hours dirty (the watermark trails the clock by
  `LAG` to catch slow commits).

Reports refresh before they read; `rebuild` recomputes a workspace from scratch
(`turnout rollups rebuild`). Cancelled sessions are left out of the session rollup
(and of the attendance and visits reports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from turnout.core.clock import utcnow
from turnout.db.schema import (
    leads,
    rollup_dirty,
    rollup_lead_hours,
    rollup_sale_hours,
    rollup_session_hours,
    rollup_watermarks,
    sales,
    sessions,
    venues,
)
from turnout.reports import intervals as iv
from turnout.reports.buckets import HOUR, ceil_hour, floor_hour
from turnout.reports.sqltime import hour_start

LAG = timedelta(minutes=10)
# More changed sessions than this since the last refresh: rebuild the workspace.
FULL_REBUILD_AFTER = 50_000
# Dirty hours closer than this are recomputed as one range.
MERGE_GAP = timedelta(hours=24)
# A session's presence is rolled up for at most this long after the latest arrival.
MAX_HORIZON = timedelta(days=400)
# More unconsumed dirty marks than this: rebuild the workspace instead.
MAX_DIRTY_ROWS = 20_000
# Sessions that count in attendance and visits.
COUNTED: ColumnElement[bool] = sessions.c.status != "cancelled"

Check = Callable[[], None]


def _no_check() -> None:
    return None


# -- watermarks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    changed_after: datetime
    last_id: int


def read_mark(conn: Connection, workspace_id: int, name: str) -> Mark | None:
    row = conn.execute(
        sa.select(rollup_watermarks.c.changed_after, rollup_watermarks.c.last_id).where(
            rollup_watermarks.c.workspace_id == workspace_id, rollup_watermarks.c.name == name
        )
    ).first()
    return None if row is None else Mark(row.changed_after, int(row.last_id))


def write_mark(conn: Connection, workspace_id: int, name: str, mark: Mark) -> None:
    where = (rollup_watermarks.c.workspace_id == workspace_id) & (rollup_watermarks.c.name == name)
    conn.execute(rollup_watermarks.delete().where(where))
    conn.execute(
        rollup_watermarks.insert().values(
            workspace_id=workspace_id,
            name=name,
            changed_after=mark.changed_after,
            last_id=mark.last_id,
            refreshed_at=utcnow(),
        )
    )


def mark_all_dirty(engine: Engine, workspace_id: int, name: str | None = None) -> None:
    """Forget the watermark(s): the next refresh rebuilds the workspace."""
    with engine.begin() as conn:
        statement = rollup_watermarks.delete().where(
            rollup_watermarks.c.workspace_id == workspace_id
        )
        if name is not None:
            statement = statement.where(rollup_watermarks.c.name == name)
        conn.execute(statement)


def _start_mark(conn: Connection, source: sa.Table, workspace_id: int) -> Mark:
    """A watermark for now: the clock minus LAG, and the workspace's highest id (one
    step down the (workspace_id, id) index on both databases)."""
    last_id = conn.execute(
        sa.select(sa.func.max(source.c.id)).where(source.c.workspace_id == workspace_id)
    ).scalar_one()
    return Mark(utcnow() - LAG, int(last_id or 0))


def _changed(
    query: sa.Select[Any], source: sa.Table, workspace_id: int, mark: Mark, new: Mark
) -> list[sa.Select[Any]]:
    """Queries (each an index range) whose union is 'changed since mark': rows updated
    since, and, only if the workspace has any, rows with an id in (last, new last] (a
    closed range, so PostgreSQL estimates it well and never reads other tenants' rows)."""
    queries = [
        query.where(source.c.workspace_id == workspace_id, source.c.updated_at > mark.changed_after)
    ]
    if new.last_id > mark.last_id:
        queries.append(
            query.where(
                source.c.workspace_id == workspace_id,
                source.c.id > mark.last_id,
                source.c.id <= new.last_id,
            )
        )
    return queries


def _ranges(
    hours: Iterable[datetime], gap: timedelta = MERGE_GAP
) -> list[tuple[datetime, datetime]]:
    ranges: list[tuple[datetime, datetime]] = []
    for hour in sorted(set(hours)):
        if ranges and hour - ranges[-1][1] <= gap:
            ranges[-1] = (ranges[-1][0], hour + HOUR)
        else:
            ranges.append((hour, hour + HOUR))
    return ranges


# -- dirty hours from the write path -------------------------------------------------

# rollup name -> (source table, time columns, columns whose change alters the rollup)
_TRACKED: dict[str, tuple[sa.Table, tuple[str, ...], frozenset[str]]] = {
    "sessions": (
        sessions,
        ("joined_at", "left_at"),
        frozenset(("joined_at", "left_at", "venue_id", "talk_seconds", "satisfaction", "status")),
    ),
    "sales": (
        sales,
        ("sold_at",),
        frozenset(("sold_at", "venue_id", "item", "category", "currency", "quantity", "amount")),
    ),
    "leads": (
        leads,
        ("received_at",),
        frozenset(
            (
                "received_at",
                "campaign_id",
                "supplier_id",
                "currency",
                "status",
                "outcome",
                "supplier_cost",
                "email_cost",
                "sms_cost",
                "validation_cost",
                "revenue",
            )
        ),
    ),
}
_BY_TABLE = {table.name: name for name, (table, _, _) in _TRACKED.items()}

Span = tuple[datetime, datetime]


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _span(name: str, values: Mapping[str, Any] | None) -> Span | None:
    """The UTC hours [from, to) a row with these values occupies in rollup `name`."""
    if values is None:
        return None
    columns = _TRACKED[name][1]
    start = _utc(values.get(columns[0]))
    if start is None:
        return None
    last = start
    if len(columns) > 1:
        end = _utc(values.get(columns[1]))
        if end is not None and end > start:
            last = min(end, start + MAX_HORIZON)
    return floor_hour(start), floor_hour(last) + HOUR


def _merged(spans: Iterable[Span], gap: timedelta = timedelta(0)) -> list[Span]:
    out: list[Span] = []
    for lo, hi in sorted(spans):
        if out and lo - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _mark(conn: Connection, workspace_id: int, name: str, spans: Iterable[Span]) -> None:
    rows = [
        {"workspace_id": workspace_id, "name": name, "hour_from": lo, "hour_to": hi}
        for lo, hi in spans
    ]
    if rows:
        conn.execute(rollup_dirty.insert(), rows)


def _as_mapping(row: Any) -> Mapping[str, Any] | None:
    if row is None:
        return None
    mapping = getattr(row, "_mapping", row)
    assert isinstance(mapping, Mapping)
    return mapping


def mark_write(
    conn: Connection,
    workspace_id: int,
    table: sa.Table,
    before: Any | None,
    changes: Mapping[str, Any] | None,
) -> None:
    """Mark the rollup hours one row write leaves and enters, in the writer's transaction.

    `before` is the stored row before the write (None for an insert), `changes` the
    values written (None for a delete). Writes to untracked tables, and updates that
    change nothing a rollup holds, mark nothing.
    """
    name = _BY_TABLE.get(table.name)
    if name is None:
        return
    old = _as_mapping(before)
    if old is not None and changes is not None and not (changes.keys() & _TRACKED[name][2]):
        return
    new = None if changes is None else {**(old or {}), **changes}
    spans = [s for s in (_span(name, old), _span(name, new)) if s is not None]
    _mark(conn, workspace_id, name, _merged(spans))


def mark_import(conn: Connection, workspace_id: int, table: sa.Table, rows: Sequence[Any]) -> None:
    """Mark the hours a bulk-import batch touches, before it writes: each row's new
    place (`row.values`) and, for rows updating a stored one (`row.existing.id`), its
    current place, read here. Nearby hours merge so a batch adds a few marks."""
    name = _BY_TABLE.get(table.name)
    if name is None or not rows:
        return
    source, columns, _ = _TRACKED[name]
    ids = [row.existing.id for row in rows if getattr(row, "existing", None) is not None]
    stored: dict[int, Mapping[str, Any]] = {}
    query = sa.select(source.c.id, *(source.c[c] for c in columns)).where(
        source.c.workspace_id == workspace_id, source.c.id.in_(sa.bindparam("ids", expanding=True))
    )
    for start in range(0, len(ids), 1000):
        for found in conn.execute(query, {"ids": ids[start : start + 1000]}):
            stored[found.id] = dict(found._mapping)
    spans: list[Span] = []
    for row in rows:
        existing = getattr(row, "existing", None)
        old = stored.get(existing.id) if existing is not None else None
        for values in (old, {**(old or {}), **row.values}):
            span = _span(name, values)
            if span is not None:
                spans.append(span)
    _mark(conn, workspace_id, name, _merged(spans, MERGE_GAP))


def _read_dirty(conn: Connection, workspace_id: int, name: str) -> tuple[list[int], list[Span]]:
    """Unconsumed marks (at most MAX_DIRTY_ROWS + 1): their ids and hour spans."""
    query = (
        sa.select(rollup_dirty.c.id, rollup_dirty.c.hour_from, rollup_dirty.c.hour_to)
        .where(rollup_dirty.c.workspace_id == workspace_id, rollup_dirty.c.name == name)
        .order_by(rollup_dirty.c.id)
        .limit(MAX_DIRTY_ROWS + 1)
    )
    ids: list[int] = []
    spans: list[Span] = []
    for row in conn.execute(query):
        ids.append(int(row.id))
        spans.append((row.hour_from, row.hour_to))
    return ids, spans


def _consume(conn: Connection, workspace_id: int, ids: Sequence[int]) -> None:
    """Delete exactly the marks that were read (not ones committed since)."""
    for start in range(0, len(ids), 1000):
        conn.execute(
            rollup_dirty.delete().where(
                rollup_dirty.c.workspace_id == workspace_id,
                rollup_dirty.c.id.in_(ids[start : start + 1000]),
            )
        )


# -- additive rollups (sales, leads): recomputed in SQL --------------------------------


_ONE: ColumnElement[int] = sa.literal_column("1")
_ZERO: ColumnElement[int] = sa.literal_column("0")


def _flag(column: ColumnElement[Any], value: str) -> ColumnElement[int]:
    return sa.func.sum(sa.case((column == value, _ONE), else_=_ZERO))


@dataclass(frozen=True)
class AdditiveRollup:
    name: str
    source: sa.Table
    time_column: str
    table: sa.Table
    keys: tuple[str, ...]
    sums: tuple[tuple[str, Callable[[sa.Table], ColumnElement[Any]]], ...]

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
        if lo is not None and hi is not None:
            query = query.where(time >= lo, time < hi)
        return query.group_by(hour, *(src.c[k] for k in self.keys))

    def _insert(
        self, conn: Connection, workspace_id: int, lo: datetime | None, hi: datetime | None
    ) -> None:
        names = ["workspace_id", "hour", *self.keys, *(n for n, _ in self.sums)]
        query = self._select(conn.dialect.name, workspace_id, lo, hi)
        conn.execute(self.table.insert().from_select(names, query))

    def rebuild(self, engine: Engine, workspace_id: int, check: Check = _no_check) -> None:
        with engine.begin() as conn:
            consumed, _ = _read_dirty(conn, workspace_id, self.name)
            mark = _start_mark(conn, self.source, workspace_id)
            conn.execute(self.table.delete().where(self.table.c.workspace_id == workspace_id))
            self._insert(conn, workspace_id, None, None)
            write_mark(conn, workspace_id, self.name, mark)
            _consume(conn, workspace_id, consumed)

    def refresh(self, engine: Engine, workspace_id: int, check: Check = _no_check) -> None:
        with engine.connect() as conn:
            mark = read_mark(conn, workspace_id, self.name)
        if mark is None:
            self.rebuild(engine, workspace_id, check)
            return
        with engine.begin() as conn:
            consumed, spans = _read_dirty(conn, workspace_id, self.name)
            if len(consumed) > MAX_DIRTY_ROWS:
                conn.rollback()
                self.rebuild(engine, workspace_id, check)
                return
            new_mark = _start_mark(conn, self.source, workspace_id)
            hour = hour_start(self.source.c[self.time_column], conn.dialect.name)
            hours: set[datetime] = set()
            for query in _changed(sa.select(hour), self.source, workspace_id, mark, new_mark):
                hours.update(conn.execute(query.distinct()).scalars())
            if not hours and not spans:
                return  # nothing changed: keep the watermark, skip the write
            for lo, hi in _merged([*spans, *_ranges(hours)], MERGE_GAP):
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
            _consume(conn, workspace_id, consumed)


SALES = AdditiveRollup(
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

LEADS = AdditiveRollup(
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


# -- session hours: recomputed in Python (splitting, peaks) ---------------------------

STAY_COLUMNS = (
    sessions.c.venue_id,
    sessions.c.joined_at,
    sessions.c.left_at,
    sessions.c.talk_seconds,
    sessions.c.satisfaction,
)

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
class SessionRollup:
    name: str = "sessions"

    def rebuild(self, engine: Engine, workspace_id: int, check: Check = _no_check) -> None:
        with engine.connect() as conn:
            consumed, _ = _read_dirty(conn, workspace_id, self.name)
            mark = _start_mark(conn, sessions, workspace_id)
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
                result = conn.execution_options(yield_per=10_000).execute(
                    sa.select(*STAY_COLUMNS).where(*counted)
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
            if rows:
                conn.execute(rollup_session_hours.insert(), rows)
            write_mark(conn, workspace_id, self.name, mark)
            _consume(conn, workspace_id, consumed)

    def refresh(self, engine: Engine, workspace_id: int, check: Check = _no_check) -> None:
        with engine.connect() as conn:
            mark = read_mark(conn, workspace_id, self.name)
            consumed, spans = _read_dirty(conn, workspace_id, self.name)
            if mark is None or len(consumed) > MAX_DIRTY_ROWS:
                conn.close()
                self.rebuild(engine, workspace_id, check)
                return
            new_mark = _start_mark(conn, sessions, workspace_id)
            seen = 0
            stays = sa.select(sessions.c.joined_at, sessions.c.left_at).where(
                sessions.c.joined_at.is_not(None)
            )
            for query in _changed(stays, sessions, workspace_id, mark, new_mark):
                for joined, left in conn.execute(query.limit(FULL_REBUILD_AFTER + 1)):
                    seen += 1
                    span = _span(self.name, {"joined_at": joined, "left_at": left})
                    if span is not None:
                        spans.append(span)
            if seen > FULL_REBUILD_AFTER:
                conn.close()
                self.rebuild(engine, workspace_id, check)
                return
            if not spans:
                return  # nothing changed: keep the watermark, skip the write
            parts = venue_parts(conn, workspace_id)
            work: list[tuple[datetime, datetime, list[dict[str, Any]]]] = []
            for lo, hi in _merged(spans, MERGE_GAP):
                check()
                cuts = _hour_cuts(lo, hi)
                stats = iv.segment_stats(
                    _stays_overlapping(conn, workspace_id, parts, lo, hi), cuts
                )
                work.append((lo, hi, _hour_rows(workspace_id, stats, cuts)))
        with engine.begin() as conn:
            table = rollup_session_hours
            for lo, hi, rows in work:
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
            _consume(conn, workspace_id, consumed)


SESSIONS = SessionRollup()

Rollup = AdditiveRollup | SessionRollup
ROLLUPS: dict[str, Rollup] = {r.name: r for r in (SESSIONS, SALES, LEADS)}


def rebuild_all(engine: Engine, workspace_id: int) -> None:
    for rollup in ROLLUPS.values():
        rollup.rebuild(engine, workspace_id)
