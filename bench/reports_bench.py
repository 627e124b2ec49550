"""Report latency as data grows, with and without rollups.

    .venv/bin/python bench/reports_bench.py [--sizes 100000,1000000]
        [--backends sqlite,postgresql] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
        [--existing BACKEND:SIZE=URL#SLUG,...] [--anchor YYYY-MM-DD]

`--existing` reuses data sets loaded with `turnout demo --size N --anchor A
--workspace SLUG` (e.g. copies of bench/data/*.db, or several workspaces of one
scratch PostgreSQL database); `--anchor` must then be the anchor they were made with.

For each backend and size: load the demo data set (`size` sessions plus their sales,
leads and events, ~6 months), rebuild the rollups once (timed), then run each report
over a 30-day window grouped by day, best of `--repeat` wall-clock runs, with rollups
and reading raw rows only. "flat" runs leave out the distinct-count metrics
(unique_*, new_/returning_visitors), which always read the window's raw rows.
"""

from __future__ import annotations

import argparse
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp

import sqlalchemy as sa

from turnout.core.errors import Unavailable
from turnout.db import migrate
from turnout.db.engine import make_engine
from turnout.ingest.demo import generate_demo
from turnout.reports import BY_NAME
from turnout.reports.engine import run_report
from turnout.reports.params import parse_report_params
from turnout.reports.rollups import ROLLUPS

ANCHOR = date(2026, 11, 1)
CASES = [
    ("attendance", "venue,day", None),
    ("attendance", "venue,day", "sessions,attendance_minutes,talk_minutes,peak_occupancy"),
    ("visits", "venue,day", None),
    ("visits", "venue,day", "visits,average_dwell_minutes,average_satisfaction"),
    ("sales", "item,day", None),
    ("campaign", "campaign,day", None),
]


def _database(backend: str, pg_url: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{Path(mkdtemp(prefix='turnout-bench-')) / f'reports-{size}.db'}"
    name = f"turnout_bench_{size}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _timed(fn, repeat: int) -> str:
    try:
        return f"{_best(fn, repeat) * 1000:.0f}"
    except Unavailable:
        return "timeout (60 s)"


def bench(
    backend: str,
    size: int,
    pg_url: str,
    repeat: int,
    existing: str | None,
    anchor: date = ANCHOR,
) -> list[str]:
    slug = "demo"
    if existing and "#" in existing:
        existing, slug = existing.rsplit("#", 1)
    url = existing or _database(backend, pg_url, size)
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    if existing:
        with engine.connect() as conn:
            ws = conn.execute(
                sa.text("SELECT id FROM workspaces WHERE slug = :slug"), {"slug": slug}
            ).scalar_one()
    else:
        ws = generate_demo(engine, size=size, anchor=anchor).workspace_id
    load_s = time.perf_counter() - started
    if backend == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    rebuild = {}
    for name, rollup in ROLLUPS.items():
        started = time.perf_counter()
        rollup.rebuild(engine, ws)
        rebuild[name] = time.perf_counter() - started
    lines = [
        f"{backend} {size:,} sessions: load {load_s:.1f}s; rollup rebuild "
        + ", ".join(f"{k} {v:.2f}s" for k, v in rebuild.items())
    ]
    now = datetime.combine(anchor, datetime.min.time(), UTC)
    for name, group_by, metrics in CASES:
        report = BY_NAME[name]
        params = [
            ("from", (anchor - timedelta(days=30)).isoformat()),
            ("to", (anchor - timedelta(days=1)).isoformat()),
            ("group_by", group_by),
        ]
        if metrics:
            params.append(("metrics", metrics))
        request = parse_report_params(
            report, params, workspace_id=ws, workspace_tz="Europe/London", now=now
        )
        rolled = _timed(lambda r=report, q=request: run_report(engine, r, q), repeat)
        raw_request = replace(request, use_rollups=False)
        raw = _timed(lambda r=report, q=raw_request: run_report(engine, r, q), repeat)
        label = f"{name} ({'flat' if metrics else 'all metrics'})"
        lines.append(f"| {backend} | {size:,} | {label} | {rolled} | {raw} |")
        print(lines[-1], flush=True)
    engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--existing",
        default="",
        help="reuse loaded demo data: backend:size=url#slug,... (sqlite:100000=/path.db#demo)",
    )
    parser.add_argument("--anchor", default=ANCHOR.isoformat(), help="anchor of --existing data")
    args = parser.parse_args()
    print("| backend | sessions | report | with rollups (ms) | raw rows only (ms) |")
    print("|---|---|---|---|---|")
    notes = []
    existing = dict(item.split("=", 1) for item in args.existing.split(",") if item)
    anchor = date.fromisoformat(args.anchor)
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            target = existing.get(f"{backend}:{size}")
            if target and backend == "sqlite" and not target.startswith("sqlite:"):
                target = f"sqlite:///{target}"
            lines = bench(backend, size, args.pg_url, args.repeat, target, anchor)
            notes.append(lines[0])
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
