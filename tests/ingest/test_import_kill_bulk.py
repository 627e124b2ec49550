"""kill -9 while a batch that dropped the secondary indexes is being written: the
rows, and the indexes, are as they were before the batch (both backends)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import orjson
import pytest
import sqlalchemy as sa

from tests.factories import make_venue
from tests.ingest.test_import_indexes import definitions
from turnout.db.schema import sessions
from turnout.ingest import indexes

ROWS = 60_000

# The CLI, with a marker file written once the batch has dropped its indexes.
DRIVER = textwrap.dedent(
    """
    import sys
    from turnout.ingest import indexes

    original = indexes.drop_secondary

    def drop(conn, table, checked=()):
        dropped = original(conn, table, checked)
        with open(marker_path, "w") as marker:
            marker.write(str(len(dropped)))
        return dropped

    indexes.drop_secondary = drop
    from turnout.cli.main import main

    marker_path, sys.argv = sys.argv[1], ["turnout", *sys.argv[2:]]
    main()
    """
)


@pytest.fixture
def db(fresh_database):
    return fresh_database


def count(engine, workspace) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(sessions)
        return conn.execute(query.where(sessions.c.workspace_id == workspace.id)).scalar_one()


def test_kill_9_while_the_indexes_are_dropped_leaves_everything_as_it_was(db, tmp_path):
    url, engine, ws = db
    venue = make_venue(engine, ws)
    before = definitions(engine)
    # and on PostgreSQL the four foreign keys the importer checks itself
    dropping = len(indexes.declared_secondary(sessions)) + 4 * (engine.dialect.name != "sqlite")
    path = tmp_path / "sessions.ndjson"
    with path.open("wb") as out:
        for i in range(ROWS):
            row = {"external_uuid": f"k{i}", "venue_id": venue, "people": i % 7}
            out.write(orjson.dumps(row) + b"\n")
    marker = tmp_path / "dropped"
    command = [sys.executable, "-c", DRIVER, str(marker), "import", "sessions", str(path)]
    command += ["--workspace", ws.slug, "--db", url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            if process.poll() is not None:
                pytest.fail(f"the import ended first: {process.stderr.read().decode()}")
            assert time.monotonic() < deadline, "the import never dropped the indexes"
            time.sleep(0.01)
        assert int(marker.read_text()) == dropping
        time.sleep(0.2)  # well inside the batch: 55k more rows, then the rebuild
        assert process.poll() is None, "the batch ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert count(engine, ws) == 0
    assert definitions(engine) == before
    # The server let go of the killed import's locks: a reader and a new import run.
    command = [sys.executable, "-m", "turnout", "import", "sessions", str(path)]
    command += ["--workspace", ws.slug, "--db", url]
    again = subprocess.run(command, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert count(engine, ws) == ROWS
    assert definitions(engine) == before
