"""Turnout vs Datasette on the same SQLite file, and exports vs their ceilings.

    .venv/bin/python bench/run.py                     # 100k and 1M sessions, everything
    .venv/bin/python bench/run.py --sizes 100k --only list --seconds 3

Builds `bench/data/<size>.db` with `turnout demo --size N` when missing, installs
Datasette into `bench/.venv-datasette` when missing, then measures in one run:

  list   requests/s of a 100-row JSON page, plain and filtered+sorted, with wrk
         at a fixed concurrency, Turnout and Datasette alternating round by round
  csv    a whole CSV export over HTTP (Turnout vs Datasette `_stream=on`), the
         same export in process (Turnout's query + CSV writer, no HTTP), and an
         in-process ceiling (sqlite3 cursor -> csv.writer): rows/s, time to first
         byte, the server's peak RSS
  xlsx   a whole XLSX export over HTTP (Turnout; rows/s, peak server RSS), and
         in process Turnout's streaming writer vs XlsxWriter constant_memory on
         the same rows (rows/s of CPU time, peak RSS of each process)

Ratios are Turnout / other. Results also go to bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from http_bench import Download, download, wrk
from servers import (
    BENCH,
    Dataset,
    datasette_server,
    datasette_version,
    ensure_dataset,
    log,
    turnout_server,
)

SIZES = {"100k": 100_000, "1m": 1_000_000}
PHASES = ("list", "csv", "xlsx")
PYTHON = BENCH.parent / ".venv" / "bin" / "python"


def list_paths(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Turnout path and Datasette path asking for the same rows.

    "page" is Datasette's default table page (it also counts the table); "page
    nocount" drops the count, which Turnout does not do either. The filtered page
    gives Datasette the workspace predicate Turnout adds itself, so both run the
    same SQL.
    """
    table = f"/{dataset.path.stem}/sessions.json?_size=100"
    return {
        "page": ("/v1/sessions?limit=100", table),
        "page nocount": ("/v1/sessions?limit=100", table + "&_nocount=1"),
        "filter+sort": (
            "/v1/sessions?limit=100&channel=api,online&people[gte]=3&sort=-start_at",
            table + "&_nocount=1&workspace_id=1&channel__in=api,online&people__gte=3"
            "&_sort_desc=start_at",
        ),
    }


def bench_list(dataset: Dataset, args: argparse.Namespace, logdir: Path) -> list[dict[str, Any]]:
    found = []
    with (
        turnout_server(dataset, args.port, logdir) as turnout,
        datasette_server(dataset, args.port + 1, logdir, args.datasette_fast) as datasette,
    ):
        for name, (ours, theirs) in list_paths(dataset).items():
            pair = ((turnout, ours), (datasette, theirs))
            for server, path in pair:  # warm caches and connections, not counted
                wrk(server, path, seconds=1, connections=args.connections)
            runs: dict[str, list[Any]] = {"turnout": [], "datasette": []}
            for round_ in range(args.rounds):
                order = pair if round_ % 2 == 0 else pair[::-1]
                for server, path in order:
                    result = wrk(server, path, seconds=args.seconds, connections=args.connections)
                    runs[server.name].append(result)
                    log(f"  {dataset.label} {name} {server.name}: {result}")
            ratios = [
                a.requests_per_second / b.requests_per_second if b.requests_per_second else 0.0
                for a, b in zip(runs["turnout"], runs["datasette"], strict=True)
            ]
            found.append(
                {
                    "size": dataset.label,
                    "query": name,
                    "turnout_rps": _median(r.requests_per_second for r in runs["turnout"]),
                    "datasette_rps": _median(r.requests_per_second for r in runs["datasette"]),
                    "turnout_ms": _median(r.latency_ms for r in runs["turnout"]),
                    "datasette_ms": _median(r.latency_ms for r in runs["datasette"]),
                    "turnout_rpcs": _median(r.requests_per_cpu_second for r in runs["turnout"]),
                    "datasette_rpcs": _median(r.requests_per_cpu_second for r in runs["datasette"]),
                    "errors": sum(r.errors for rs in runs.values() for r in rs),
                    "ratio": statistics.median(ratios),
                    "ratios": ratios,
                }
            )
    return found


def in_process(writer: str, dataset: Dataset, rows: int | None = None) -> dict[str, Any]:
    command = [str(PYTHON), str(BENCH / "export_bench.py"), writer, "--db", str(dataset.path)]
    if rows is not None:
        command += ["--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    log(f"  {dataset.label} {writer}: {result}")
    return result


def session_count(dataset: Dataset) -> int:
    with sqlite3.connect(dataset.path) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM sessions WHERE workspace_id = "
            "(SELECT id FROM workspaces WHERE slug = 'demo')"
        ).fetchone()
    return int(count)


