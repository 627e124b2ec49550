"""Bulk inserts (`turnout.ingest.bulk`): storage form, round trips, ids, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_customer, make_venue
from turnout.db.schema import customers, sales, sessions
from turnout.ingest.bulk import insert_rows, reserve_ids, sync_id_sequence, to_storage

PLUS_FIVE_THIRTY = timezone(timedelta(hours=5, minutes=30))

SESSION_COLUMNS = (
    "workspace_id",
    "uuid",
    "external_uuid",
    "venue_id",
    "status",
    "start_at",
    "joined_at",
    "left_at",
    "satisfaction_submitted",
    "suspected_fraud",
    "people",
    "comments",
    "metadata",
    "attributes",
    "created_at",
    "updated_at",
)


def _session_values(workspace_id: int, venue_id: int) -> list[tuple]:
    """Python values covering each storage conversion, NULLs and COPY's special bytes."""
    start = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)
    return [
        (
            workspace_id,
            str(uuid.uuid4()),
            "ext-1",
            venue_id,
            "completed",
            start,
            # another zone in, UTC out
            datetime(2024, 5, 1, 15, 5, tzinfo=PLUS_FIVE_THIRTY),
            "2024-05-01T10:45:00.5Z",  # text is accepted as well
            True,
            False,
            4,
            "tab\there, new\nline, back\\slash, quote ' \" and ünïcødé ✓",
            {"door": "A", "nested": {"list": [1, 2.5, None, True]}, "emoji": "🎮"},
            [],
            start,
            start + timedelta(hours=1),
        ),
        (
            workspace_id,
            str(uuid.uuid4()),
            None,
            None,
            "booked",
            datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            None,
            None,
            False,
            True,
            None,
            None,
            None,  # SQL NULL, not the JSON literal null
            {"\\N": "\\N", "empty": ""},
            start,
            start,
        ),
    ]


def _read_sessions(conn: sa.Connection, workspace_id: int) -> list[tuple]:
    columns = [sessions.c[name] for name in SESSION_COLUMNS]
    rows = conn.execute(
        sa.select(*columns).where(sessions.c.workspace_id == workspace_id).order_by(sessions.c.id)
    )
    return [tuple(row) for row in rows]


def _expected(values: tuple) -> tuple:
    out = []
    for value in values:
        if isinstance(value, datetime):
            value = value.astimezone(UTC)
        elif isinstance(value, str) and value.startswith("2024-05-01T10:45"):
            value = datetime(2024, 5, 1, 10, 45, 0, 500000, tzinfo=UTC)
        out.append(value)
    return tuple(out)


def test_sessions_round_trip(engine, workspace):
    venue = make_venue(engine, workspace)
    values = _session_values(workspace.id, venue)
    with engine.begin() as conn:
        rows = to_storage(sessions, SESSION_COLUMNS, values, engine.dialect.name)
        assert insert_rows(conn, sessions, SESSION_COLUMNS, rows) == 2
    with engine.connect() as conn:
        assert _read_sessions(conn, workspace.id) == [_expected(v) for v in values]
        # None went in as SQL NULL, so `IS NULL` finds it
        null_metadata = conn.execute(
            sa.select(sa.func.count())
            .select_from(sessions)
            .where(sessions.c.workspace_id == workspace.id, sessions.c.metadata.is_(None))
        ).scalar_one()
        assert null_metadata == 1
        # booleans filter as booleans on both backends
        fraud = conn.execute(
            sa.select(sessions.c.status).where(
                sessions.c.workspace_id == workspace.id, sessions.c.suspected_fraud.is_(sa.true())
            )
        ).scalar_one()
        assert fraud == "booked"


SALE_COLUMNS = (
    "workspace_id",
    "item",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "sold_at",
    "created_at",
    "updated_at",
)

MONEY_CASES = [
    # (given, read back)
    (Decimal("0.0001"), Decimal("0.0001")),
    (Decimal("2.50"), Decimal("2.5")),
    (0.1, Decimal("0.1")),  # the float's shortest text, not its binary expansion
    (1.1, Decimal("1.1")),
    (5, Decimal(5)),
    ("22.7273", Decimal("22.7273")),
    (Decimal("-3.99"), Decimal("-3.99")),
    (Decimal("99999999999.9999"), Decimal("99999999999.9999")),
]


def test_money_is_exact(engine, workspace):
    sold = datetime(2024, 5, 1, 12, tzinfo=UTC)
    values = [
        (workspace.id, f"item {i}", 1, given, given, "GBP", sold, sold, sold)
        for i, (given, _) in enumerate(MONEY_CASES)
    ]
    with engine.begin() as conn:
        rows = list(to_storage(sales, SALE_COLUMNS, values, engine.dialect.name))
        insert_rows(conn, sales, SALE_COLUMNS, rows)
    with engine.connect() as conn:
        got = conn.execute(
            sa.select(sales.c.unit_price, sales.c.amount)
            .where(sales.c.workspace_id == workspace.id)
            .order_by(sales.c.id)
        ).all()
        total = conn.execute(
            sa.select(sa.func.sum(sales.c.amount)).where(sales.c.workspace_id == workspace.id)
        ).scalar_one()
    assert [tuple(row) for row in got] == [(want, want) for _, want in MONEY_CASES]
    # summed in SQL as integer ten-thousandths: exact, no float in between
    assert total == sum(want for _, want in MONEY_CASES)


