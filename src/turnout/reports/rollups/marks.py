"""What is out of date in the rollups: dirty marks from the write path, and watermarks.

* `rollup_dirty` rows (the marks): the write path (`mark_write` from the core's
  commands, `mark_import` from the bulk importer) records, in the writer's own
  transaction, the UTC hours a row leaves and enters: an edit that moves a session
  to another hour or venue, a cancel, a delete all mark the old hours as well as the
  new ones. The hourly refresh consumes exactly the marks it read, in the transaction
  that writes the recomputed hours, and forwards them to the daily stage as marks
  named `<rollup>_days` (`day_marks`). Session marks also say whose first visits may
  have changed (`customer_id`: a customer; 0: nobody; NULL: anyone arriving in the
  hours).
* a watermark per (workspace, rollup), a safety net for rows written around the
  commands (raw SQL, the demo loader): rows whose `updated_at` is after
  `changed_after`, or whose id is above `last_id` (imports that keep historical
  `updated_at`), mark their current hours dirty (the watermark trails the clock by
  `LAG` to catch slow commits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from turnout.core.clock import utcnow
from turnout.db.schema import events, leads, rollup_dirty, rollup_watermarks, sales, sessions
from turnout.reports.buckets import HOUR, floor_hour
from turnout.reports.daystate import NOBODY, day_marks

LAG = timedelta(minutes=10)
# Dirty hours closer than this are recomputed as one range.
MERGE_GAP = timedelta(hours=24)
# A session's presence is rolled up for at most this long after the latest arrival.
MAX_HORIZON = timedelta(days=400)
# More unconsumed dirty marks than this: rebuild the workspace instead.
MAX_DIRTY_ROWS = 20_000

Span = tuple[datetime, datetime]


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
    """Forget the watermark(s): the next refresh rebuilds the workspace (hours and days)."""
    with engine.begin() as conn:
        statement = rollup_watermarks.delete().where(
            rollup_watermarks.c.workspace_id == workspace_id
        )
        if name is not None:
            statement = statement.where(rollup_watermarks.c.name == name)
        conn.execute(statement)


def start_mark(conn: Connection, source: sa.Table, workspace_id: int) -> Mark:
    """A watermark for now: the clock minus LAG, and the workspace's highest id (one
    step down the (workspace_id, id) index on both databases)."""
    last_id = conn.execute(
        sa.select(sa.func.max(source.c.id)).where(source.c.workspace_id == workspace_id)
    ).scalar_one()
    return Mark(utcnow() - LAG, int(last_id or 0))


def changed(
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


def hour_ranges(
    hours: Iterable[datetime], gap: timedelta = MERGE_GAP
) -> list[tuple[datetime, datetime]]:
    ranges: list[tuple[datetime, datetime]] = []
    for hour in sorted(set(hours)):
        if ranges and hour - ranges[-1][1] <= gap:
            ranges[-1] = (ranges[-1][0], hour + HOUR)
        else:
            ranges.append((hour, hour + HOUR))
    return ranges


_Point = TypeVar("_Point", datetime, int)


def merged(
    spans: Iterable[tuple[_Point, _Point]], gap: Any = timedelta(0)
) -> list[tuple[_Point, _Point]]:
    """Spans sorted and joined where they overlap or lie at most `gap` apart
    (datetimes with a timedelta gap, or hour numbers with an int one)."""
    out: list[tuple[_Point, _Point]] = []
    for lo, hi in sorted(spans):
        if out and lo - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


# -- dirty hours from the write path -------------------------------------------------

# rollup name -> (source table, time columns, columns whose change alters the rollup)
TRACKED: dict[str, tuple[sa.Table, tuple[str, ...], frozenset[str]]] = {
    "sessions": (
        sessions,
        ("joined_at", "left_at"),
        frozenset(
            (
                "joined_at",
                "left_at",
                "venue_id",
                "customer_id",
                "talk_seconds",
                "satisfaction",
                "status",
            )
        ),
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
    "waitlist": (
        events,
        ("occurred_at",),
        frozenset(("occurred_at", "type", "actor_id", "room", "venue_id", "data")),
    ),
}
_BY_TABLE = {table.name: name for name, (table, _, _) in TRACKED.items()}


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def span_of(name: str, values: Mapping[str, Any] | None) -> Span | None:
    """The UTC hours [from, to) a row with these values occupies in rollup `name`."""
    if values is None:
        return None
    columns = TRACKED[name][1]
    start = _utc(values.get(columns[0]))
    if start is None:
        return None
    last = start
    if len(columns) > 1:
        end = _utc(values.get(columns[1]))
        if end is not None and end > start:
            last = min(end, start + MAX_HORIZON)
    return floor_hour(start), floor_hour(last) + HOUR


def add_marks(
    conn: Connection,
    workspace_id: int,
    name: str,
    spans: Iterable[Span],
    customer_id: int | None = None,
) -> None:
    rows = [
        {
            "workspace_id": workspace_id,
            "name": name,
            "hour_from": lo,
            "hour_to": hi,
            "customer_id": customer_id,
        }
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


def _customer(values: Mapping[str, Any] | None) -> int:
    found = None if values is None else values.get("customer_id")
    return NOBODY if found is None else int(found)


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
    change nothing a rollup holds, mark nothing. A session mark names the customer
    of each side, whose first visits the daily rollup then recomputes.
    """
    name = _BY_TABLE.get(table.name)
    if name is None:
        return
    old = _as_mapping(before)
    if old is not None and changes is not None and not (changes.keys() & TRACKED[name][2]):
        return
    new = None if changes is None else {**(old or {}), **changes}
    if name != "sessions":
        spans = [s for s in (span_of(name, old), span_of(name, new)) if s is not None]
        add_marks(conn, workspace_id, name, merged(spans))
        return
    sides: dict[int, list[Span]] = {}
    for values in (old, new):
        span = span_of(name, values)
        if span is not None:
            sides.setdefault(_customer(values), []).append(span)
    for customer, spans in sides.items():
        add_marks(conn, workspace_id, name, merged(spans), customer)


