"""Micro-benchmark: rows/s for each output writer against a bare baseline.

    .venv/bin/python bench/formats_bench.py [--rows 300000] [--repeat 3]

Rows are 12-column, session-like tuples held in memory (canonical datetime text
as SQLite returns it). Times are CPU time (`time.process_time`), best of
`--repeat` runs with writer and baseline interleaved, because the shared
machines this runs on are noisy. XlsxWriter is slow enough that its baseline
runs on a slice of the rows (`--xlsxwriter-rows`); rows/s stays comparable.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import xlsxwriter

from turnout.formats import FORMATS, Column

COLUMNS = [
    Column("id"),
    Column("started_at", "datetime"),
    Column("ended_at", "datetime"),
    Column("venue_id", "integer"),
    Column("visits", "integer"),
    Column("spend", "float"),
    Column("duration", "float"),
    Column("channel"),
    Column("city"),
    Column("browser"),
    Column("note"),
    Column("party_size", "integer"),
]
NAMES = [column.name for column in COLUMNS]


def make_rows(count: int) -> list[tuple[Any, ...]]:
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        began = start + timedelta(seconds=i * 37, microseconds=rng.randrange(1_000_000))
        ended = began + timedelta(seconds=rng.randrange(60, 7200))
        rows.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                began.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                ended.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                rng.randrange(1, 500),
                rng.randrange(0, 100),
                round(rng.random() * 300, 2),
                rng.random() * 7200,
                rng.choice(["web", "app", "kiosk", "phone"]),
                rng.choice(["Berlin", "Zürich", "Lisboa", "Kraków", "Paris"]),
                rng.choice(["chrome", "firefox", "safari", "edge"]),
                None,
                rng.randrange(1, 12),
            )
        )
    return rows


def best_rates(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int
) -> tuple[float, float]:
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for slot, run in enumerate((ours, theirs)):
            started = time.process_time()
            run()
            best[slot] = min(best[slot], time.process_time() - started)
    return best[0], best[1]


def drain(name: str, rows: list[tuple[Any, ...]]) -> Callable[[], int]:
    def run() -> int:
        return sum(len(chunk) for chunk in FORMATS[name].stream(COLUMNS, rows))

    return run


def bare_orjson(rows: list[tuple[Any, ...]]) -> Callable[[], int]:
    def run() -> int:
        dumps = orjson.dumps
        return sum(len(dumps(dict(zip(NAMES, row, strict=True)))) for row in rows)

    return run


def bare_csv(rows: list[tuple[Any, ...]]) -> Callable[[], int]:
    def run() -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(NAMES)
        writer.writerows(rows)
        return len(buffer.getvalue().encode())

    return run


def xlsxwriter_constant_memory(rows: list[tuple[Any, ...]]) -> Callable[[], int]:
    # XlsxWriter gets real datetime objects, as it would in an honest port.
    typed = [
        (r[0], _parse(r[1]), _parse(r[2]), *r[3:])
        for r in rows  # type: ignore[misc]
    ]

    def run() -> int:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "out.xlsx"
            options = {
                "constant_memory": True,
                "remove_timezone": True,
                "default_date_format": "yyyy-mm-dd hh:mm:ss",
            }
            workbook = xlsxwriter.Workbook(str(path), options)
            sheet = workbook.add_worksheet("data")
            sheet.write_row(0, 0, NAMES)
            for number, row in enumerate(typed, start=1):
                sheet.write_row(number, 0, row)
            workbook.close()
            return path.stat().st_size

    return run


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsxwriter-rows", type=int, default=30_000)
    args = parser.parse_args()

    rows = make_rows(args.rows)
    # The data set is a long-lived heap of tuples that a real cursor never holds;
    # keep the collector from rescanning it on every batch.
    gc.collect()
    gc.freeze()

    few_rows = len(rows[: args.xlsxwriter_rows])
    pairs = [
        ("ndjson", drain("ndjson", rows), args.rows, "orjson.dumps(dict) loop", bare_orjson(rows)),
        ("json", drain("json", rows), args.rows, "orjson.dumps(dict) loop", bare_orjson(rows)),
        ("csv", drain("csv", rows), args.rows, "bare csv.writer", bare_csv(rows)),
        (
            "xlsx",
            drain("xlsx", rows),
            few_rows,
            "XlsxWriter constant_memory",
            xlsxwriter_constant_memory(rows[: args.xlsxwriter_rows]),
        ),
    ]
    print(f"{args.rows:,} rows x {len(COLUMNS)} columns, CPU time, best of {args.repeat}")
    for name, writer, baseline_rows, baseline_name, baseline in pairs:
        ours, theirs = best_rates(writer, baseline, args.repeat)
        ours_rate, theirs_rate = args.rows / ours, baseline_rows / theirs
        print(
            f"{name:7s} {ours_rate:>11,.0f} rows/s   {baseline_name:28s} "
            f"{theirs_rate:>11,.0f} rows/s   ratio {ours_rate / theirs_rate:.2f}"
        )


if __name__ == "__main__":
    main()
