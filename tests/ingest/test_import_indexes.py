"""The bulk-load move (`ingest/indexes.py`): big batches rebuild the secondary
indexes; the indexes, the rows and the report come out exactly as without it."""

from __future__ import annotations

import io
import json
import threading

import pytest
import sqlalchemy as sa

from tests.factories import make_key, make_venue, make_workspace
from turnout.core.commands import Actor
from turnout.db.schema import sessions
from turnout.ingest import importer as importer_module
from turnout.ingest import indexes
from turnout.ingest.importer import run_import
from turnout.ingest.sources import Records


def index_set(engine) -> set[tuple[str, tuple[str, ...], bool]]:
    """(name, columns, unique) of every index on sessions, as the database has them."""
    with engine.connect() as conn:
        found = sa.inspect(conn).get_indexes("sessions")
    return {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found}


def definitions(engine) -> dict[str, str]:
    """The secondary indexes and the foreign keys of sessions, as the database has them."""
    with engine.connect() as conn:
        found = {i.name: i.definition for i in indexes._found(conn, sessions)}
        keys = sa.inspect(conn).get_foreign_keys("sessions")
    for key in keys:
        found[f"fk {key['constrained_columns']}"] = repr(sorted(key.items()))
    return found


# What a sessions batch drops: its secondary indexes, and on PostgreSQL the foreign
# keys the importer checks itself (all but the one to workspaces).
FOREIGN_KEYS = [
    "fk_sessions_customer_id_customers",
    "fk_sessions_referenced_session_id_sessions",
    "fk_sessions_scannable_at_venue_id_venues",
    "fk_sessions_venue_id_venues",
]


def paused(engine) -> list[str]:
    dropped = sorted(indexes.declared_secondary(sessions))
    return dropped + FOREIGN_KEYS if engine.dialect.name == "postgresql" else dropped


def session_file(venue: int, n: int, *, bad_line: int | None = None) -> bytes:
    lines = []
    for i in range(n):
        row = {
            "external_uuid": f"x{i}",
            "venue_id": venue,
            "joined_at": f"2024-05-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
            "left_at": f"2024-05-{1 + i % 28:02d}T12:00:00Z",
            "people": i % 7,
        }
        if i + 1 == bad_line:
            row["people"] = "many"
        lines.append(json.dumps(row))
    return ("\n".join(lines) + "\n").encode()


def stored(engine, workspace) -> list[tuple]:
    columns = ["external_uuid", "venue_id", "joined_at", "left_at", "people", "status"]
    with engine.connect() as conn:
        query = sa.select(*(sessions.c[c] for c in columns)).where(
            sessions.c.workspace_id == workspace.id
        )
        return sorted(conn.execute(query).all())


def run(engine, workspace, data: bytes, **kwargs):
    actor = Actor(workspace.id, "test")
    return run_import(
        engine, actor=actor, resource="sessions", stream=io.BytesIO(data), fmt="ndjson", **kwargs
    )


@pytest.fixture
def always_bulk(monkeypatch):
    """Every batch of more than one chunk takes the path; records what was dropped."""
    monkeypatch.setattr(importer_module, "CHUNK", 50)
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    monkeypatch.setattr(indexes, "TABLE_SHARE", 0.0)
    dropped: list[list[str]] = []
    original = indexes.drop_secondary

    def spy(conn, table, checked=()):
        found = original(conn, table, checked)
        dropped.append([i.name for i in found])
        return found

    monkeypatch.setattr(indexes, "drop_secondary", spy)
    return dropped


def test_the_migrations_create_the_indexes_the_schema_declares(engine):
    # The path drops indexes by the schema's names: they must be the migrated ones.
    declared = {
        (str(i.name), tuple(c.name for c in i.columns), bool(i.unique)) for i in sessions.indexes
    }
    found = index_set(engine)
    assert declared <= found
    secondary = {name for name, _, unique in found if not unique}
    assert secondary == indexes.declared_secondary(sessions)
    assert {name for name in definitions(engine) if not name.startswith("fk ")} == secondary


