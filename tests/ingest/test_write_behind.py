"""Writing chunk N while chunk N+1 is checked (`ingest/write_behind.py`)."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
import sqlalchemy as sa

from turnout.core.commands import Actor
from turnout.db.schema import sessions
from turnout.ingest import importer as importer_module
from turnout.ingest.importer import run_import
from turnout.ingest.write_behind import WriteBehind


def test_writes_run_one_at_a_time_in_order_on_another_thread():
    done: list[tuple[int, str]] = []
    running = threading.Lock()

    def write(n: int) -> None:
        assert running.acquire(blocking=False), "two writes at once"
        time.sleep(0.01)
        done.append((n, threading.current_thread().name))
        running.release()

    with WriteBehind(True) as behind:
        for n in range(5):
            behind.submit(write, n)
    assert [n for n, _ in done] == list(range(5))
    assert all(name.startswith("turnout-import-write") for _, name in done)


def test_a_writes_error_is_raised_by_the_next_wait():
    def fail() -> None:
        raise ValueError("disk full")

    behind = WriteBehind(True)
    behind.submit(fail)
    with pytest.raises(ValueError, match="disk full"), behind:
        behind.wait()


def test_leaving_on_an_error_waits_for_the_write_and_keeps_that_error():
    finished = threading.Event()

    def slow_failing_write() -> None:
        time.sleep(0.05)
        finished.set()
        raise ValueError("the write's own error")

    with pytest.raises(KeyError), WriteBehind(True) as behind:
        behind.submit(slow_failing_write)
        raise KeyError("the batch's error")
    assert finished.is_set(), "the transaction would have rolled back under the write"


def test_disabled_writes_inline():
    threads: list[str] = []
    with WriteBehind(False) as behind:
        behind.submit(lambda: threads.append(threading.current_thread().name))
        assert threads == [threading.current_thread().name]


def _ndjson(rows: list[dict]) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(r) + "\n" for r in rows).encode())


def test_a_failed_write_of_an_early_chunk_undoes_the_whole_batch(engine, workspace, monkeypatch):
    """The write of chunk 2 fails (on the write-behind thread) while chunk 3 is being
    checked: the error surfaces as a write conflict and nothing is stored."""
    monkeypatch.setattr(importer_module, "CHUNK", 4)
    writes = 0
    real_write = importer_module.Importer._write

    def write(self, conn, now, rows, *split):
        nonlocal writes
        writes += 1
        if writes == 2:
            # What a concurrent writer causes: the unique index refuses a row.
            twin = {"workspace_id": workspace.id, "uuid": "dup"}
            conn.execute(sessions.insert(), [twin | {"created_at": now, "updated_at": now}] * 2)
        real_write(self, conn, now, rows, *split)

    monkeypatch.setattr(importer_module.Importer, "_write", write)
    rows = [{"external_uuid": f"wb{i}", "people": i} for i in range(12)]
    actor = Actor(workspace.id, "test")
    with pytest.raises(Exception, match="another writer stored a row"):
        run_import(engine, actor=actor, resource="sessions", stream=_ndjson(rows), fmt="ndjson")
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(sa.func.count()).where(sessions.c.workspace_id == workspace.id)
        ).scalar_one()
    assert stored == 0


def test_chunks_written_behind_are_all_stored_with_their_counts(engine, workspace, monkeypatch):
    monkeypatch.setattr(importer_module, "CHUNK", 7)
    actor = Actor(workspace.id, "test")
    first = [{"external_uuid": f"wb{i}", "people": 1} for i in range(50)]
    report = run_import(
        engine, actor=actor, resource="sessions", stream=_ndjson(first), fmt="ndjson"
    )
    assert (report.inserted, report.updated, report.batches) == (50, 0, 1)
    again = [{"external_uuid": f"wb{i}", "people": 2} for i in range(25, 75)]
    report = run_import(
        engine, actor=actor, resource="sessions", stream=_ndjson(again), fmt="ndjson"
    )
    assert (report.inserted, report.updated, report.batches) == (25, 25, 1)
    with engine.connect() as conn:
        people = conn.execute(
            sa.select(sessions.c.external_uuid, sessions.c.people).where(
                sessions.c.workspace_id == workspace.id
            )
        ).all()
    assert dict(people) == {f"wb{i}": 1 if i < 25 else 2 for i in range(75)}


@pytest.mark.parametrize(("batch_size", "behind"), [(None, True), (9, True), (4, False)])
def test_only_batches_of_more_than_one_chunk_write_behind(
    engine, workspace, monkeypatch, batch_size, behind
):
    monkeypatch.setattr(importer_module, "CHUNK", 4)
    threads: list[str] = []
    real_write = importer_module.Importer._write

    def write(self, *args):
        threads.append(threading.current_thread().name)
        real_write(self, *args)

    monkeypatch.setattr(importer_module.Importer, "_write", write)
    rows = [{"external_uuid": f"wb{i}", "people": 1} for i in range(12)]
    report = run_import(
        engine,
        actor=Actor(workspace.id, "test"),
        resource="sessions",
        stream=_ndjson(rows),
        fmt="ndjson",
        batch_size=batch_size,
    )
    assert report.inserted == 12
    on_thread = [name.startswith("turnout-import-write") for name in threads]
    assert set(on_thread) == {behind}
