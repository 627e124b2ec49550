"""Benchmark: `generate_demo` wall time and rows/s on SQLite and PostgreSQL.

    .venv/bin/python bench/demo_load.py [--sizes 100000 1000000]
        [--backends sqlite postgresql] [--pg-admin-url postgresql://postgres@127.0.0.1:5432/postgres]

Each (backend, size) runs in a child process against a fresh, migrated database:
a temporary SQLite file, or a scratch PostgreSQL database (`turnout_bench_demo`,
dropped and re-created before each run and dropped at the end). Migration is not
timed; the timed part is one `generate_demo` call, i.e. one transaction that
commits every row. Reported: sessions, total rows, wall seconds, rows/s, the
child's CPU seconds (Python's share; the rest is the database server), its peak
RSS, and the 1-minute load average before and after, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from turnout.db import migrate
from turnout.db.engine import make_engine, normalize_url
from turnout.ingest.demo import demo_total_rows, generate_demo

SCRATCH_DB = "turnout_bench_demo"
ANCHOR = date(2024, 6, 14)


def _admin(url: str) -> sa.Engine:
    return sa.create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")


def _recreate_pg(admin_url: str) -> str:
    admin = _admin(admin_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{SCRATCH_DB}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=SCRATCH_DB)
    return url.render_as_string(hide_password=False)


def _drop_pg(admin_url: str) -> None:
    admin = _admin(admin_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)'))
    admin.dispose()


def run_one(url: str, size: int, seed: int) -> dict[str, Any]:
    """Migrate `url`, then time one demo load into it (runs in the child)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    summary = generate_demo(engine, size=size, seed=seed, anchor=ANCHOR)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    engine.dispose()
    assert summary.total == demo_total_rows(size)
    return {
        "sessions": summary.sessions,
        "rows": summary.total,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def _child(url: str, size: int, seed: int, timeout: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", url, "--sizes", str(size), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Time generate_demo on SQLite and PostgreSQL.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "TURNOUT_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1/postgres"
        ),
        help="a database to connect to for CREATE/DROP DATABASE (never the tests' db)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_one(args.child, args.sizes[0], args.seed)))
        return

    print(f"cpus: {os.cpu_count()}, load average now: {os.getloadavg()}", flush=True)
    header = (
        f"{'backend':<11}{'sessions':>10}{'rows':>11}{'seconds':>9}{'rows/s':>10}"
        f"{'cpu s':>8}{'rss MB':>8}{'load':>12}"
    )
    print(header, flush=True)
    results = []
    for backend in args.backends:
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix="turnout-bench-") as tmp:
                if backend == "sqlite":
                    url = f"sqlite:///{Path(tmp) / 'demo.db'}"
                else:
                    url = _recreate_pg(args.pg_admin_url)
                try:
                    result = _child(url, size, args.seed, args.timeout)
                except subprocess.TimeoutExpired:
                    print(f"{backend:<11}{size:>10}  timed out after {args.timeout:.0f} s")
                    continue
                finally:
                    if backend == "postgresql":
                        _drop_pg(args.pg_admin_url)
            rate = result["rows"] / result["seconds"]
            load = f"{result['load_before']:.1f}->{result['load_after']:.1f}"
            print(
                f"{backend:<11}{result['sessions']:>10,}{result['rows']:>11,}"
                f"{result['seconds']:>9.1f}{rate:>10,.0f}{result['cpu_seconds']:>8.1f}"
                f"{result['peak_rss_mb']:>8.0f}{load:>12}",
                flush=True,
            )
            results.append({"backend": backend, **result})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