@dataclass(frozen=True, slots=True)
class Dirty:
    """Unconsumed marks (at most MAX_DIRTY_ROWS + 1): ids, spans, customers."""

    ids: list[int]
    spans: list[Span]
    customers: list[int | None]

    @property
    def too_many(self) -> bool:
        return len(self.ids) > MAX_DIRTY_ROWS


def read_dirty(conn: Connection, workspace_id: int, name: str) -> Dirty:
    query = (
        sa.select(
            rollup_dirty.c.id,
            rollup_dirty.c.hour_from,
            rollup_dirty.c.hour_to,
            rollup_dirty.c.customer_id,
        )
        .where(rollup_dirty.c.workspace_id == workspace_id, rollup_dirty.c.name == name)
        .order_by(rollup_dirty.c.id)
        .limit(MAX_DIRTY_ROWS + 1)
    )
    dirty = Dirty([], [], [])
    for row in conn.execute(query):
        dirty.ids.append(int(row.id))
        dirty.spans.append((row.hour_from, row.hour_to))
        dirty.customers.append(None if row.customer_id is None else int(row.customer_id))
    return dirty


def consume(conn: Connection, workspace_id: int, ids: Sequence[int]) -> None:
    """Delete exactly the marks that were read (not ones committed since)."""
    for start in range(0, len(ids), 1000):
        conn.execute(
            rollup_dirty.delete().where(
                rollup_dirty.c.workspace_id == workspace_id,
                rollup_dirty.c.id.in_(ids[start : start + 1000]),
            )
        )


def forward(
    conn: Connection,
    workspace_id: int,
    name: str,
    dirty: Dirty,
    spans: Iterable[Span] = (),
) -> None:
    """Hand the marks the hourly stage consumes, and the hours it found changed by the
    watermark (`spans`, customers open), to the daily stage, in the same transaction."""
    by_customer: dict[int | None, list[Span]] = {}
    for span, customer in zip(dirty.spans, dirty.customers, strict=True):
        by_customer.setdefault(customer, []).append(span)
    by_customer.setdefault(None, []).extend(spans)
    rows = [
        {
            "workspace_id": workspace_id,
            "name": day_marks(name),
            "hour_from": lo,
            "hour_to": hi,
            "customer_id": customer,
        }
        for customer, customer_spans in by_customer.items()
        for lo, hi in merged(customer_spans)
    ]
    for start in range(0, len(rows), 1000):
        conn.execute(rollup_dirty.insert(), rows[start : start + 1000])