def test_a_big_batch_rebuilds_the_same_indexes_and_writes_the_same_rows(
    engine, always_bulk, monkeypatch
):
    before, before_sql = index_set(engine), definitions(engine)
    bulk_ws, plain_ws = make_workspace(engine), make_workspace(engine)
    data = session_file(make_venue(engine, bulk_ws), 300)
    report = run(engine, bulk_ws, data)
    assert always_bulk == [paused(engine)]
    assert report.ok and report.inserted == 300
    assert index_set(engine) == before
    assert definitions(engine) == before_sql
    # the same file again: every row an update, through the same path
    again = run(engine, bulk_ws, data)
    assert (again.inserted, again.updated) == (0, 300)
    assert len(always_bulk) == 2 and index_set(engine) == before
    # and the same rows as an import that keeps its indexes
    monkeypatch.setattr(indexes, "MIN_ROWS", 10**9)
    plain_data = session_file(make_venue(engine, plain_ws), 300)
    assert run(engine, plain_ws, plain_data).ok
    assert len(always_bulk) == 2
    strip = [row[:1] + row[2:] for row in stored(engine, bulk_ws)]
    assert strip == [row[:1] + row[2:] for row in stored(engine, plain_ws)]


def test_a_rejected_row_leaves_indexes_and_rows_as_they_were(engine, always_bulk):
    before = definitions(engine)
    ws = make_workspace(engine)
    report = run(engine, ws, session_file(make_venue(engine, ws), 300, bad_line=290))
    assert always_bulk, "the batch should have dropped the indexes"
    assert report.rejected == 1 and report.inserted == 0
    assert [(r.line, r.problems[0].field) for r in report.rejections] == [(290, "people")]
    assert stored(engine, ws) == []
    assert definitions(engine) == before


def test_small_batches_keep_their_indexes(engine, monkeypatch):
    monkeypatch.setattr(importer_module, "CHUNK", 50)
    monkeypatch.setattr(indexes, "MIN_ROWS", 100)
    monkeypatch.setattr(indexes, "TABLE_SHARE", 0.0)
    calls = []
    monkeypatch.setattr(
        indexes, "drop_secondary", lambda conn, table, checked=(): calls.append(1) or []
    )
    ws = make_workspace(engine)
    report = run(engine, ws, session_file(make_venue(engine, ws), 300), batch_size=99)
    assert report.ok and report.batches == 4
    assert calls == []


def test_an_open_reader_never_makes_the_import_wait(engine, always_bulk, monkeypatch):
    """PostgreSQL keeps the indexes rather than queue behind the reader; SQLite
    (WAL) drops them anyway, as its readers go on reading the last commit."""
    monkeypatch.setattr(indexes, "LOCK_WAIT_MS", 100)
    ws = make_workspace(engine)
    data = session_file(make_venue(engine, ws), 300)
    before = definitions(engine)
    with engine.connect() as reader:
        reader.execute(sa.select(sa.func.count()).select_from(sessions))  # holds ACCESS SHARE
        done = threading.Event()
        result = {}

        def work():
            result["report"] = run(engine, ws, data)
            done.set()

        thread = threading.Thread(target=work)
        thread.start()
        # Plain writes do not conflict with a reader: the import ends while it reads.
        assert done.wait(30), "the import waited for the reader"
        thread.join()
        reader.rollback()
    if engine.dialect.name == "postgresql":
        assert always_bulk == [[]]
    else:
        assert always_bulk == [paused(engine)]
    assert result["report"].ok and result["report"].inserted == 300
    assert definitions(engine) == before


@pytest.mark.parametrize("held", ["venues", "customers"])
def test_a_reader_of_a_referenced_table_never_makes_the_import_wait(
    engine, always_bulk, monkeypatch, held
):
    """Dropping a foreign key locks the table it points to as well (PostgreSQL): a
    reader there keeps the batch on the ordinary path too, and nothing waits. SQLite
    drops no foreign keys, and its readers block nothing."""
    monkeypatch.setattr(indexes, "LOCK_WAIT_MS", 100)
    ws = make_workspace(engine)
    data = session_file(make_venue(engine, ws), 300)
    before = definitions(engine)
    with engine.connect() as reader:
        reader.exec_driver_sql(f"SELECT count(*) FROM {held}")  # holds ACCESS SHARE
        report = run(engine, ws, data)
        reader.rollback()
    assert always_bulk == [[] if engine.dialect.name == "postgresql" else paused(engine)]
    assert report.ok and report.inserted == 300
    assert definitions(engine) == before


