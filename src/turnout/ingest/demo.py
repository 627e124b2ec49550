"""Load realistic, deterministic demo data into one workspace.

`generate_demo(engine, size=...)` fills an empty workspace with ~6 months of
history ending at `anchor` (plus three weeks of upcoming bookings): venues of all
five kinds, customers, sessions, goods sold, vouchers, campaigns and leads,
waitlist events, private-space purchases. Same `seed` and `anchor` give the same
rows, value for value (ids too, in a fresh database).

Everything is one transaction: a failed load leaves nothing behind, so the "only
into an empty workspace" rule can simply be retried. Rows are built in storage
form and streamed through `turnout.ingest.bulk`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from turnout.core.errors import Conflict, InvalidParameter
from turnout.core.workspaces import Workspace, create_workspace, find_workspace
from turnout.db import schema
from turnout.db.engine import write_transaction
from turnout.ingest.bulk import insert_rows, reserve_ids
from turnout.ingest.demo_business import (
    CAMPAIGN_COLUMNS,
    EVENT_COLUMNS,
    LEAD_COLUMNS,
    SUPPLIER_COLUMNS,
    VOUCHER_COLUMNS,
    campaign_rows,
    event_rows,
    lead_rows,
    supplier_rows,
    voucher_rows,
)
from turnout.ingest.demo_catalogue import CAMPAIGNS, LABELS, SUPPLIERS
from turnout.ingest.demo_clock import DAY, Calendar, make_formatter, stage_rng
from turnout.ingest.demo_people import CUSTOMER_COLUMNS, customer_rows
from turnout.ingest.demo_sales import (
    SALE_COLUMNS,
    SESSION_LABEL_COLUMNS,
    sale_rows,
    session_label_rows,
)
from turnout.ingest.demo_sessions import SESSION_COLUMNS, SessionTrail, session_rows
from turnout.ingest.demo_spaces import (
    PRICE_COLUMNS,
    PRICE_COUNT,
    PRODUCT_COLUMNS,
    PRODUCT_COUNT,
    PURCHASE_COLUMNS,
    product_rows,
    purchase_rows,
)
from turnout.ingest.demo_venues import (
    LABEL_COLUMNS,
    PROFILE_FIELD_COLUMNS,
    PROFILE_FIELDS,
    VENUE_COLUMNS,
    VENUE_COUNT,
    label_rows,
    profile_field_rows,
    venue_rows,
)

Progress = Callable[[int], None]

BATCH_SIZE = 20_000
PURCHASES = 36


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded: rows per table, in load order."""

    workspace: str
    workspace_id: int
    profile_fields: int
    labels: int
    venues: int
    customers: int
    campaigns: int
    suppliers: int
    products: int
    prices: int
    purchases: int
    sessions: int
    session_labels: int
    sales: int
    vouchers: int
    leads: int
    events: int
    seconds: float

    @property
    def counts(self) -> dict[str, int]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("workspace", "workspace_id", "seconds")
        }

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def demo_counts(size: int) -> dict[str, int]:
    """Rows per table for `size` sessions (depends on size only, never on the seed)."""
    digits = len(str(size))
    return {
        "profile_fields": len(PROFILE_FIELDS),
        "labels": len(LABELS),
        "venues": VENUE_COUNT,
        "customers": max(50, size // 8),
        "campaigns": _clamp(3 + digits, 5, min(12, len(CAMPAIGNS))),
        "suppliers": _clamp(digits - 1, 4, min(8, len(SUPPLIERS))),
        "products": PRODUCT_COUNT,
        "prices": PRICE_COUNT,
        "purchases": PURCHASES,
        "sessions": size,
        "session_labels": size // 8,
        "sales": size // 2,
        "vouchers": max(20, size // 50),
        "leads": size // 4,
        "events": size // 10,
    }


def demo_total_rows(size: int) -> int:
    """Rows `generate_demo(size=size)` writes: what its progress calls add up to."""
    return sum(demo_counts(size).values())


def generate_demo(
    engine: Engine,
    *,
    workspace: str = "demo",
    size: int = 20_000,
    seed: int = 1,
    anchor: date | None = None,
    timezone: str = "Europe/London",
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill `workspace` (created if missing, refused if it holds data) with demo data.

    `size` is the number of sessions; everything else scales from it (see
    `demo_counts`). `timezone` applies when the workspace is created here; an
    existing workspace keeps its own, and opening hours follow it.
    """
    if size < 1:
        raise InvalidParameter.for_field("size", "minimum", "size must be at least 1")
    anchor = anchor or datetime.now(UTC).date()
    counts = demo_counts(size)
    started = time.perf_counter()
    # A writer from the start (BEGIN IMMEDIATE on SQLite): no other writer gets in
    # between the emptiness check and the load, and no read lock is upgraded mid-way.
    with write_transaction(engine) as conn:
        ws = _prepare_workspace(conn, workspace, timezone)
        written = _load(conn, ws, counts, seed=seed, anchor=anchor, progress=progress)
    if written != counts:  # pragma: no cover - a generator broke its count
        raise AssertionError(f"demo wrote {written}, planned {counts}")
    return DemoSummary(
        workspace=ws.slug,
        workspace_id=ws.id,
        seconds=time.perf_counter() - started,
        **written,
    )


_DATA_TABLES = (
    schema.sessions,
    schema.customers,
    schema.venues,
    schema.sales,
    schema.leads,
    schema.events,
    schema.vouchers,
    schema.profile_fields,
    schema.labels,
    schema.campaigns,
    schema.suppliers,
    schema.products,
    schema.prices,
    schema.purchases,
)


def first_table_with_data(conn: Connection, workspace_id: int) -> sa.Table | None:
    """The first demo table holding rows of this workspace, or None when it is empty."""
    for table in _DATA_TABLES:
        hit = conn.execute(
            sa.select(sa.literal(1)).where(table.c.workspace_id == workspace_id).limit(1)
        ).first()
        if hit is not None:
            return table
    return None


def _prepare_workspace(conn: Connection, slug: str, timezone: str) -> Workspace:
    found = find_workspace(conn, slug)
    if found is None:
        name = "Demo" if slug == "demo" else slug
        return create_workspace(conn, slug=slug, name=name, timezone=timezone)
    # Any data would clash on unique names and codes, so any refuses the load.
    table = first_table_with_data(conn, found.id)
    if table is not None:
        what = "sessions" if table is schema.sessions else f"{table.name} rows"
        raise Conflict.for_field(
            "workspace",
            "empty",
            f"workspace {slug!r} already has {what}; demo data loads only into an empty workspace",
        )
    return found


def _load(
    conn: Connection,
    ws: Workspace,
    counts: dict[str, int],
    *,
    seed: int,
    anchor: date,
    progress: Progress | None,
) -> dict[str, int]:
    calendar = Calendar.build(anchor, ZoneInfo(ws.timezone))
    fmt = make_formatter()
    written: dict[str, int] = {}
    common: dict[str, Any] = {"workspace_id": ws.id, "calendar": calendar, "fmt": fmt}

    def ids(table: sa.Table) -> Sequence[int]:
        return reserve_ids(conn, table, counts[table.name])

    def load(table: sa.Table, columns: tuple[str, ...], rows: Any) -> None:
        written[table.name] = insert_rows(
            conn, table, columns, rows, batch_size=BATCH_SIZE, progress=progress
        )

    setup = calendar.start - 400 * DAY
    load(
        schema.profile_fields,
        PROFILE_FIELD_COLUMNS,
        profile_field_rows(
            ids(schema.profile_fields), workspace_id=ws.id, created_ms=setup, fmt=fmt
        ),
    )
    label_ids = ids(schema.labels)
    load(
        schema.labels,
        LABEL_COLUMNS,
        label_rows(label_ids, workspace_id=ws.id, created_ms=setup, fmt=fmt),
    )
    venue_data, venues = venue_rows(
        stage_rng(seed, "venues"),
        ids(schema.venues),
        workspace_id=ws.id,
        timezone=ws.timezone,
        start_ms=calendar.start,
        fmt=fmt,
    )
    load(schema.venues, VENUE_COLUMNS, venue_data)
    customer_data, people = customer_rows(
        stage_rng(seed, "customers"), ids(schema.customers), **common
    )
    load(schema.customers, CUSTOMER_COLUMNS, customer_data)

    campaign_ids = ids(schema.campaigns)
    campaign_data, economics = campaign_rows(stage_rng(seed, "campaigns"), campaign_ids, **common)
    load(schema.campaigns, CAMPAIGN_COLUMNS, campaign_data)
    supplier_ids = ids(schema.suppliers)
    supplier_data, supplier_weights = supplier_rows(
        stage_rng(seed, "suppliers"), supplier_ids, **common
    )
    load(schema.suppliers, SUPPLIER_COLUMNS, supplier_data)

    price_ids = ids(schema.prices)
    product_data, price_data = product_rows(
        stage_rng(seed, "products"), ids(schema.products), price_ids, venues=venues, **common
    )
    load(schema.products, PRODUCT_COLUMNS, product_data)
    load(schema.prices, PRICE_COLUMNS, price_data)
    load(
        schema.purchases,
        PURCHASE_COLUMNS,
        purchase_rows(
            stage_rng(seed, "purchases"),
            ids(schema.purchases),
            price_ids=price_ids,
            people=people,
            **common,
        ),
    )

    session_ids = ids(schema.sessions)
    trail = SessionTrail()
    load(
        schema.sessions,
        SESSION_COLUMNS,
        session_rows(
            stage_rng(seed, "sessions"),
            session_ids,
            venues=venues,
            people=people,
            trail=trail,
            **common,
        ),
    )
    load(
        schema.session_labels,
        SESSION_LABEL_COLUMNS,
        session_label_rows(
            stage_rng(seed, "session_labels"),
            counts["session_labels"],
            workspace_id=ws.id,
            session_ids=session_ids,
            label_ids=label_ids,
            trail=trail,
        ),
    )
    load(
        schema.sales,
        SALE_COLUMNS,
        sale_rows(
            stage_rng(seed, "sales"), ids(schema.sales), venues=venues, trail=trail, **common
        ),
    )
    del trail
    load(
        schema.vouchers,
        VOUCHER_COLUMNS,
        voucher_rows(stage_rng(seed, "vouchers"), ids(schema.vouchers), venues=venues, **common),
    )
    load(
        schema.leads,
        LEAD_COLUMNS,
        lead_rows(
            stage_rng(seed, "leads"),
            ids(schema.leads),
            campaign_ids=campaign_ids,
            economics=economics,
            supplier_ids=supplier_ids,
            supplier_weights=supplier_weights,
            people=people,
            **common,
        ),
    )
    load(
        schema.events,
        EVENT_COLUMNS,
        event_rows(
            stage_rng(seed, "events"), ids(schema.events), venues=venues, people=people, **common
        ),
    )
    return written
