"""Bulk import speed: 200k sessions from NDJSON and CSV into SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py                 # both backends, 200k rows
    .venv/bin/python bench/import_bench.py --rows 50000 --backends sqlite
    .venv/bin/python bench/import_bench.py --pg postgresql://postgres@127.0.0.1:5432/test

Each run goes through `run_import` exactly as `turnout import` does (reading the file,
validating every row with the API's SessionCreate, checking the venue reference
and the external_uuid natural key per chunk, writing one transaction), into a
fresh database: a temporary SQLite file, or the scratch PostgreSQL database
`turnout_bench_import`, created and dropped by this script. The second pass
imports the same file again, so every row is an update by external_uuid (on
PostgreSQL after an ANALYZE, as autovacuum would have run by then).

Rows/s are wall-clock; `cpu` is this process's CPU time. On PostgreSQL the server's
work runs in its own processes: `server cpu` is the CPU time of the scratch
database's backends (read from /proc, so the server must run on this machine).
Other agents share the machine's two cores, so the load average is printed beside
each figure.

`ceiling` rows write the same 200k sessions, already in storage form, with the
importer's own writer (executemany on SQLite, COPY on PostgreSQL) in one
transaction: what the database alone costs, with no reading, validation or rules.
They run after the imports, so the table already holds 400k rows.
`ceiling-rebuild` does the same with the bulk-load move (`ingest/indexes.py`):
secondary indexes (and on PostgreSQL the foreign keys the importer checks itself)
dropped first and rebuilt before the commit (a rebuild covers the whole table,
600k rows by then).

The import passes take that move when the batch is at least as big as the table:
the NDJSON passes and the CSV insert pass (tables of 0, 200k and 200k rows), not
the CSV update pass (400k). `TURNOUT_IMPORT_REBUILD_MIN_ROWS=1000000000` turns it
off for a comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import orjson
import sqlalchemy as sa

from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.workspaces import create_workspace
from turnout.db import migrate
from turnout.db.engine import make_engine, write_transaction
from turnout.db.schema import sessions, venues
from turnout.db.types import format_utc
from turnout.ingest import indexes
from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.importer import run_import
from turnout.ingest.writers import WRITERS

SCRATCH_DB = "turnout_bench_import"
COLUMNS = (
    "external_uuid",
    "venue_id",
    "status",
    "channel",
    "experience",
    "start_at",
    "joined_at",
    "left_at",
    "duration_minutes",
    "people",
    "satisfaction",
    "comments",
)


def session_rows(n: int, venue_ids: list[int], seed: int = 1) -> list[dict[str, object]]:
    """Rows shaped like the PERF.md sessions: a uuid-like key, timestamps, ints, short text."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        day, minute = 1 + i % 28, rng.randrange(0, 600)
        start = f"2024-05-{day:02d}T{9 + minute // 60:02d}:{minute % 60:02d}:00Z"
        left = f"2024-05-{day:02d}T{20 + rng.randrange(0, 3):02d}:{rng.randrange(60):02d}:00Z"
        rows.append(
            {
                "external_uuid": f"bench-{i:08d}-{rng.getrandbits(48):012x}",
                "venue_id": rng.choice(venue_ids),
                "status": "completed",
                "channel": rng.choice(("online", "on-site", "api")),
                "experience": rng.choice(("Beat Saber", "Half-Life: Alyx", "Arizona Sunshine")),
                "start_at": start,
                "joined_at": start,
                "left_at": left,
                "duration_minutes": 60,
                "people": rng.randrange(1, 6),
                "satisfaction": rng.randrange(0, 11),
                "comments": "" if i % 3 else "birthday party",
            }
        )
    return rows


def write_files(rows: list[dict[str, object]], folder: Path) -> dict[str, Path]:
    ndjson = folder / "sessions.ndjson"
    with ndjson.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")
    csv = folder / "sessions.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write(",".join(COLUMNS) + "\n")
        for row in rows:
            out.write(",".join(str(row[c]).replace(",", " ") for c in COLUMNS) + "\n")
    return {"ndjson": ndjson, "csv": csv}


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def server_cpu(engine: sa.Engine) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database, by pid."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        out = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out