def bench_exports(
    dataset: Dataset, args: argparse.Namespace, logdir: Path, phases: set[str]
) -> list[dict[str, Any]]:
    """Fresh servers, so that peak RSS belongs to the exports alone."""
    found = []
    rows = session_count(dataset)
    csv_path = f"/{dataset.path.stem}/sessions.csv?_stream=on&_size=max"
    with (
        turnout_server(dataset, args.port, logdir) as turnout,
        datasette_server(dataset, args.port + 1, logdir, args.datasette_fast) as datasette,
    ):
        for _ in range(args.export_rounds):
            if "csv" in phases:
                for name, server, path in (
                    ("turnout", turnout, "/v1/sessions?format=csv"),
                    ("datasette", datasette, csv_path),
                ):
                    got = download(server, path)
                    log(f"  {dataset.label} csv {name}: {got}")
                    assert got.status == 200, f"{name} CSV answered {got.status}"
                    if got.lines - 1 != rows:
                        log(f"  warning: {name} sent {got.lines - 1} lines for {rows} rows")
                    # Rows actually received: one CSV line each (no field has a newline).
                    found.append(_http_row(dataset, "csv", name, got.lines - 1, got))
                for writer, by in (
                    ("csv-turnout", "turnout in-process"),
                    ("csv-ceiling", "ceiling"),
                ):
                    result = in_process(writer, dataset)
                    found.append(_in_process_row(dataset, "csv", by, result))
            if "xlsx" in phases:
                got = download(turnout, "/v1/sessions?format=xlsx")
                log(f"  {dataset.label} xlsx turnout: {got}")
                assert got.status == 200, f"turnout XLSX answered {got.status}"
                found.append(_http_row(dataset, "xlsx", "turnout", rows, got))
    return found


def _http_row(dataset: Dataset, export: str, by: str, rows: int, got: Download) -> dict[str, Any]:
    return {
        "size": dataset.label,
        "export": export,
        "by": by,
        "rows": rows,
        "seconds": got.seconds,
        "cpu_seconds": got.server_cpu_seconds,
        "first_byte_seconds": got.first_byte_seconds,
        "bytes": got.bytes,
        "rss_before_kib": got.server_rss_before_kib,
        "rss_peak_kib": got.server_rss_peak_kib,
    }


def _in_process_row(
    dataset: Dataset, export: str, by: str, result: dict[str, Any]
) -> dict[str, Any]:
    return {
        "size": dataset.label,
        "export": export,
        "by": by,
        "rows": result["rows"],
        "seconds": result["wall_seconds"],
        "cpu_seconds": result["cpu_seconds"],
        "first_byte_seconds": None,
        "rss_before_kib": result["rss_before_kib"],
        "rss_peak_kib": result["rss_peak_kib"],
    }


def bench_xlsx_writers(dataset: Dataset, args: argparse.Namespace) -> list[dict[str, Any]]:
    found = []
    for _ in range(args.export_rounds):
        for writer in ("xlsx-turnout", "xlsx-xlsxwriter"):
            result = in_process(writer, dataset, args.xlsx_rows)
            found.append(_in_process_row(dataset, "xlsx-in-process", writer, result))
    return found


def _median(values: Any) -> float:
    return statistics.median(list(values))