def test_a_batch_without_its_foreign_keys_still_refuses_unknown_references(engine, always_bulk):
    """The importer checks references itself; the keys are back before the commit."""
    ws, other = make_workspace(engine), make_workspace(engine)
    venue, foreign = make_venue(engine, ws), make_venue(engine, other)
    lines = session_file(venue, 300).decode().splitlines()
    lines[150] = json.dumps({"external_uuid": "elsewhere", "venue_id": foreign})
    lines[200] = json.dumps({"external_uuid": "nowhere", "customer_id": 10**9})
    report = run(engine, ws, ("\n".join(lines) + "\n").encode())
    assert [(r.line, r.problems[0].field, r.problems[0].rule) for r in report.rejections] == [
        (151, "venue_id", "exists"),
        (201, "customer_id", "exists"),
    ]
    assert stored(engine, ws) == []
    assert run(engine, ws, session_file(venue, 300)).inserted == 300
    with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(
            sessions.update()
            .where(sessions.c.workspace_id == ws.id)
            .values(venue_id=foreign + 10**6)
        )


def test_worth_it_needs_a_big_batch_next_to_the_table():
    assert not indexes.worth_it(indexes.MIN_ROWS - 1, 0)
    assert indexes.worth_it(indexes.MIN_ROWS, 0)
    assert indexes.worth_it(200_000, 200_000)
    assert not indexes.worth_it(200_000, 200_001)


def test_records_estimate_what_is_still_to_come():
    data = b"".join(b'{"n": %05d}\n' % i for i in range(10_000))
    stream = io.BytesIO(data)
    source = Records(iter(stream), stream)
    records = iter(source)
    for _ in range(1_000):
        next(records)
    left = source.still_to_come(1_000)
    assert left is not None and 8_500 <= left <= 9_500

    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

    assert Records(iter([]), Pipe()).still_to_come(10) is None


def test_the_api_import_takes_the_path_too(engine, client, always_bulk):
    ws = make_workspace(engine)
    key = make_key(engine, ws)[1]
    before = definitions(engine)
    headers = {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {key}"}
    body = session_file(make_venue(engine, ws), 300)
    response = client.post("/v1/sessions:import", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["inserted"] == 300
    assert always_bulk == [paused(engine)]
    assert definitions(engine) == before
    assert len(stored(engine, ws)) == 300


def test_a_batch_found_big_only_after_some_chunks_drops_before_its_next_write(engine, monkeypatch):
    """Read from a pipe the batch's size is unknown: the move is decided once the rows
    read pass the floor, with chunks already written (on PostgreSQL one of them
    possibly still being written behind)."""
    monkeypatch.setattr(importer_module, "CHUNK", 50)
    monkeypatch.setattr(indexes, "MIN_ROWS", 120)
    monkeypatch.setattr(indexes, "TABLE_SHARE", 0.0)
    decided_at: list[int] = []
    original = indexes.drop_secondary

    def spy(conn, table, checked=()):
        with conn.begin_nested():  # the connection must be free: no write in flight
            decided_at.append(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())
        return original(conn, table, checked)

    monkeypatch.setattr(indexes, "drop_secondary", spy)
    ws = make_workspace(engine)
    before = definitions(engine)

    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    stream = io.BufferedReader(Pipe(session_file(make_venue(engine, ws), 300)))
    actor = Actor(ws.id, "test")
    report = run_import(engine, actor=actor, resource="sessions", stream=stream, fmt="ndjson")
    assert report.ok and report.inserted == 300
    assert len(decided_at) == 1 and decided_at[0] >= 50
    assert definitions(engine) == before
    assert len(stored(engine, ws)) == 300
