"""Daily rollups: one row per local day of the workspace's zone (and per key).

A rollup's daily stage runs after its hourly one, from the marks the hourly refresh
forwards (`<rollup>_days`): a dirty hour dirties the local days it touches. The days
are recomputed whole, from the (fresh) hourly rows plus raw slivers where a zone's
midnight is not on a UTC hour, so a day row holds exactly what the hourly path
computes for that day; the session days add the distinct counts, which come from
raw rows and the first-visit table (`turnout.reports.rollups.session_days`).

Work is done in transactions of at most `CHUNK_DAYS` days; the days not done yet stay
as marks, so a refresh can stop when its time budget is spent and the next one goes
on (reports meanwhile read the hours for windows that touch pending days). The zone
the days were built in is kept in `rollup_day_zones`; a workspace whose zone is not
that one (changed, or never built) rebuilds its days.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from turnout.core.clock import utcnow
from turnout.core.windows import local_midnight
from turnout.db.schema import rollup_day_zones, rollup_dirty, workspaces
from turnout.reports.buckets import HOUR
from turnout.reports.daystate import NOBODY, built_zone, day_marks
from turnout.reports.rollups.marks import Dirty, Span, add_marks, consume, read_dirty

Check = Callable[[], None]
# Days recomputed per transaction.
CHUNK_DAYS = 31
_ONE_DAY = timedelta(days=1)


class DayStage(Protocol):
    """What one rollup's days need: the driver here does the rest."""

    name: str

    def clear(self, conn: Connection, workspace_id: int) -> None:
        """Delete every day row (and helper state) of the workspace."""

    def prepare(self, conn: Connection, workspace_id: int) -> None:
        """Work a rebuild does once before the days (the first visits)."""

    def data_range(self, conn: Connection, workspace_id: int) -> Span | None:
        """The UTC hours holding data (from the hourly rollup)."""

    def follow_customers(
        self, conn: Connection, workspace_id: int, tz: ZoneInfo, dirty: Dirty
    ) -> set[date] | None:
        """Bring per-customer state up to date for the marks; the extra days that
        changed, or None when too many customers are open (rebuild instead)."""

    def write_days(
        self,
        conn: Connection,
        workspace_id: int,
        tz: ZoneInfo,
        first: date,
        end: date,
        check: Check,
    ) -> None:
        """Replace the rows of the local days [first, end) with fresh ones."""


@lru_cache(maxsize=4096)
def midnight(day: date, tz: ZoneInfo) -> datetime:
    return local_midnight(day, tz)


def day_bounds(first: date, end: date, tz: ZoneInfo) -> list[datetime]:
    """[midnight(first), ..., midnight(end)]: day i is [bounds[i], bounds[i + 1])."""
    return [midnight(first + timedelta(days=i), tz) for i in range((end - first).days + 1)]


def hours_range(conn: Connection, hours: sa.Table, workspace_id: int) -> Span | None:
    """[first hour, last hour + 1 h) of a workspace's rows in an hourly rollup table."""
    lo, hi = conn.execute(
        sa.select(sa.func.min(hours.c.hour), sa.func.max(hours.c.hour)).where(
            hours.c.workspace_id == workspace_id
        )
    ).one()
    return None if lo is None else (lo, hi + HOUR)


def day_of(instant: datetime, tz: ZoneInfo) -> date:
    """The local day whose [midnight, next midnight) holds `instant` (the same rule as
    the report buckets, even where a zone's clock goes back over midnight)."""
    day = instant.astimezone(tz).date()
    while midnight(day, tz) > instant:
        day -= _ONE_DAY
    while midnight(day + _ONE_DAY, tz) <= instant:
        day += _ONE_DAY
    return day


def days_of(spans: Iterable[Span], tz: ZoneInfo) -> set[date]:
    """Local days that overlap any of the UTC spans."""
    days: set[date] = set()
    for lo, hi in spans:
        if hi <= lo:
            continue
        day = day_of(lo, tz)
        while midnight(day, tz) < hi:
            days.add(day)
            day += _ONE_DAY
    return days


def runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as [first, end) runs of consecutive days."""
    out: list[tuple[date, date]] = []
    for day in days:
        if out and out[-1][1] == day:
            out[-1] = (out[-1][0], day + _ONE_DAY)
        else:
            out.append((day, day + _ONE_DAY))
    return out


def workspace_zone(conn: Connection, workspace_id: int) -> str:
    return str(
        conn.execute(
            sa.select(workspaces.c.timezone).where(workspaces.c.id == workspace_id)
        ).scalar_one()
    )


def rebuild_days(
    engine: Engine,
    stage: DayStage,
    workspace_id: int,
    check: Check,
    budget: float | None = None,
) -> bool:
    """Start over in the workspace's zone: clear the days, mark the whole data range
    dirty, then work through it (within `budget` seconds if given). True when done."""
    started = time.monotonic()
    with engine.begin() as conn:
        zone = workspace_zone(conn, workspace_id)
        stage.clear(conn, workspace_id)
        conn.execute(
            rollup_dirty.delete().where(
                rollup_dirty.c.workspace_id == workspace_id,
                rollup_dirty.c.name == day_marks(stage.name),
            )
        )
        conn.execute(
            rollup_day_zones.delete().where(
                rollup_day_zones.c.workspace_id == workspace_id,
                rollup_day_zones.c.name == stage.name,
            )
        )
        stage.prepare(conn, workspace_id)
        conn.execute(
            rollup_day_zones.insert().values(
                workspace_id=workspace_id, name=stage.name, zone=zone, built_at=utcnow()
            )
        )
        span = stage.data_range(conn, workspace_id)
        if span is not None:
            add_marks(conn, workspace_id, day_marks(stage.name), [span], NOBODY)
    spent = time.monotonic() - started
    return work_days(engine, stage, workspace_id, check, None if budget is None else budget - spent)


def refresh_days(
    engine: Engine,
    stage: DayStage,
    workspace_id: int,
    check: Check,
    budget: float | None = None,
) -> bool:
    """Recompute the days the pending marks name; rebuild when the zone is not the one
    the days were built in. True when no day is left pending."""
    with engine.connect() as conn:
        zone = workspace_zone(conn, workspace_id)
        built = built_zone(conn, workspace_id, stage.name)
    if built != zone:
        return rebuild_days(engine, stage, workspace_id, check, budget)
    return work_days(engine, stage, workspace_id, check, budget)


def work_days(
    engine: Engine,
    stage: DayStage,
    workspace_id: int,
    check: Check,
    budget: float | None = None,
) -> bool:
    started = time.monotonic()
    while True:
        with engine.begin() as conn:
            zone = built_zone(conn, workspace_id, stage.name)
            dirty = read_dirty(conn, workspace_id, day_marks(stage.name))
            if not dirty.ids:
                return True
            if zone is None:  # the hours were rebuilt meanwhile: start over
                conn.rollback()
                return rebuild_days(engine, stage, workspace_id, check, budget)
            tz = ZoneInfo(zone)
            extra = (
                None if dirty.too_many else stage.follow_customers(conn, workspace_id, tz, dirty)
            )
            if extra is None:
                conn.rollback()
                return rebuild_days(engine, stage, workspace_id, check, budget)
            days = sorted(days_of(dirty.spans, tz) | extra)
            now, later = days[:CHUNK_DAYS], days[CHUNK_DAYS:]
            for first, end in runs(now):
                check()
                stage.write_days(conn, workspace_id, tz, first, end, check)
            consume(conn, workspace_id, dirty.ids)
            rest = [(midnight(a, tz), midnight(b, tz)) for a, b in runs(later)]
            add_marks(conn, workspace_id, day_marks(stage.name), rest, NOBODY)
        if later and budget is not None and time.monotonic() - started > budget:
            return False  # the rest stays marked for the next refresh
