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
Rolled up like sales (hourly and daily, per agent, room and venue).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.db.schema import events, rollup_waitlist_days, rollup_waitlist_hours
from turnout.formats import Column
from turnout.reports.additive import AdditiveQuery, sums_for
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
from turnout.reports.rollups import WAITLIST

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
    sums=WAITLIST.sums,
    rollup=rollup_waitlist_hours,
    where=WAITLIST.where,
    day_rollup=rollup_waitlist_days,
)


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    found = sums_for(conn, QUERY, request, list(request.group_by), deadline, "waitlist")
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, sums in found.totals.items():
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
    return ReportOutput(values, labels, used_rollups=found.used_rollups, used_days=found.used_days)


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
    rollups=("waitlist",),
)
