"""The demo data generator on both backends: determinism, invariants, refusals."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.factories import make_customer, make_session, make_workspace, unique_slug
from turnout.cli.main import app
from turnout.core.errors import Conflict, InvalidParameter
from turnout.core.workspaces import find_workspace
from turnout.db import schema
from turnout.ingest.demo import DemoSummary, demo_counts, demo_total_rows, generate_demo

SIZE = 1_200
SEED = 7
ANCHOR = date(2024, 6, 14)
ZONE = "Europe/London"
# History ends at local midnight starting the anchor day.
NOW = datetime(ANCHOR.year, ANCHOR.month, ANCHOR.day, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
DEMO_TABLES = [schema.metadata.tables[name] for name in demo_counts(1)]


def _tables(summary: DemoSummary) -> dict[str, sa.Table]:
    return {name: schema.metadata.tables[name] for name in summary.counts}


def _load(engine: Engine, seed: int = SEED, **kwargs: Any) -> DemoSummary:
    kwargs.setdefault("workspace", unique_slug("demo"))
    kwargs.setdefault("size", SIZE)
    kwargs.setdefault("anchor", ANCHOR)
    kwargs.setdefault("timezone", ZONE)
    return generate_demo(engine, seed=seed, **kwargs)


@pytest.fixture(scope="module")
def loaded(engine: Engine) -> tuple[DemoSummary, list[int]]:
    """One demo workspace per backend, shared by the read-only invariant tests."""
    calls: list[int] = []
    return _load(engine, progress=calls.append), calls


def _rows(conn: sa.Connection, table: sa.Table, workspace_id: int) -> list[Any]:
    order = table.primary_key.columns.values()
    return conn.execute(
        sa.select(table).where(table.c.workspace_id == workspace_id).order_by(*order)
    ).all()


def _snapshot(engine: Engine, summary: DemoSummary) -> dict[str, list[tuple[Any, ...]]]:
    """Every demo row, with ids replaced by their rank inside the workspace.

    Two workspaces in one database cannot share ids, so determinism is checked on
    ranks: same rows, same references between them, same values elsewhere.
    """
    tables = _tables(summary)
    with engine.connect() as conn:
        raw = {name: _rows(conn, table, summary.workspace_id) for name, table in tables.items()}
    rank = {
        name: {row.id: i for i, row in enumerate(rows)}
        for name, rows in raw.items()
        if "id" in tables[name].c
    }
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name, rows in raw.items():
        table = tables[name]
        refs = {
            fk.parent.name: fk.column.table.name
            for fk in table.foreign_keys
            if fk.parent.name != "workspace_id"
        }
        if "id" in table.c:
            refs["id"] = name
        out[name] = [
            tuple(
                rank[refs[col]].get(value, ("foreign", value))
                if col in refs and value is not None
                else value
                for col, value in row._mapping.items()
                if col != "workspace_id"
            )
            for row in rows
        ]
    return out


# -- determinism -------------------------------------------------------------------


def test_same_seed_and_anchor_give_the_same_rows(engine, loaded):
    first, _ = loaded
    second = _load(engine)
    assert first.counts == second.counts
    one, two = _snapshot(engine, first), _snapshot(engine, second)
    for name in one:
        assert one[name] == two[name], f"{name} differs between two loads with one seed"


def test_another_seed_gives_other_rows_of_the_same_size(engine, loaded):
    first, _ = loaded
    other = _load(engine, seed=SEED + 1)
    assert other.counts == first.counts  # sizes depend on `size` only
    one, two = _snapshot(engine, first), _snapshot(engine, other)
    for name in ("customers", "sessions", "sales", "vouchers", "leads", "events"):
        assert one[name] != two[name], f"{name} did not change with the seed"


def test_another_anchor_moves_the_history(engine, loaded):
    first, _ = loaded
    later = _load(engine, anchor=date(2024, 7, 14))
    with engine.connect() as conn:
        newest = [
            conn.execute(
                sa.select(sa.func.max(schema.sessions.c.joined_at)).where(
                    schema.sessions.c.workspace_id == s.workspace_id
                )
            ).scalar_one()
            for s in (first, later)
        ]
    assert NOW - newest[0] < (newest[1] - newest[0])
    assert 29 <= (newest[1] - newest[0]).days <= 30


def test_fresh_databases_get_the_same_ids(database_url_factory):
    """In a fresh database even the ids repeat (SQLite: cheap to make two)."""
    from turnout.db import migrate
    from turnout.db.engine import make_engine

    dumps = []
    for _ in range(2):
        fresh = make_engine(database_url_factory("sqlite"))
        migrate.upgrade(fresh)
        summary = generate_demo(fresh, size=300, seed=SEED, anchor=ANCHOR)
        with fresh.connect() as conn:
            dumps.append(
                {
                    name: [tuple(row) for row in _rows(conn, table, summary.workspace_id)]
                    for name, table in _tables(summary).items()
                }
            )
        fresh.dispose()
    assert dumps[0] == dumps[1]


# -- what one load writes ------------------------------------------------------------


def test_counts_match_the_summary_and_the_plan(engine, loaded):
    summary, progress = loaded
    assert summary.counts == demo_counts(SIZE)
    assert summary.total == demo_total_rows(SIZE) == sum(progress)
    assert summary.sessions == SIZE
    with engine.connect() as conn:
        ws = find_workspace(conn, summary.workspace)
        assert ws is not None and ws.id == summary.workspace_id and ws.timezone == ZONE
        for name, table in _tables(summary).items():
            stored = conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.workspace_id == summary.workspace_id)
            ).scalar_one()
            assert stored == summary.counts[name], name


def test_rows_land_only_in_the_target_workspace(engine):
    bystander = make_workspace(engine)
    make_customer(engine, bystander)
    make_session(engine, bystander)
    tables = list(schema.TENANT_TABLES)  # all of them: nothing else may change

    def totals() -> Counter[str]:
        with engine.connect() as conn:
            return Counter(
                {
                    t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in tables
                }
            )

    before = totals()
    summary = _load(engine, size=200)
    grown = totals() - before
    assert +grown == +Counter(summary.counts)
    with engine.connect() as conn:
        for name in ("customers", "sessions"):
            table = schema.metadata.tables[name]
            mine = conn.execute(
                sa.select(sa.func.count()).where(table.c.workspace_id == bystander.id)
            ).scalar_one()
            assert mine == 1


def test_references_stay_inside_the_workspace(engine, loaded):
    summary, _ = loaded
    ws = summary.workspace_id
    used = Counter[str]()
    with engine.connect() as conn:
        for table in _tables(summary).values():
            for fk in table.foreign_keys:
                column = fk.parent
                if column.name == "workspace_id":
                    continue
                target = fk.column.table.alias("target")
                dangling = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(
                        table.c.workspace_id == ws,
                        column.is_not(None),
                        ~sa.exists().where(target.c.id == column, target.c.workspace_id == ws),
                    )
                ).scalar_one()
                assert dangling == 0, f"{table.name}.{column.name} points outside the workspace"
                used[f"{table.name}.{column.name}"] = conn.execute(
                    sa.select(sa.func.count()).where(
                        table.c.workspace_id == ws, column.is_not(None)
                    )
                ).scalar_one()
    # the check above means something only if the references are actually there
    for ref in (
        "sessions.venue_id",
        "sessions.customer_id",
        "sales.session_id",
        "sales.customer_id",
        "sales.venue_id",
        "session_labels.session_id",
        "session_labels.label_id",
        "leads.campaign_id",
        "leads.supplier_id",
        "events.actor_id",
        "purchases.price_id",
        "prices.product_id",
        "vouchers.venue_id",
    ):
        assert used[ref] > 0, ref


def test_sessions_are_consistent(engine, loaded):
    summary, _ = loaded
    s = schema.sessions
    with engine.connect() as conn:
        rows = conn.execute(sa.select(s).where(s.c.workspace_id == summary.workspace_id)).all()
    assert len(rows) == SIZE
    statuses = Counter(row.status for row in rows)
    assert {"completed", "booked", "cancelled", "active"} <= set(statuses)
    for row in rows:
        assert uuid.UUID(row.uuid).version == 4
        if row.joined_at is not None and row.left_at is not None:
            assert row.left_at >= row.joined_at, row.uuid
        if row.last_entered_at is not None:
            assert row.joined_at <= row.last_entered_at <= row.left_at
            assert row.joined_at <= row.first_exited_at <= row.left_at
        if row.code_first_scanned_at is not None:
            assert row.code_first_scanned_at <= row.code_last_scanned_at
        assert row.created_at <= row.updated_at <= NOW, row.uuid
        if row.status == "completed":
            assert row.joined_at is not None and row.left_at is not None
            assert row.left_at <= NOW
        elif row.status == "active":
            assert row.left_at is None
        elif row.status == "booked":
            assert row.start_at >= NOW and row.joined_at is None
        elif row.status == "cancelled":
            assert row.cancelled_at is not None and row.cancelled_at <= NOW
        # only bookings made through the API carry the integration's own id
        assert (row.external_uuid is not None) == (row.channel == "api")
        assert row.satisfaction_submitted == (row.satisfaction is not None)
        assert isinstance(row.suspected_fraud, bool)
        assert row.attributes is None or isinstance(row.attributes, dict)
        assert row.metadata is None or isinstance(row.metadata, dict)


def test_timestamps_are_ordered_and_in_the_past(engine, loaded):
    summary, _ = loaded
    ws = summary.workspace_id
    with engine.connect() as conn:
        for table in _tables(summary).values():
            if "updated_at" not in table.c:
                continue
            bad = conn.execute(
                sa.select(sa.func.count()).where(
                    table.c.workspace_id == ws,
                    sa.or_(table.c.updated_at < table.c.created_at, table.c.updated_at > NOW),
                )
            ).scalar_one()
            assert bad == 0, table.name


@pytest.mark.parametrize(
    ("table_name", "time_column"),
    [
        ("sessions", "created_at"),
        ("sales", "sold_at"),
        ("leads", "received_at"),
        ("purchases", "created_at"),
        ("events", "occurred_at"),
    ],
)
def test_customers_exist_before_their_activity(engine, loaded, table_name, time_column):
    summary, _ = loaded
    table, customers = schema.metadata.tables[table_name], schema.customers
    with engine.connect() as conn:
        linked, early = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.count().filter(customers.c.created_at > table.c[time_column]),
            )
            .select_from(table.join(customers, customers.c.id == table.c.customer_id))
            .where(table.c.workspace_id == summary.workspace_id)
        ).one()
    assert linked > 0
    assert early == 0, f"{early} {table_name} rows predate their customer"


def test_sales_belong_to_their_sessions(engine, loaded):
    summary, _ = loaded
    sales, sessions = schema.sales, schema.sessions
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                sales.c.sold_at,
                sales.c.customer_id,
                sales.c.venue_id,
                sessions.c.joined_at,
                sessions.c.left_at,
                sessions.c.customer_id.label("session_customer"),
                sessions.c.venue_id.label("session_venue"),
                sessions.c.status,
            )
            .join(sessions, sessions.c.id == sales.c.session_id)
            .where(sales.c.workspace_id == summary.workspace_id)
        ).all()
    assert len(rows) == summary.sales  # every sale has a session at this size
    for row in rows:
        assert row.status == "completed"
        assert row.joined_at <= row.sold_at <= row.left_at
        assert row.venue_id == row.session_venue
        assert row.customer_id == row.session_customer


def test_money_is_exact(engine, loaded):
    summary, _ = loaded
    ws = summary.workspace_id
    sales, leads, vouchers = schema.sales, schema.leads, schema.vouchers
    with engine.connect() as conn:
        sold = conn.execute(
            sa.select(sales.c.quantity, sales.c.unit_price, sales.c.amount).where(
                sales.c.workspace_id == ws
            )
        ).all()
        sql_total = conn.execute(
            sa.select(sa.func.sum(sales.c.amount)).where(sales.c.workspace_id == ws)
        ).scalar_one()
        lead_rows = conn.execute(sa.select(leads).where(leads.c.workspace_id == ws)).all()
        voucher_rows = conn.execute(sa.select(vouchers).where(vouchers.c.workspace_id == ws)).all()
    for row in sold:
        assert isinstance(row.amount, Decimal)
        assert row.amount == row.unit_price * row.quantity
        assert row.unit_price == row.unit_price.quantize(Decimal("0.01")) > 0
    # SQL sums stored ten-thousandths exactly
    assert sql_total == sum(row.amount for row in sold)
    # four-decimal costs survive exactly (float rounding would show here)
    assert {r.validation_cost for r in lead_rows} <= {0, Decimal("0.0255"), Decimal("0.0015")}
    assert {r.sms_cost for r in lead_rows} <= {0, Decimal("0.026")}
    assert {r.email_cost for r in lead_rows} <= {0, Decimal("0.001")}
    assert {r.revenue for r in lead_rows} <= {
        0,
        *map(Decimal, ("15", "18.5", "22.7273", "30", "45")),
    }
    assert any(r.validation_cost == Decimal("0.0255") for r in lead_rows)
    for voucher in voucher_rows:
        gift = voucher.code.startswith("GIFT-")
        assert (voucher.amount is not None) == gift == (voucher.currency is not None)


def test_unique_keys_are_unique(engine, loaded):
    summary, _ = loaded
    ws = summary.workspace_id

    def column(table: sa.Table, name: str) -> list[Any]:
        with engine.connect() as conn:
            return list(
                conn.execute(sa.select(table.c[name]).where(table.c.workspace_id == ws)).scalars()
            )

    def assert_unique(values: list[Any], what: str) -> None:
        repeated = [v for v, n in Counter(values).items() if n > 1]
        assert not repeated, f"duplicate {what}: {repeated[:5]}"

    emails = column(schema.customers, "email")
    assert all(emails)
    assert_unique([e.lower() for e in emails], "customer emails (case-folded)")
    assert_unique(column(schema.customers, "display_name"), "display names")
    assert_unique(column(schema.venues, "code"), "venue codes")
    assert_unique(column(schema.vouchers, "code"), "voucher codes")
    assert_unique(column(schema.sessions, "uuid"), "session uuids")
    external = [e for e in column(schema.sessions, "external_uuid") if e is not None]
    assert external
    assert_unique(external, "session external_uuid")
    assert_unique(column(schema.labels, "name"), "label names")
    assert_unique(column(schema.profile_fields, "name"), "profile field names")


def test_ordinary_writes_after_a_load_get_fresh_ids(engine, loaded):
    summary, _ = loaded
    with engine.connect() as conn:
        ws = find_workspace(conn, summary.workspace)
        top = {
            name: conn.execute(sa.select(sa.func.max(schema.metadata.tables[name].c.id))).scalar()
            for name in ("customers", "sessions")
        }
    assert ws is not None
    assert make_customer(engine, ws) > top["customers"]
    assert make_session(engine, ws) > top["sessions"]


@pytest.mark.parametrize("size", [1, 9, 17])
def test_tiny_sizes_load(engine, size):
    summary = _load(engine, size=size)
    assert summary.total == demo_total_rows(size)
    assert summary.sessions == size


# -- refusals ------------------------------------------------------------------------


def _rows_in(engine: Engine, workspace_id: int) -> int:
    with engine.connect() as conn:
        return sum(
            conn.execute(
                sa.select(sa.func.count()).where(table.c.workspace_id == workspace_id)
            ).scalar_one()
            for table in DEMO_TABLES
        )


def test_loads_into_an_existing_empty_workspace_keeping_its_zone(engine):
    ws = make_workspace(engine, timezone="America/New_York")
    summary = _load(engine, workspace=ws.slug, size=100, timezone=ZONE)
    assert summary.workspace_id == ws.id
    with engine.connect() as conn:
        zones = set(
            conn.execute(
                sa.select(schema.venues.c.timezone).where(schema.venues.c.workspace_id == ws.id)
            ).scalars()
        )
    assert zones == {"America/New_York"}


def test_a_second_load_is_refused(engine):
    summary = _load(engine, size=50)
    before = _rows_in(engine, summary.workspace_id)
    with pytest.raises(Conflict, match="already has sessions") as caught:
        _load(engine, workspace=summary.workspace, size=50)
    assert caught.value.field == "workspace" and caught.value.rule == "empty"
    assert "only into an empty workspace" in caught.value.message
    assert _rows_in(engine, summary.workspace_id) == before


@pytest.mark.parametrize("table", ["customers", "venues", "vouchers", "campaigns"])
def test_any_existing_data_refuses_the_load(engine, workspace, table):
    from tests import factories

    if table == "customers":
        factories.make_customer(engine, workspace)
    elif table == "venues":
        factories.make_venue(engine, workspace)
    else:
        t = schema.metadata.tables[table]
        values: dict[str, Any] = {"workspace_id": workspace.id}
        values.update({"code": "X1"} if table == "vouchers" else {"name": "Spring"})
        factories._insert(engine, t, values)
    with pytest.raises(Conflict, match=f"already has {table} rows"):
        _load(engine, workspace=workspace.slug, size=50)
    assert _rows_in(engine, workspace.id) == 1


def test_a_failed_load_leaves_nothing_behind(engine):
    slug = unique_slug("demo")
    seen: list[int] = []

    def fail_midway(n: int) -> None:
        seen.append(n)
        if len(seen) == 8:  # after customers, campaigns and more have gone in
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _load(engine, workspace=slug, size=200, progress=fail_midway)
    with engine.connect() as conn:
        assert find_workspace(conn, slug) is None
    # and the slug is free to load again
    assert _load(engine, workspace=slug, size=200).sessions == 200


def test_size_must_be_positive(engine):
    with pytest.raises(InvalidParameter, match="at least 1"):
        _load(engine, size=0)


def test_cli_loads_and_refuses_a_second_time(engine):
    url = engine.url.render_as_string(hide_password=False)
    slug = unique_slug("cli")
    args = ["demo", "--workspace", slug, "--size", "60", "--seed", "3"]
    args += ["--anchor", ANCHOR.isoformat(), "--db", url]
    runner = CliRunner()
    first = runner.invoke(app, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    with engine.connect() as conn:
        ws = find_workspace(conn, slug)
    assert ws is not None and _rows_in(engine, ws.id) == demo_total_rows(60)
    second = runner.invoke(app, args, catch_exceptions=False)
    assert second.exit_code == 1
    assert "already has sessions" in second.stderr and "Traceback" not in second.output
    assert _rows_in(engine, ws.id) == demo_total_rows(60)
    bad = runner.invoke(app, [*args[:-2], "--anchor", "June", "--db", url])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
