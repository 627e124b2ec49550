"""When a report can read the daily rollups, and which days make each bucket.

The days are local days of the zone they were built in (the workspace's). A report
reads them when its zone is that zone, it is not grouped by hour, every bucket bound
(the window's edges included) is a local midnight, and no day of the window is
waiting to be recomputed. Anything else reads the hourly rollup and raw rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from turnout.core.windows import local_midnight
from turnout.reports.buckets import bucket_bounds
from turnout.reports.daystate import built_zone, pending
from turnout.reports.model import ReportRequest

# Up to this many buckets the day rows are summed per bucket in SQL.
MAX_SQL_BUCKETS = 400


@dataclass(frozen=True)
class DayPlan:
    dates: Sequence[date]
    """Bucket i is the local days [dates[i], dates[i + 1])."""

    @property
    def first(self) -> date:
        return self.dates[0]

    @property
    def end(self) -> date:
        return self.dates[-1]

    @property
    def buckets(self) -> int:
        return len(self.dates) - 1

    @property
    def one_day_buckets(self) -> bool:
        return all((b - a).days == 1 for a, b in zip(self.dates, self.dates[1:], strict=False))

    def bucket_of(self, day: date) -> int | None:
        index = bisect_right(self.dates, day) - 1
        return index if 0 <= index < self.buckets else None

    def bucket(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """The bucket index of a day column (-1 outside), as SQL."""
        return sa.case(
            *((column < bound, index) for index, bound in enumerate(self.dates[1:])),
            else_=-1,
        )

    def in_sql(self) -> bool:
        return self.buckets <= MAX_SQL_BUCKETS


def day_plan(conn: Connection, request: ReportRequest, rollup: str) -> DayPlan | None:
    """The days behind each bucket, or None when the report must read the hours."""
    if not request.use_rollups or not request.use_days or request.granularity == "hour":
        return None
    tz = request.tz
    dates: list[date] = []
    for bound in bucket_bounds(request.start, request.end, tz, request.granularity):
        day = bound.astimezone(tz).date()
        if local_midnight(day, tz) != bound:
            return None
        dates.append(day)
    if built_zone(conn, request.workspace_id, rollup) != tz.key:
        return None
    if pending(conn, request.workspace_id, rollup, request.start, request.end):
        return None
    return DayPlan(dates)