def server_seconds(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def measured(engine: sa.Engine, work: Callable[[], int]) -> dict[str, float]:
    """Run `work` (which returns how many rows it wrote) and time it three ways."""
    before = server_cpu(engine)
    wall, cpu = time.perf_counter(), time.process_time()
    rows = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server = server_seconds(before, server_cpu(engine))
    return {
        "rows": rows,
        "rows_per_s": rows / wall,
        "rows_per_cpu_s": rows / cpu,
        "rows_per_server_cpu_s": rows / server if server else 0.0,
    }


def timed_import(engine: sa.Engine, actor: Actor, path: Path, fmt: str) -> dict[str, float]:
    def work() -> int:
        with path.open("rb") as stream:
            report = run_import(engine, actor=actor, resource="sessions", stream=stream, fmt=fmt)
        assert report.ok, report.as_dict()
        return report.rows

    return measured(engine, work)


def print_result(engine: sa.Engine, fmt: str, label: str, result: dict[str, float]) -> None:
    server = result["rows_per_server_cpu_s"]
    print(
        f"{engine.dialect.name:10} {fmt:6} {label:15} {result['rows']:>8,.0f} rows "
        f"{result['rows_per_s']:>9,.0f} rows/s "
        f"{result['rows_per_cpu_s']:>9,.0f} rows/cpu-s"
        + (f" {server:>9,.0f} rows/server-cpu-s" if server else "")
        + f" (load {load()})",
        flush=True,
    )


def storage_rows(
    rows: list[dict[str, object]], workspace_id: int, dialect: str
) -> tuple[list[str], list[tuple[object, ...]]]:
    """The bench rows as the importer hands them to its writer (a uuid each, UTC text)."""
    stamp = format_utc(utcnow())
    names = [c for c in COLUMNS if c != "comments"] + ["comments", "uuid"]
    names += ["workspace_id", "created_at", "updated_at"]
    out = []
    for row in rows:
        values: list[object] = []
        for name in COLUMNS:
            value = row[name]
            if name.endswith("_at") and dialect == "sqlite":
                value = str(value).replace("Z", ".000000Z")
            values.append(value)
        comments = values.pop(COLUMNS.index("comments"))
        values += [comments or None, str(uuid.uuid4()), workspace_id, stamp, stamp]
        out.append(tuple(values))
    return names, out


def ceiling(
    engine: sa.Engine, rows: list[dict[str, object]], workspace_id: int, *, rebuild: bool
) -> None:
    dialect = engine.dialect.name
    names, tuples = storage_rows(rows, workspace_id, dialect)

    # As the importer's move: the foreign keys it checks itself go too (PostgreSQL).
    checked = IMPORTABLES["sessions"].checked_tables

    def work() -> int:
        with write_transaction(engine) as conn:
            dropped = indexes.drop_secondary(conn, sessions, checked) if rebuild else []
            WRITERS[conn.dialect.name].insert(conn, sessions, names, tuples)
            indexes.rebuild(conn, dropped)
        return len(tuples)

    label = "ceiling-rebuild" if rebuild else "ceiling"
    print_result(engine, "-", label, measured(engine, work))


def bench_backend(url: str, rows: int, folder: Path, with_ceiling: bool) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    for fmt in ("ndjson", "csv"):
        with engine.begin() as conn:
            ws = create_workspace(conn, slug=f"bench-{fmt}", name=None, timezone="UTC")
            venue_ids = [
                conn.execute(
                    venues.insert()
                    .values(
                        workspace_id=ws.id,
                        kind="arena",
                        name=f"Venue {i}",
                        code=f"V{i}",
                        created_at=utcnow(),
                        updated_at=utcnow(),
                    )
                    .returning(venues.c.id)
                ).scalar_one()
                for i in range(20)
            ]
        files = write_files(session_rows(rows, venue_ids), folder)
        actor = Actor(ws.id, "bench")
        for label in ("insert", "upsert"):
            if label == "upsert" and engine.dialect.name == "postgresql":
                # What autovacuum would have done by a real re-import (it is off on
                # the shared test server): without it the planner still takes the
                # 200k-row table for an empty one.
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE sessions")
            print_result(engine, fmt, label, timed_import(engine, actor, files[fmt], fmt))
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(sa.func.count()).where(sessions.c.workspace_id == ws.id)
            ).scalar_one()
        assert stored == rows, stored
    if with_ceiling:
        for rebuild in (False, True):
            with engine.begin() as conn:
                slug = f"bench-ceiling-{int(rebuild)}"
                ws = create_workspace(conn, slug=slug, name=None, timezone="UTC")
            ceiling(engine, session_rows(rows, venue_ids), ws.id, rebuild=rebuild)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip the database-only ceiling rows"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="turnout-import-bench-") as tmp:
        folder = Path(tmp)
        if "sqlite" in args.backends:
            bench_backend(
                f"sqlite:///{folder / 'bench.db'}", args.rows, folder, not args.no_ceiling
            )
        if "postgresql" in args.backends:
            admin = sa.create_engine(
                sa.engine.make_url(args.pg).set(drivername="postgresql+psycopg"),
                isolation_level="AUTOCOMMIT",
            )
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{SCRATCH_DB}"')
            try:
                url = sa.engine.make_url(args.pg).set(database=SCRATCH_DB)
                bench_backend(
                    url.render_as_string(hide_password=False),
                    args.rows,
                    folder,
                    not args.no_ceiling,
                )
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
                admin.dispose()


if __name__ == "__main__":
    main()
