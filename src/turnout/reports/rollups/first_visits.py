"""First visits: each known customer's first counted arrival per venue and anywhere.

`rollup_first_visits` is what makes a day's `new_visitors` exact without reading the
history before it: new at a venue on a day = customers whose first arrival there
lies in that day. A write changes first visits only for the customers of the
sessions it touched, so the daily refresh recomputes those customers (from the
(workspace_id, customer_id) index) and recounts the days their first visits left
and entered.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.schema import rollup_first_visits, sessions
from turnout.reports.daystate import NOBODY
from turnout.reports.rollups.daily import day_of
from turnout.reports.rollups.marks import Dirty, Span, merged
from turnout.reports.stays import COUNTED, KNOWN_CUSTOMER

# More customers to follow than this: rebuild the days instead.
MAX_CUSTOMERS = 20_000
_BATCH = 1000

Key = tuple[int, int | None, bool]
"""(customer, venue or None, anywhere)."""


def _arrivals(workspace_id: int) -> tuple[Any, ...]:
    return (
        sessions.c.workspace_id == workspace_id,
        sessions.c.customer_id.is_not(None),
        sessions.c.joined_at.is_not(None),
        COUNTED,
    )


def rebuild(conn: Connection, workspace_id: int) -> None:
    """From scratch, in SQL: per (customer, venue), then anywhere from those rows."""
    fv = rollup_first_visits
    conn.execute(fv.delete().where(fv.c.workspace_id == workspace_id))
    per_venue = (
        sa.select(
            sa.literal(workspace_id, sa.BigInteger),
            sessions.c.customer_id,
            sessions.c.venue_id,
            sa.false(),
            sa.func.min(sessions.c.joined_at),
        )
        .where(*_arrivals(workspace_id))
        .group_by(sessions.c.customer_id, sessions.c.venue_id)
    )
    columns = ["workspace_id", "customer_id", "venue_id", "anywhere", "first_at"]
    conn.execute(fv.insert().from_select(columns, per_venue))
    anywhere = (
        sa.select(
            sa.literal(workspace_id, sa.BigInteger),
            fv.c.customer_id,
            sa.null(),
            sa.true(),
            sa.func.min(fv.c.first_at),
        )
        .where(fv.c.workspace_id == workspace_id, fv.c.anywhere.is_(False))
        .group_by(fv.c.customer_id)
    )
    conn.execute(fv.insert().from_select(columns, anywhere))


def open_customers(
    conn: Connection,
    workspace_id: int,
    parts: Sequence[sa.ColumnElement[bool]],
    spans: Iterable[Span],
    limit: int,
) -> set[int]:
    """Customers of any session (cancelled too) arriving in the spans, up to limit + 1."""
    found: set[int] = set()
    for lo, hi in merged(spans):
        for part in parts:
            query = (
                sa.select(sessions.c.customer_id)
                .where(
                    sessions.c.workspace_id == workspace_id,
                    part,
                    sessions.c.joined_at >= lo,
                    sessions.c.joined_at < hi,
                    KNOWN_CUSTOMER,
                )
                .distinct()
                .limit(limit + 1)
            )
            found.update(int(c) for c in conn.execute(query).scalars())
            if len(found) > limit:
                return found
    return found


def to_follow(
    conn: Connection,
    workspace_id: int,
    parts: Sequence[sa.ColumnElement[bool]],
    dirty: Dirty,
) -> set[int] | None:
    """The customers the marks name, plus those arriving in marks that leave them open;
    None when more than MAX_CUSTOMERS."""
    named = {c for c in dirty.customers if c is not None and c != NOBODY}
    spans = [s for s, c in zip(dirty.spans, dirty.customers, strict=True) if c is None]
    customers = named | open_customers(conn, workspace_id, parts, spans, MAX_CUSTOMERS)
    return None if len(customers) > MAX_CUSTOMERS else customers


def follow(conn: Connection, workspace_id: int, tz: ZoneInfo, customers: set[int]) -> set[date]:
    """Recompute these customers' first visits; the local days that gained or lost one."""
    fv = rollup_first_visits
    days: set[date] = set()
    ordered = sorted(customers)
    for start in range(0, len(ordered), _BATCH):
        batch = ordered[start : start + _BATCH]
        stored: dict[Key, datetime] = {}
        for row in conn.execute(
            sa.select(fv.c.customer_id, fv.c.venue_id, fv.c.anywhere, fv.c.first_at).where(
                fv.c.workspace_id == workspace_id, fv.c.customer_id.in_(batch)
            )
        ):
            stored[(int(row.customer_id), row.venue_id, bool(row.anywhere))] = row.first_at
        current: dict[Key, datetime] = {}
        query = (
            sa.select(
                sessions.c.customer_id, sessions.c.venue_id, sa.func.min(sessions.c.joined_at)
            )
            .where(*_arrivals(workspace_id), sessions.c.customer_id.in_(batch))
            .group_by(sessions.c.customer_id, sessions.c.venue_id)
        )
        for customer, venue, first in conn.execute(query):
            current[(int(customer), venue, False)] = first
            anywhere = (int(customer), None, True)
            if anywhere not in current or first < current[anywhere]:
                current[anywhere] = first
        if stored == current:
            continue
        for key in stored.keys() | current.keys():
            before, after = stored.get(key), current.get(key)
            if before != after:
                days.update(day_of(t, tz) for t in (before, after) if t is not None)
        conn.execute(
            fv.delete().where(fv.c.workspace_id == workspace_id, fv.c.customer_id.in_(batch))
        )
        rows = [
            {
                "workspace_id": workspace_id,
                "customer_id": customer,
                "venue_id": venue,
                "anywhere": anywhere,
                "first_at": first,
            }
            for (customer, venue, anywhere), first in current.items()
        ]
        if rows:
            conn.execute(fv.insert(), rows)
    return days


def new_by_day(
    conn: Connection, workspace_id: int, bounds: Sequence[datetime]
) -> tuple[dict[tuple[int, int | None], int], dict[int, int]]:
    """First visits per (day index, venue) and anywhere per day index, for the days
    [bounds[i], bounds[i + 1])."""
    fv = rollup_first_visits
    by_venue: dict[tuple[int, int | None], int] = {}
    anywhere: dict[int, int] = {}
    query = sa.select(fv.c.venue_id, fv.c.anywhere, fv.c.first_at).where(
        fv.c.workspace_id == workspace_id,
        fv.c.first_at >= bounds[0],
        fv.c.first_at < bounds[-1],
    )
    for venue, is_anywhere, first in conn.execute(query):
        index = bisect_right(bounds, first) - 1
        if is_anywhere:
            anywhere[index] = anywhere.get(index, 0) + 1
        else:
            by_venue[(index, venue)] = by_venue.get((index, venue), 0) + 1
    return by_venue, anywhere