def test_storage_form_matches_what_sqlalchemy_writes(engine, workspace):
    """A bulk row and an ordinary insert of the same values are stored identically."""
    venue = make_venue(engine, workspace)
    values = _session_values(workspace.id, venue)[0]
    twin = (*values[:1], str(uuid.uuid4()), "ext-twin", *values[3:])
    with engine.begin() as conn:
        insert_rows(
            conn,
            sessions,
            SESSION_COLUMNS,
            to_storage(sessions, SESSION_COLUMNS, [values], engine.dialect.name),
        )
        conn.execute(sessions.insert().values(dict(zip(SESSION_COLUMNS, twin, strict=True))))
    # JSON is left out: SQLite keeps whichever JSON text it is given (the spacing and
    # escaping differ, the values do not; the round-trip test covers them).
    plain = [n for n in SESSION_COLUMNS if "uuid" not in n and n not in ("metadata", "attributes")]
    stored = ", ".join(f"CAST({name} AS TEXT)" for name in plain)
    with engine.connect() as conn:
        bulk, ordinary = conn.execute(
            sa.text(f"SELECT {stored} FROM sessions WHERE workspace_id = :ws ORDER BY id"),
            {"ws": workspace.id},
        ).all()
    assert tuple(bulk) == tuple(ordinary)


def test_to_storage_refuses_bad_values(engine):
    dialect = engine.dialect.name
    naive = datetime(2024, 5, 1, 12)
    with pytest.raises(ValueError, match="naive"):
        list(to_storage(sales, ["sold_at"], [(naive,)], dialect))
    with pytest.raises(ValueError, match="4 decimal places"):
        list(to_storage(sales, ["amount"], [(Decimal("1.23456"),)], dialect))
    with pytest.raises(TypeError):
        list(to_storage(sales, ["amount"], [(True,)], dialect))
    with pytest.raises(TypeError):
        list(to_storage(sales, ["sold_at"], [(12345,)], dialect))
    with pytest.raises(KeyError, match="no_such_column"):
        list(to_storage(sales, ["amount", "no_such_column"], [(1, 2)], dialect))


def test_batches_progress_and_lazy_rows(engine, workspace):
    calls: list[int] = []
    stamp = "2024-05-01T12:00:00.000000Z"

    def rows():
        for i in range(25):
            yield (workspace.id, f"lazy{i}@example.com", f"Lazy{i}", stamp, stamp)

    columns = ("workspace_id", "email", "display_name", "created_at", "updated_at")
    with engine.begin() as conn:
        count = insert_rows(conn, customers, columns, rows(), batch_size=10, progress=calls.append)
    assert count == 25
    assert calls == [10, 10, 5]
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(sa.func.count()).where(customers.c.workspace_id == workspace.id)
        ).scalar_one()
    assert stored == 25


def test_insert_rows_argument_checks(engine):
    with engine.connect() as conn:
        with pytest.raises(ValueError, match="batch_size"):
            insert_rows(conn, customers, ("workspace_id",), [], batch_size=0)
        with pytest.raises(KeyError, match="nope"):
            insert_rows(conn, customers, ("workspace_id", "nope"), [])
        assert insert_rows(conn, customers, ("workspace_id",), []) == 0


def test_nothing_is_committed_by_insert_rows(engine, workspace):
    stamp = "2024-05-01T12:00:00.000000Z"
    columns = ("workspace_id", "email", "display_name", "created_at", "updated_at")
    with engine.connect() as conn:
        insert_rows(conn, customers, columns, [(workspace.id, "a@example.com", "A", stamp, stamp)])
        conn.rollback()
    with engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count()).where(customers.c.workspace_id == workspace.id)
        ).scalar_one()
    assert left == 0


def test_reserved_ids_are_new_and_usable(engine, workspace):
    existing = make_customer(engine, workspace)
    stamp = "2024-05-01T12:00:00.000000Z"
    columns = ("workspace_id", "id", "email", "display_name", "created_at", "updated_at")
    with engine.begin() as conn:
        assert list(reserve_ids(conn, customers, 0)) == []
        ids = reserve_ids(conn, customers, 5)
        assert len(set(ids)) == 5 and min(ids) > existing
        insert_rows(
            conn,
            customers,
            columns,
            [(workspace.id, i, f"r{i}@example.com", f"R{i}", stamp, stamp) for i in ids],
        )
    # an ordinary insert afterwards gets an id of its own
    after = make_customer(engine, workspace)
    assert after > max(ids)


def test_explicit_ids_move_the_sequence(engine, workspace):
    """Ids chosen by the loader (not drawn from the sequence) must not be handed out again."""
    with engine.connect() as conn:
        top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(customers.c.id), 0))).scalar()
    far = top + 1000
    stamp = "2024-05-01T12:00:00.000000Z"
    columns = ("workspace_id", "id", "email", "display_name", "created_at", "updated_at")
    with engine.begin() as conn:
        insert_rows(
            conn, customers, columns, [(workspace.id, far, "far@x.com", "Far", stamp, stamp)]
        )
    assert make_customer(engine, workspace) == far + 1
    # syncing again never moves the sequence backwards
    with engine.begin() as conn:
        sync_id_sequence(conn, customers)
    assert make_customer(engine, workspace) == far + 2


def test_explicit_first_id_on_a_fresh_sequence(engine):
    """A fresh PostgreSQL sequence hands out its last_value next: id 1 must not be reused."""
    probe = sa.Table(
        f"bulk_probe_{uuid.uuid4().hex[:8]}",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(20)),
    )
    with engine.connect() as conn:
        probe.create(conn)
        try:
            insert_rows(conn, probe, ("id", "name"), [(1, "bulk")])
            sync_id_sequence(conn, probe)
            new_id = conn.execute(probe.insert().values(name="ordinary")).inserted_primary_key
            assert new_id is not None and new_id[0] == 2
        finally:
            conn.rollback()  # PostgreSQL drops the table here; SQLite ran its DDL outside
            probe.drop(conn, checkfirst=True)
            conn.commit()
