"""Sale, lead and waitlist days: the hourly sums per local day and key.

A day's sums are `turnout.reports.additive.sum_by_bucket` over day buckets (the
hourly rollup for whole hours, raw rows for slivers where a zone's midnight is not
on a UTC hour), the same computation a report makes from the hours.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.reports.additive import AdditiveQuery, sum_by_bucket
from turnout.reports.buckets import make_plan
from turnout.reports.model import Deadline, ReportRequest
from turnout.reports.rollups.daily import Check, day_bounds, hours_range
from turnout.reports.rollups.hourly import AdditiveHours
from turnout.reports.rollups.marks import Dirty, Span


class AdditiveDays:
    def __init__(self, hours: AdditiveHours, table: sa.Table) -> None:
        self.name = hours.name
        self.hours = hours
        self.table = table
        self.query = AdditiveQuery(
            source=hours.source,
            time_column=hours.time_column,
            keys={key: key for key in hours.keys},
            sums=hours.sums,
            rollup=hours.table,
            where=hours.where,
        )

    def clear(self, conn: Connection, workspace_id: int) -> None:
        conn.execute(self.table.delete().where(self.table.c.workspace_id == workspace_id))

    def prepare(self, conn: Connection, workspace_id: int) -> None:
        return None

    def data_range(self, conn: Connection, workspace_id: int) -> Span | None:
        return hours_range(conn, self.hours.table, workspace_id)

    def follow_customers(
        self, conn: Connection, workspace_id: int, tz: ZoneInfo, dirty: Dirty
    ) -> set[date] | None:
        return set()

    def write_days(
        self,
        conn: Connection,
        workspace_id: int,
        tz: ZoneInfo,
        first: date,
        end: date,
        check: Check,
    ) -> None:
        bounds = day_bounds(first, end, tz)
        keys = list(self.hours.keys)
        request = ReportRequest(
            workspace_id=workspace_id,
            start=bounds[0],
            end=bounds[-1],
            tz=tz,
            granularity="day",
            group_by=tuple(keys),
            metrics=(),
            filters={},
        )
        plan = make_plan(bounds, use_rollups=True)
        totals = sum_by_bucket(conn, self.query, request, plan, keys, Deadline(math.inf, check))
        names = [name for name, _ in self.hours.sums]
        rows: list[dict[str, Any]] = []
        for (index, *values), sums in totals.items():
            row = {"workspace_id": workspace_id, "day": first + timedelta(days=index)}
            row.update(zip(keys, values, strict=True))
            row.update(zip(names, sums, strict=True))
            rows.append(row)
        table = self.table
        conn.execute(
            table.delete().where(
                table.c.workspace_id == workspace_id, table.c.day >= first, table.c.day < end
            )
        )
        for start in range(0, len(rows), 10_000):
            conn.execute(table.insert(), rows[start : start + 10_000])
