"""`turnout import`: counts, rejected rows, clean failures, and kill -9 mid-file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import orjson
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.factories import make_venue
from turnout.cli.main import app
from turnout.db.schema import customers, sessions


@pytest.fixture
def db(fresh_database):
    return fresh_database


def count(engine, table, workspace) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        return conn.execute(query.where(table.c.workspace_id == workspace.id)).scalar_one()


def invoke(url, *args):
    return CliRunner().invoke(app, ["import", *args, "--db", url], catch_exceptions=False)


def test_import_prints_counts_and_upserts(db, tmp_path):
    url, engine, ws = db
    path = tmp_path / "people.csv"
    path.write_text("email,first_name,team\na@example.com,Ann,B\nb@example.com,Bob,AA\n")
    result = invoke(url, "customers", str(path), "--workspace", ws.slug)
    assert result.exit_code == 0, result.output
    assert "2 inserted, 0 updated, 0 rejected" in result.output
    path.write_text("email,first_name\nA@EXAMPLE.COM,Annie\n")
    result = invoke(url, "customers", str(path), "--workspace", ws.slug)
    assert "0 inserted, 1 updated" in result.output
    assert count(engine, customers, ws) == 2


def test_rejected_rows_are_listed_and_exit_one(db, tmp_path):
    url, engine, ws = db
    path = tmp_path / "people.ndjson"
    path.write_text('{"email": "a@example.com"}\n{"email": "nope"}\n{"email": "c@x.com", "x": 1}\n')
    result = invoke(url, "customers", str(path), "--workspace", ws.slug)
    assert result.exit_code == 1
    assert "2 row(s) rejected" in result.output
    for text in ("│ 2    │ email", "invalid", "│ 3    │ x", "unknown_field"):
        assert text in result.output
    assert "Traceback" not in result.output
    assert count(engine, customers, ws) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["customers", "missing.csv", "--workspace", "WS"], "no such file"),
        (["customers", "people.txt", "--workspace", "WS"], "--format"),
        (["planets", "people.csv", "--workspace", "WS"], "cannot import 'planets'"),
        (["customers", "people.csv", "--workspace", "nowhere"], "no workspace"),
        (["customers", "people.csv", "--workspace", "WS", "--format", "xml"], "--format"),
    ],
)
def test_bad_invocations_fail_with_one_line(db, tmp_path, monkeypatch, args, message):
    url, _, ws = db
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text("email\n")
    (tmp_path / "people.txt").write_text("email\n")
    result = invoke(url, *[ws.slug if a == "WS" else a for a in args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_missing_column_and_broken_quote_exit_one(db, tmp_path):
    url, engine, ws = db
    path = tmp_path / "sales.csv"
    path.write_text("item,currency\nCola,GBP\n")
    result = invoke(url, "sales", str(path), "--workspace", ws.slug)
    assert result.exit_code == 1 and "unit_price" in result.output
    path = tmp_path / "people.csv"
    path.write_text('email\na@example.com\n"b@example.com\nc@example.com\n')
    result = invoke(url, "customers", str(path), "--workspace", ws.slug)
    assert result.exit_code == 1 and "line 3: broken quote" in result.output
    assert "nothing was written" in result.output
    assert count(engine, customers, ws) == 0


def test_random_bytes_exit_one_with_nothing_written(db, tmp_path):
    url, engine, ws = db
    path = tmp_path / "garbage.ndjson"
    path.write_bytes(os.urandom(10 * 1024 * 1024))
    result = invoke(url, "sessions", str(path), "--workspace", ws.slug)
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert count(engine, sessions, ws) == 0


BATCH = 500
ROWS = 50_000


def test_kill_9_mid_file_leaves_only_whole_batches(db, tmp_path):
    url, engine, ws = db
    venue = make_venue(engine, ws)
    path = tmp_path / "sessions.ndjson"
    with path.open("wb") as out:
        for i in range(ROWS):
            row = {"external_uuid": f"k{i}", "venue_id": venue, "people": i % 7}
            out.write(orjson.dumps(row) + b"\n")
    command = [sys.executable, "-m", "turnout", "import", "sessions", str(path)]
    command += ["--workspace", ws.slug, "--batch-size", str(BATCH), "--db", url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while count(engine, sessions, ws) < 2 * BATCH:
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "no batch was committed in time"
            time.sleep(0.02)
        time.sleep(0.1)  # well inside a later batch
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    written = count(engine, sessions, ws)
    assert 0 < written < ROWS
    assert written % BATCH == 0, f"{written} rows: a batch was written in part"
    # and the file can simply be imported again: the written rows become updates
    result = invoke(url, "sessions", str(path), "--workspace", ws.slug)
    assert result.exit_code == 0, result.output
    assert f"{ROWS - written:,} inserted, {written:,} updated" in result.output
