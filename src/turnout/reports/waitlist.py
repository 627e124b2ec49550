"""The waitlist report: calls, help given and time in line, per support agent or room.

Waitlist activity is stored as events (Virbela's three waitlist APIs):

* `waitlist.called`: customer = the user called in, actor = the support agent;
  data `secondsInLine`, `initialPlace`, `supportUserId`.
* `waitlist.help_done`: customer = the user helped, actor = the agent;
  data `secondsBeingHelped`, `supportUserId`.
* `waitlist.support_end`: customer and actor = the agent (a shift ended);
  data `numUsersHelped`, `secondsHelpingUsers`, `secondsSupportingList`.

Numbers in `data` may be JSON numbers or numeric strings (as Virbela sends them).

Each event counts in the bucket of its `occurred_at`; `room` is the SFS room name.
Waitlist events are few, so this report always reads raw rows (no rollup).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from turnout.db.schema import events
from turnout.formats import Column
from turnout.reports.additive import AdditiveQuery, sum_by_bucket
from turnout.reports.buckets import bucket_bounds, make_plan
from turnout.reports.labels import fetch_labels
from turnout.reports.model import (
    Deadline,
    Dimension,
    Filter,
    Metric,
    Report,
    ReportOutput,
    ReportRequest,
)
from turnout.reports.numbers import ratio

CALLED, HELP_DONE, SUPPORT_END = "waitlist.called", "waitlist.help_done", "waitlist.support_end"


def _when(kind: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.func.sum(sa.case((events.c.type == kind, value), else_=sa.literal_column("0")))


def _number(key: str) -> ColumnElement[Any]:
    return sa.func.coalesce(sa.cast(events.c.data[key].as_string(), sa.BigInteger), 0)


QUERY = AdditiveQuery(
    source=events,
    time_column="occurred_at",
    keys={
        "agent": "actor_id",
        "agent_id": "actor_id",
        "room": "room",
        "venue": "venue_id",
        "venue_id": "venue_id",
    },
    sums=(
        ("called", lambda t: _when(CALLED, sa.literal_column("1"))),
        ("seconds_in_line", lambda t: _when(CALLED, _number("secondsInLine"))),
        ("helped", lambda t: _when(HELP_DONE, sa.literal_column("1"))),
        ("seconds_helping", lambda t: _when(HELP_DONE, _number("secondsBeingHelped"))),
        ("shifts", lambda t: _when(SUPPORT_END, sa.literal_column("1"))),
        ("seconds_supporting_list", lambda t: _when(SUPPORT_END, _number("secondsSupportingList"))),
    ),
    where=lambda t: t.c.type.in_((CALLED, HELP_DONE, SUPPORT_END)),
)


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    bounds = bucket_bounds(request.start, request.end, request.tz, request.granularity)
    plan = make_plan(bounds, use_rollups=False)
    totals = sum_by_bucket(conn, QUERY, request, plan, list(request.group_by), deadline)
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, sums in totals.items():
        called, in_line, helped, helping, shifts, supporting = (int(v) for v in sums)
        values[key] = {
            "called": called,
            "helped": helped,
            "average_seconds_in_line": ratio(in_line, called),
            "seconds_helping": helping,
            "average_seconds_helping": ratio(helping, helped),
            "shifts": shifts,
            "seconds_supporting_list": supporting,
        }
    labels = {}
    for position, dim in enumerate(request.group_by, start=1):
        labels[dim] = fetch_labels(conn, request.workspace_id, dim, (k[position] for k in values))
    return ReportOutput(values, labels)


REPORT = Report(
    name="waitlist",
    title="Waitlist support",
    description=(
        "Per support agent (the default), room or venue and time bucket: users called in, "
        "users helped, average seconds in line, seconds spent helping, shifts ended and "
        "seconds spent supporting the list."
    ),
    time_field="occurred_at",
    metrics=(
        Metric("called", "integer", "waitlist.called events"),
        Metric("helped", "integer", "waitlist.help_done events"),
        Metric("average_seconds_in_line", "decimal", "mean secondsInLine of the calls"),
        Metric("seconds_helping", "integer", "sum of secondsBeingHelped"),
        Metric("average_seconds_helping", "decimal", "mean secondsBeingHelped"),
        Metric("shifts", "integer", "waitlist.support_end events"),
        Metric("seconds_supporting_list", "integer", "sum of secondsSupportingList"),
    ),
    dimensions=(
        Dimension(
            "agent",
            (Column("agent_id", "integer"), Column("agent_name")),
            "the support agent (the event's actor)",
        ),
        Dimension("room", (Column("room"),), "the SFS room name"),
        Dimension("venue", (Column("venue_id", "integer"), Column("venue_name")), "the venue"),
    ),
    filters=(
        Filter("agent_id", "id", "only these support agents"),
        Filter("room", "text", "only these rooms"),
        Filter("venue_id", "id", "only these venues"),
    ),
    default_group_by=("agent",),
    compute=compute,
)
