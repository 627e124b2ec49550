"""Run a report: take its lock, refresh its rollups, compute under a deadline, shape rows.

The result is small (one row per key and bucket), so it is computed whole, the lock
released, and only then streamed out in the requested format.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from turnout.core.errors import Unavailable
from turnout.formats import Column
from turnout.reports.buckets import bucket_bounds, period_label
from turnout.reports.locks import LockBusy, one_at_a_time
from turnout.reports.model import Deadline, Report, ReportOutput, ReportRequest
from turnout.reports.rollups import ROLLUPS

log = logging.getLogger("turnout.reports")

DEFAULT_TIMEOUT_SECONDS = float(os.environ.get("TURNOUT_REPORT_TIMEOUT", "60"))
# Share of the time left that a refresh may spend recomputing days.
DAYS_SHARE = 0.5


@dataclass(frozen=True)
class ReportResult:
    columns: list[Column]
    rows: list[tuple[Any, ...]]
    used_rollups: bool
    used_days: bool = False


def _timed_out(seconds: float) -> Unavailable:
    return Unavailable(
        f"the report did not finish within {seconds:g} seconds; narrow the window, group by "
        "a longer period or leave out unique_* metrics, then try again"
    )


def make_deadline(seconds: float) -> Deadline:
    at = time.monotonic() + seconds

    def check() -> None:
        if time.monotonic() > at:
            raise _timed_out(seconds)

    return Deadline(at, check)


@contextmanager
def _statement_timeout(conn: Connection, deadline: Deadline, seconds: float) -> Iterator[None]:
    """Stop a long query in the database too, not only between Python steps."""
    if conn.dialect.name == "postgresql":
        remaining = max(int((deadline.at - time.monotonic()) * 1000), 1)
        conn.execute(sa.text(f"SET LOCAL statement_timeout = {remaining}"))
        try:
            yield
        except sa.exc.OperationalError as exc:
            if "statement timeout" in str(exc.orig) or "canceling statement" in str(exc.orig):
                raise _timed_out(seconds) from exc
            raise
        return
    raw = conn.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline.at), 20_000)
    try:
        yield
    except sa.exc.OperationalError as exc:
        if "interrupted" in str(exc.orig):
            raise _timed_out(seconds) from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)


def refresh_rollups(engine: Engine, report: Report, workspace_id: int, deadline: Deadline) -> bool:
    """Bring the report's rollups up to date; False if another process holds one for too long.

    The daily stage gets half the time left: days it cannot reach stay marked, and the
    report reads the hours for windows that touch them (`turnout.reports.days`)."""
    for name in report.rollups:
        wait = max(0.0, min(30.0, deadline.at - time.monotonic()))
        try:
            with one_at_a_time(
                engine,
                workspace_id,
                f"rollup:{name}",
                hold_for=timedelta(seconds=max(wait, 60.0)),
                wait=wait,
            ):
                budget = (deadline.at - time.monotonic()) * DAYS_SHARE
                ROLLUPS[name].refresh(engine, workspace_id, deadline.check, budget)
        except LockBusy:
            log.warning("rollup %s busy for workspace %s; reading raw rows", name, workspace_id)
            return False
    return True


def run_report(
    engine: Engine,
    report: Report,
    request: ReportRequest,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> ReportResult:
    """Run under the (workspace, report) lock; LockBusy (429) if it is held."""
    with one_at_a_time(
        engine, request.workspace_id, f"report:{report.name}", hold_for=timedelta(seconds=timeout)
    ):
        deadline = make_deadline(timeout)
        if (
            request.use_rollups
            and report.rollups
            and not refresh_rollups(engine, report, request.workspace_id, deadline)
        ):
            request = _without_rollups(request)
        deadline.check()
        with engine.connect() as conn, _statement_timeout(conn, deadline, timeout):
            output = report.compute(conn, request, deadline)
            conn.rollback()
    return shape(report, request, output)


def _without_rollups(request: ReportRequest) -> ReportRequest:
    from dataclasses import replace

    return replace(request, use_rollups=False)


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, value if value is not None else 0) for value in key)


def shape(report: Report, request: ReportRequest, output: ReportOutput) -> ReportResult:
    columns: list[Column] = []
    if request.granularity is not None:
        columns.append(Column("period"))
    dims = [report.dimension(name) for name in request.group_by]
    for dim in dims:
        assert dim is not None
        columns.extend(dim.columns)
    columns.extend(report.implicit_columns)
    metrics = [report.metric(name) for name in request.metrics]
    columns.extend(Column(m.name, m.type) for m in metrics if m is not None)

    bounds = bucket_bounds(request.start, request.end, request.tz, request.granularity)
    rows: list[tuple[Any, ...]] = []
    for key in sorted(output.values, key=_sort_key):
        values = output.values[key]
        row: list[Any] = []
        if request.granularity is not None:
            row.append(period_label(bounds[key[0]], request.tz, request.granularity))
        for position, dim in enumerate(dims, start=1):
            assert dim is not None
            ident = key[position]
            row.append(ident)
            extra = len(dim.columns) - 1
            if extra:
                label = output.labels.get(dim.name, {}).get(ident)
                row.extend(label if label is not None else (None,) * extra)
        row.extend(key[1 + len(dims) :])
        row.extend(values[name] for name in request.metrics)
        rows.append(tuple(row))
    return ReportResult(columns, rows, output.used_rollups, output.used_days)
