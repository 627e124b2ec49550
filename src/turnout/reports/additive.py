"""Sums that add up across time (sales, leads, waitlist events), by bucket and keys.

Raw rows are summed in SQL per (keys, time slot), where a slot is a stretch of whole
seconds that no bucket boundary cuts (15 minutes in every zone in use today), and
rollup rows per (keys, UTC hour); Python then adds slots and hours into buckets.
Either way the database returns at most one row per key and slot, never per event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import gcd
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from turnout.reports.buckets import Plan, bucket_bounds, make_plan
from turnout.reports.days import DayPlan, day_plan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.sqltime import epoch_slot

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_SLOT_SECONDS = 900
# Up to this many buckets the rollup is summed per bucket in SQL.
MAX_SQL_BUCKETS = 400


@dataclass(frozen=True)
class AdditiveQuery:
    """One fact table (and optionally its rollup) read as sums by keys and bucket."""

    source: sa.Table
    time_column: str
    keys: Mapping[str, str]
    """dimension or filter name -> column name (the same in the rollup)."""
    sums: Sequence[tuple[str, Callable[[sa.Table], ColumnElement[Any]]]]
    """sum name -> aggregate over the source table (the rollup column has the name)."""
    rollup: sa.Table | None = None
    where: Callable[[sa.Table], ColumnElement[bool]] | None = None
    day_rollup: sa.Table | None = None
    """The daily rollup (`turnout.reports.rollups`), read for windows of whole days."""


def slot_seconds(bounds: Sequence[datetime]) -> int:
    """The largest slot (<= 15 minutes) that every interior bucket bound starts."""
    size = MAX_SLOT_SECONDS
    for bound in bounds[1:-1]:
        size = gcd(size, int((bound - _EPOCH) // timedelta(seconds=1)))
        if size == 1:
            break
    return size


def _in_ranges(
    column: ColumnElement[Any], ranges: Sequence[tuple[datetime, datetime]]
) -> ColumnElement[bool]:
    if not ranges:
        return sa.false()
    return sa.or_(*((column >= lo) & (column < hi) for lo, hi in ranges))


def _filters(
    table: sa.Table, query: AdditiveQuery, request: ReportRequest
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for name, values in request.filters.items():
        clauses.append(table.c[query.keys[name]].in_(values))
    return clauses


def sum_by_bucket(
    conn: Connection,
    query: AdditiveQuery,
    request: ReportRequest,
    plan: Plan,
    keys: Sequence[str],
    deadline: Deadline,
) -> dict[tuple[Any, ...], list[Any]]:
    """(bucket index, *key values) -> sums in the order of ``query.sums``."""
    totals: dict[tuple[Any, ...], list[Any]] = {}
    names = [name for name, _ in query.sums]

    def add(instant: datetime, key_values: Sequence[Any], values: Sequence[Any]) -> None:
        bucket = plan.bucket_of(max(instant, plan.bounds[0]))
        if bucket is not None:
            add_to(bucket, key_values, values)

    def add_to(bucket: int, key_values: Sequence[Any], values: Sequence[Any]) -> None:
        key = (bucket, *key_values)
        row = totals.get(key)
        if row is None:
            totals[key] = [v if v is not None else 0 for v in values]
        else:
            for i, v in enumerate(values):
                if v is not None:
                    row[i] += v

    src = query.source
    key_columns = [src.c[query.keys[k]] for k in keys]
    size = slot_seconds(plan.bounds)
    slot = epoch_slot(src.c[query.time_column], conn.dialect.name, size)
    raw = (
        sa.select(*key_columns, slot.label("slot"), *(make(src).label(n) for n, make in query.sums))
        .where(src.c.workspace_id == request.workspace_id)
        .where(_in_ranges(src.c[query.time_column], plan.raw_ranges))
        .where(*_filters(src, query, request))
        .group_by(*key_columns, slot)
    )
    if query.where is not None:
        raw = raw.where(query.where(src))
    nkeys = len(keys)
    deadline.check()
    for row in conn.execute(raw) if plan.raw_ranges else ():
        start = _EPOCH + timedelta(seconds=int(row[nkeys]) * size)
        add(start, row[:nkeys], row[nkeys + 1 :])
    if plan.rollup_ranges:
        table = query.rollup
        assert table is not None
        rolled_keys = [table.c[query.keys[k]] for k in keys]
        # few buckets: sum per bucket in SQL (a CASE over the bounds), so the database
        # returns one row per key and bucket however many hours lie behind it
        by_bucket = len(plan.bounds) - 1 <= MAX_SQL_BUCKETS
        period: ColumnElement[Any] = (
            sa.case(
                *((table.c.hour < bound, index) for index, bound in enumerate(plan.bounds[1:])),
                else_=-1,
            )
            if by_bucket
            else table.c.hour
        )
        rolled = (
            sa.select(*rolled_keys, period, *(sa.func.sum(table.c[n]).label(n) for n in names))
            .where(table.c.workspace_id == request.workspace_id)
            .where(_in_ranges(table.c.hour, plan.rollup_ranges))
            .where(*_filters(table, query, request))
            .group_by(*rolled_keys, period)
        )
        deadline.check()
        for row in conn.execute(rolled):
            if by_bucket:
                if int(row[nkeys]) >= 0:
                    add_to(int(row[nkeys]), row[:nkeys], row[nkeys + 1 :])
            else:
                add(row[nkeys], row[:nkeys], row[nkeys + 1 :])
    return totals


def sum_by_day(
    conn: Connection,
    query: AdditiveQuery,
    request: ReportRequest,
    plan: DayPlan,
    keys: Sequence[str],
    deadline: Deadline,
) -> dict[tuple[Any, ...], list[Any]]:
    """As `sum_by_bucket`, from the daily rollup: every bucket is whole local days."""
    table = query.day_rollup
    assert table is not None
    names = [name for name, _ in query.sums]
    key_columns = [table.c[query.keys[k]] for k in keys]
    period: ColumnElement[Any] = plan.bucket(table.c.day) if plan.in_sql() else table.c.day
    rolled = (
        sa.select(*key_columns, period, *(sa.func.sum(table.c[n]).label(n) for n in names))
        .where(
            table.c.workspace_id == request.workspace_id,
            table.c.day >= plan.first,
            table.c.day < plan.end,
        )
        .where(*_filters(table, query, request))
        .group_by(*key_columns, period)
    )
    totals: dict[tuple[Any, ...], list[Any]] = {}
    nkeys = len(keys)
    deadline.check()
    for row in conn.execute(rolled):
        bucket = int(row[nkeys]) if plan.in_sql() else plan.bucket_of(row[nkeys])
        if bucket is None or bucket < 0:
            continue
        key = (bucket, *row[:nkeys])
        values = [v if v is not None else 0 for v in row[nkeys + 1 :]]
        found = totals.get(key)
        if found is None:
            totals[key] = values
        else:
            for i, v in enumerate(values):
                found[i] += v
    return totals


@dataclass(frozen=True)
class Sums:
    totals: dict[tuple[Any, ...], list[Any]]
    used_rollups: bool
    used_days: bool


def sums_for(
    conn: Connection,
    query: AdditiveQuery,
    request: ReportRequest,
    keys: Sequence[str],
    deadline: Deadline,
    rollup: str,
) -> Sums:
    """The daily rollup when the window is whole days of its zone, else hours and raw rows."""
    days = day_plan(conn, request, rollup)
    if days is not None:
        return Sums(sum_by_day(conn, query, request, days, keys, deadline), True, True)
    bounds = bucket_bounds(request.start, request.end, request.tz, request.granularity)
    plan = make_plan(bounds, use_rollups=request.use_rollups)
    return Sums(sum_by_bucket(conn, query, request, plan, keys, deadline), plan.uses_rollups, False)