def report(results: dict[str, Any]) -> str:
    head = f"# {results['date']}  {results['machine']}  {results['datasette']}"
    lines = [head, ""]
    if results["list"]:
        lines += [
            "## List pages: wrk -c{c}, {s} s x {r} rounds alternating, medians".format(
                **results["settings"]
            ),
            "",
            "req/CPU-s = requests per second of the server's own CPU time (steadier when",
            "other work shares the cores). Ratio = Turnout / Datasette, median of rounds.",
            "",
            "| size | query | Turnout req/s | Datasette req/s | ratio | Turnout req/CPU-s "
            "| Datasette req/CPU-s | CPU ratio | Turnout ms | Datasette ms | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in results["list"]:
            lines.append(
                f"| {row['size']} | {row['query']} | {row['turnout_rps']:,.0f} "
                f"| {row['datasette_rps']:,.0f} | {row['ratio']:.2f}x "
                f"| {row['turnout_rpcs']:,.0f} | {row['datasette_rpcs']:,.0f} "
                f"| {row['turnout_rpcs'] / row['datasette_rpcs']:.2f}x "
                f"| {row['turnout_ms']:.0f} | {row['datasette_ms']:.0f} | {row['errors']} |"
            )
        lines.append("")
    if results["exports"]:
        lines += [
            "## Whole exports",
            "",
            "rows/s on wall time; CPU rows/s on the CPU time of the server (HTTP) or of",
            "the process (in-process). RSS is the server's (HTTP) or the process's.",
            "",
            "| size | export | by | rows | rows/s | CPU rows/s | first byte s "
            "| RSS before MiB | RSS peak MiB |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in results["exports"]:
            first = row["first_byte_seconds"]
            lines.append(
                f"| {row['size']} | {row['export']} | {row['by']} | {row['rows']:,} "
                f"| {row['rows'] / row['seconds']:,.0f} "
                f"| {row['rows'] / row['cpu_seconds']:,.0f} "
                f"| {'-' if first is None else f'{first:.3f}'} "
                f"| {row['rss_before_kib'] / 1024:.0f} | {row['rss_peak_kib'] / 1024:.0f} |"
            )
        lines.append("")
        lines += _export_ratios(results["exports"])
    return "\n".join(lines)


def _best_rate(rows: list[dict[str, Any]], size: str, export: str, by: str, cpu: bool) -> float:
    key = "cpu_seconds" if cpu else "seconds"
    rates = [
        r["rows"] / r[key]
        for r in rows
        if r["size"] == size and r["export"] == export and r["by"] == by
    ]
    return max(rates) if rates else float("nan")


def _export_ratios(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Export ratios (best round of each; wall / CPU)", ""]
    for size in dict.fromkeys(r["size"] for r in rows):
        rate = {
            (export, by, cpu): _best_rate(rows, size, export, by, cpu)
            for export, by in (
                ("csv", "turnout"),
                ("csv", "datasette"),
                ("csv", "ceiling"),
                ("csv", "turnout in-process"),
                ("xlsx-in-process", "xlsx-turnout"),
                ("xlsx-in-process", "xlsx-xlsxwriter"),
            )
            for cpu in (False, True)
        }

        def ratio(a: tuple[str, str], b: tuple[str, str]) -> str:
            return " / ".join(
                f"{rate[(*a, cpu)] / rate[(*b, cpu)]:.2f}"  # noqa: B023
                for cpu in (False, True)
            )

        ours = ("csv", "turnout")
        if not math.isnan(rate[(*ours, False)]):
            lines.append(
                f"- {size} CSV: Turnout / Datasette {ratio(ours, ('csv', 'datasette'))}; "
                f"Turnout / in-process ceiling {ratio(ours, ('csv', 'ceiling'))}; "
                "Turnout's query + writer in process / ceiling "
                f"{ratio(('csv', 'turnout in-process'), ('csv', 'ceiling'))}"
            )
        xlsx = ("xlsx-in-process", "xlsx-turnout")
        if not math.isnan(rate[(*xlsx, False)]):
            lines.append(
                f"- {size} XLSX in process: Turnout / XlsxWriter constant_memory "
                f"{ratio(xlsx, ('xlsx-in-process', 'xlsx-xlsxwriter'))}"
            )
    for export in ("csv", "xlsx"):
        peaks = {
            r["size"]: r["rss_peak_kib"]
            for r in rows
            if r["export"] == export and r["by"] == "turnout"
        }
        if {"100k", "1m"} <= peaks.keys():
            lines.append(
                f"- Turnout server peak RSS during {export}: 100k {peaks['100k'] / 1024:.0f} MiB,"
                f" 1M {peaks['1m'] / 1024:.0f} MiB ({peaks['1m'] / peaks['100k']:.2f}x)"
            )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m", help="comma list of 100k, 1m")
    parser.add_argument("--only", default=",".join(PHASES), help="comma list of list,csv,xlsx")
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per server and query")
    parser.add_argument("--connections", type=int, default=8, help="wrk concurrency")
    parser.add_argument("--export-rounds", type=int, default=2)
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows for XlsxWriter")
    parser.add_argument("--port", type=int, default=8710, help="Turnout's; Datasette's is +1")
    parser.add_argument(
        "--datasette-fast-http",
        dest="datasette_fast",
        action="store_true",
        help="run Datasette with uvloop and httptools too (bench/.venv-datasette-fast)",
    )
    args = parser.parse_args()
    phases = set(args.only.split(","))
    unknown = phases - set(PHASES) or set(args.sizes.split(",")) - set(SIZES)
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logdir = BENCH / "results" / f"{stamp}-logs"
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start",
        "datasette": datasette_version(args.datasette_fast),
        "settings": {"c": args.connections, "s": args.seconds, "r": args.rounds},
        "list": [],
        "exports": [],
    }
    datasets = [ensure_dataset(label, SIZES[label]) for label in args.sizes.split(",")]
    for dataset in datasets:
        if dataset.build_seconds is not None:
            log(f"built {dataset.label} in {dataset.build_seconds:.1f} s")
        if "list" in phases:
            log(f"list pages on {dataset.label}")
            results["list"] += bench_list(dataset, args, logdir)
        if phases & {"csv", "xlsx"}:
            log(f"exports on {dataset.label}")
            results["exports"] += bench_exports(dataset, args, logdir, phases)
    if "xlsx" in phases:
        log(f"XLSX writers in process on {datasets[-1].label}, {args.xlsx_rows:,} rows")
        results["exports"] += bench_xlsx_writers(datasets[-1], args)
    results["load_at_end"] = os.getloadavg()[0]
    out = BENCH / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(report(results))
    log(f"results: {out.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    sys.exit(main())
