"""In-process exports of the sessions table, one writer per process (for its peak RSS).

    .venv/bin/python bench/export_bench.py csv-ceiling --db bench/data/1m.db
    .venv/bin/python bench/export_bench.py xlsx-turnout --db bench/data/1m.db --rows 100000
    .venv/bin/python bench/export_bench.py xlsx-xlsxwriter --db bench/data/1m.db --rows 100000

Each prints one JSON object: rows, wall and CPU seconds, and RSS before/after.

- csv-ceiling: the exact SELECT Turnout's CSV export runs (same columns, same
  order), through the stdlib sqlite3 cursor into csv.writer to /dev/null: what
  SQLite + Python can do with no framework at all.
- csv-turnout, xlsx-turnout: Turnout's query and streaming writer, bytes to
  /dev/null (the server's work without HTTP).
- xlsx-xlsxwriter: the same query's rows through XlsxWriter constant_memory to a
  temporary file, timestamps parsed into datetimes (as an honest port must, so
  that Excel sees dates); the parse costs ~3% of XlsxWriter's time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.dialects import sqlite as sqlite_dialect

from turnout.core.clock import utcnow
from turnout.core.execute import stream_rows
from turnout.core.params import parse_list_params
from turnout.core.query import Query, compile_query
from turnout.core.resources import SESSIONS
from turnout.core.workspaces import find_workspace
from turnout.db.engine import make_engine
from turnout.formats import FORMATS, Column, FormatOptions

FETCH_BATCH = 2000


def export_query(engine: sa.Engine, limit: int | None) -> Query:
    """What `GET /v1/sessions?format=...` builds for the demo workspace."""
    with engine.connect() as conn:
        workspace = find_workspace(conn, "demo")
    assert workspace is not None, "no demo workspace: build the data set with turnout demo"
    options = parse_list_params(
        SESSIONS,
        [],
        workspace_id=workspace.id,
        workspace_tz=workspace.timezone,
        now=utcnow(),
        default_limit=None,
    )
    return replace(options.query, limit=limit)


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def csv_ceiling(db: Path, limit: int | None) -> int:
    engine = make_engine(f"sqlite:///{db}")
    compiled = compile_query(export_query(engine, limit), "sqlite", with_cursor_columns=False)
    sql = str(
        compiled.select.compile(
            dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    conn = sqlite3.connect(db)
    cursor = conn.execute(sql)
    count = 0
    with open(os.devnull, "w", newline="") as sink:
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow([d[0] for d in cursor.description])
        while batch := cursor.fetchmany(FETCH_BATCH):
            writer.writerows(batch)
            count += len(batch)
    conn.close()
    return count


def turnout_writer(name: str, db: Path, limit: int | None) -> int:
    engine = make_engine(f"sqlite:///{db}")
    query = export_query(engine, limit)
    columns, rows = stream_rows(engine, query)
    counted = _Counter(rows)
    options = FormatOptions(tz=query.tz, sheet_name="sessions")
    with open(os.devnull, "wb") as sink:
        for chunk in FORMATS[name].stream(columns, counted, options=options):
            sink.write(chunk)
    return counted.count


def csv_turnout(db: Path, limit: int | None) -> int:
    return turnout_writer("csv", db, limit)


def xlsx_turnout(db: Path, limit: int | None) -> int:
    return turnout_writer("xlsx", db, limit)


def xlsx_xlsxwriter(db: Path, limit: int | None) -> int:
    engine = make_engine(f"sqlite:///{db}")
    columns, rows = stream_rows(engine, export_query(engine, limit))
    count = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sessions.xlsx"
        options = {
            "constant_memory": True,
            "remove_timezone": True,
            "default_date_format": "yyyy-mm-dd hh:mm:ss",
        }
        workbook = xlsxwriter.Workbook(str(path), options)
        sheet = workbook.add_worksheet("sessions")
        sheet.write_row(0, 0, [column.name for column in columns])
        for count, row in enumerate(_typed(columns, rows), start=1):
            sheet.write_row(count, 0, row)
        workbook.close()
    return count


def _typed(columns: Sequence[Column], rows: Iterator[Sequence[Any]]) -> Iterator[list[Any]]:
    times = [i for i, column in enumerate(columns) if column.type == "datetime"]
    parse = datetime.fromisoformat
    for row in rows:
        values = list(row)
        for i in times:
            value = values[i]
            if value.__class__ is str:
                values[i] = parse(value)
        yield values


class _Counter:
    def __init__(self, rows: Iterator[Sequence[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


WRITERS = {
    "csv-ceiling": csv_ceiling,
    "csv-turnout": csv_turnout,
    "xlsx-turnout": xlsx_turnout,
    "xlsx-xlsxwriter": xlsx_xlsxwriter,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("writer", choices=sorted(WRITERS))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=None, help="cap (default: every session)")
    args = parser.parse_args()

    before = rss_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    rows = WRITERS[args.writer](args.db, args.rows)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "writer": args.writer,
        "rows": rows,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "rss_before_kib": before,
        "rss_peak_kib": peak,
    }
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
