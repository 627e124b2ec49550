"""`GET /User/Attendance/Room/{roomId}` and `/User/Attendance/PrivateVolume/{volumeId}`.

`start` and `stop` (ISO 8601, required, at most 90 days apart), `limit` (no
limit by default) and `offset`. The rule, the window check and the minutes are
the core's (`turnout.core.attendance`): a closed session is returned when
`start <= leave AND stop >= join`; `attendanceMinutes` is the whole stay and
`talkMinutes` the talk time, both as two-decimal strings; times are in UTC.

A room is found by its objectId (the venue's external id, else its id); a
private volume by its volume id (the venue's code, e.g. `PR-2114767535--NewCampus`,
else its external id or id). Sessions are the venue's sessions; `userId` is the
customer's objectId (null for a session without a customer).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Path, Request
from sqlalchemy.engine import Connection

from turnout.auth.keys import Principal
from turnout.core.attendance import overlapping_sessions, stay_minutes, talk_minutes
from turnout.core.clock import utcnow
from turnout.core.errors import NotFound
from turnout.core.resources.people import CUSTOMERS
from turnout.core.resources.places import VENUES
from turnout.core.resources.sessions import SESSIONS
from turnout.db.types import parse_utc
from turnout.dialects.virbela import params
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.reading import (
    Row,
    eq,
    find_by_object_id,
    object_ids,
    read_rows,
)
from turnout.dialects.virbela.render import offset_time, quoted, success
from turnout.dialects.virbela.rooms import room_query

SESSION_FIELDS = ("id", "customer_id", "joined_at", "left_at", "talk_seconds")
TITLE = "Successfully queried room attendance data."


def _venue(conn: Connection, principal: Principal, kind: str, text: str, field: str) -> int:
    query = room_query(principal.workspace_id, kind)
    found = None
    if kind == "private_volume":
        rows = read_rows(conn, replace(query, filters=(*query.filters, eq(VENUES, "code", text))))
        found = rows[0] if rows else None
    if found is None:
        found = find_by_object_id(conn, query, text)
    if found is None:
        what = "room" if kind == "room" else "private volume"
        raise NotFound.for_field(
            field,
            "exists",
            f"No {what} with id {quoted(text[:200])} in world {quoted(principal.workspace_slug)}.",
        )
    return int(found["id"])


def render_record(row: Row, users: dict[int, str]) -> dict[str, Any]:
    joined, left = parse_utc(row["joined_at"]), parse_utc(row["left_at"])
    customer = row["customer_id"]
    return {
        "userId": users.get(int(customer)) if customer is not None else None,
        "joinTime": offset_time(row["joined_at"]),
        "leaveTime": offset_time(row["left_at"]),
        "talkMinutes": str(talk_minutes(row["talk_seconds"])),
        "attendanceMinutes": str(stay_minutes(joined, left)),
    }


def _attendance(request: Request, kind: str, text: str, field: str) -> Any:
    principal = principal_of(request)
    pairs = list(request.query_params.multi_items())
    now = utcnow()
    window = params.window(pairs, now=now)
    limit = params.limit(pairs, default=None)
    offset = params.offset(pairs, "offset")
    with request.app.state.engine.connect() as conn:
        venue_id = _venue(conn, principal, kind, text, field)
        query = overlapping_sessions(
            workspace_id=principal.workspace_id,
            venue_id=venue_id,
            window=window,
            fields=tuple(SESSIONS.field(name) for name in SESSION_FIELDS),
            limit=limit,
            offset=offset or None,
            now=now,
        )
        rows = read_rows(conn, query)
        users = object_ids(
            conn, CUSTOMERS, principal.workspace_id, (r["customer_id"] for r in rows)
        )
    records = [render_record(row, users) for row in rows]
    return success(
        request,
        TITLE,
        f'{len(records)} attendance records were returned, please see "data" for records details.',
        records,
    )


def room_attendance(
    request: Request, room_id: str = Path(alias="roomId", description="The room's objectId.")
) -> Any:
    return _attendance(request, "room", room_id, "roomId")


def private_volume_attendance(
    request: Request,
    volume_id: str = Path(alias="volumeId", description="The private volume's id."),
) -> Any:
    return _attendance(request, "private_volume", volume_id, "volumeId")
