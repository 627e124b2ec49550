"""Report latency as data grows: daily rollups, hourly rollups, raw rows.

    .venv/bin/python bench/reports_bench.py [--sizes 100000,1000000]
        [--backends sqlite,postgresql] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
        [--existing BACKEND:SIZE=URL#SLUG,...] [--anchor YYYY-MM-DD]
        [--compare-up-to 1000000] [--no-rebuild]

`--existing` reuses data sets loaded with `turnout demo --size N --anchor A
--workspace SLUG` (or scaled up with `bench/scale_demo.py`); `--anchor` must then be
the anchor they were made with.

For each backend and size: load the demo data set (`size` sessions plus their sales,
leads and events, ~6 months) unless it exists, rebuild the rollups once (hours and
days timed apart), then run each report over the 30 days before the anchor grouped
by day in the workspace's zone, best of `--repeat` wall-clock runs (lock, rollup
refresh, compute, shaping): with the daily rollups (what a report does by default),
with the hourly rollups only, and from raw rows only. Sizes above `--compare-up-to`
skip raw rows, and the hourly runs whose distinct counts read raw rows (they take
minutes there). "flat" runs leave out the distinct-count metrics (unique_*,
new_/returning_visitors).
"""

from __future__ import annotations

import argparse
import os
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
from turnout.reports.engine import ReportResult, run_report
from turnout.reports.params import parse_report_params
from turnout.reports.rollups import ROLLUPS

ANCHOR = date(2026, 11, 1)
CASES = [
    ("attendance", "venue,day", None),
    ("attendance", "venue,day", "sessions,attendance_minutes,talk_minutes,peak_occupancy"),
    ("attendance", "day", None),
    ("visits", "venue,day", None),
    ("visits", "venue,day", "visits,average_dwell_minutes,average_satisfaction"),
    ("visits", "day", None),
    ("sales", "item,day", None),
    ("campaign", "campaign,day", None),
    ("waitlist", "agent,day", None),
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


def _timed(fn, repeat: int, expect_days: bool | None) -> str:
    best = float("inf")
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            result: ReportResult = fn()
            best = min(best, time.perf_counter() - started)
    except Unavailable:
        return "timeout (60 s)"
    mark = "" if expect_days is None or result.used_days == expect_days else " (!)"
    return f"{best * 1000:,.0f}{mark}"


def _label(name: str, group_by: str, metrics: str | None) -> str:
    what = "flat" if metrics else "all metrics"
    if name in ("sales", "campaign", "waitlist"):
        return name
    return f"{name} {'by venue' if 'venue' in group_by else 'total'} ({what})"


def bench(
    backend: str,
    size: int,
    pg_url: str,
    repeat: int,
    existing: str | None,
    anchor: date,
    compare: bool,
    rebuild: bool,
    after_write: bool = False,
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
            ws, zone = conn.execute(
                sa.text("SELECT id, timezone FROM workspaces WHERE slug = :slug"), {"slug": slug}
            ).one()
    else:
        ws = generate_demo(engine, size=size, anchor=anchor).workspace_id
        zone = "Europe/London"
    load_s = time.perf_counter() - started
    if backend == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    timings = []
    for name, rollup in ROLLUPS.items() if rebuild else ():
        started = time.perf_counter()
        rollup.rebuild_hours(engine, ws)
        hours = time.perf_counter() - started
        rollup.rebuild_days(engine, ws)
        timings.append(f"{name} {hours:.1f}s + {time.perf_counter() - started - hours:.1f}s")
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"{backend} {size:,} sessions: load {load_s:.1f}s; rollup rebuild (hours + days) "
        + ", ".join(timings)
        + f"; load average {load}"
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
        request = parse_report_params(report, params, workspace_id=ws, workspace_tz=zone, now=now)
        expect = True if report.rollups else None
        cells = [_timed(lambda r=report, q=request: run_report(engine, r, q), repeat, expect)]
        hours = replace(request, use_days=False)
        raw = replace(request, use_rollups=False)
        distinct = name in ("attendance", "visits") and not metrics
        if compare or not distinct:  # past it, the hours' distinct counts read raw rows
            cells.append(_timed(lambda r=report, q=hours: run_report(engine, r, q), repeat, None))
        else:
            cells.append("-")
        if compare:
            cells.append(_timed(lambda r=report, q=raw: run_report(engine, r, q), repeat, None))
        else:
            cells.append("-")
        lines.append(
            f"| {backend} | {size:,} | {_label(name, group_by, metrics)} | "
            + " | ".join(cells)
            + " |"
        )
        print(lines[-1], flush=True)
    print(f"load average after {backend} {size:,}: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    if after_write:
        lines.append(_after_write(engine, ws, zone, anchor, now))
        print(lines[-1], flush=True)
    engine.dispose()
    return lines


def _after_write(engine, ws: int, zone: str, anchor: date, now: datetime) -> str:
    """One session written through the core's command (it marks its hours), then the
    first report (its refresh recomputes the hours and the day) and the next."""
    from turnout.core.commands import Actor
    from turnout.core.commands.models import SessionCreate
    from turnout.core.commands.sessions import create_session

    with engine.connect() as conn:
        venue, customer = conn.execute(
            sa.text(
                "SELECT venue_id, customer_id FROM sessions WHERE workspace_id = :ws "
                "AND venue_id IS NOT NULL AND customer_id IS NOT NULL LIMIT 1"
            ),
            {"ws": ws},
        ).one()
    joined = datetime.combine(anchor - timedelta(days=3), datetime.min.time(), UTC)
    joined += timedelta(hours=14, minutes=7)
    with engine.begin() as conn:
        create_session(
            conn,
            Actor(ws, "bench"),
            SessionCreate(
                venue_id=venue,
                customer_id=customer,
                joined_at=joined,
                left_at=joined + timedelta(minutes=75),
                uuid=str(uuid.uuid4()),
            ),
        )
    report = BY_NAME["visits"]
    params = [
        ("from", (anchor - timedelta(days=30)).isoformat()),
        ("to", (anchor - timedelta(days=1)).isoformat()),
        ("group_by", "venue,day"),
    ]
    request = parse_report_params(report, params, workspace_id=ws, workspace_tz=zone, now=now)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        result = run_report(engine, report, request)
        times.append((time.perf_counter() - started) * 1000)
    assert result.used_days
    return (
        f"after one session written through the commands: visits (all metrics) "
        f"{times[0]:,.0f} ms (refreshes its hours and day), then {times[1]:,.0f} ms"
    )


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
    parser.add_argument("--compare-up-to", type=int, default=1_000_000)
    parser.add_argument("--no-rebuild", action="store_true", help="keep the rollups as they are")
    parser.add_argument(
        "--after-write", action="store_true", help="then time a report after one written session"
    )
    args = parser.parse_args()
    print(
        "| backend | sessions | report | daily rollups (ms) | hourly rollups (ms) | raw rows (ms) |"
    )
    print("|---|---|---|---|---|---|")
    notes = []
    existing = dict(item.split("=", 1) for item in args.existing.split(",") if item)
    anchor = date.fromisoformat(args.anchor)
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            target = existing.get(f"{backend}:{size}")
            if target and backend == "sqlite" and not target.startswith("sqlite:"):
                target = f"sqlite:///{target}"
            lines = bench(
                backend,
                size,
                args.pg_url,
                args.repeat,
                target,
                anchor,
                size <= args.compare_up_to,
                not args.no_rebuild,
                args.after_write,
            )
            notes.append(lines[0])
            print(lines[0], flush=True)
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
