"""`GET /Rooms/World/{clientName}`: every room of the campus, in the seed's fields.

Rooms are venues of kind `room`. `objectId` is the venue's external id (else its
id); `name` its name; `SFSRoom` the `SFSRoom` attribute, else its code; `group`
its group. `visibleOn`, `levelName`, `instance`, `customLabel`, `groupAccess`,
`teamAccess`, `teamAccessFriendly` and `hardUserLimitOptions` come from the
venue's `attributes` or `access` JSON; a key a room does not have is left out,
as the seed's rooms leave them out. `teamAccessFriendly`, when not stored, is
derived from `teamAccess` the way the seed shows it ("2" is "B").
"""

from __future__ import annotations

import string
from typing import Any

from fastapi import Path, Request

from turnout.core.clock import utcnow
from turnout.core.query import Query
from turnout.core.resources.places import VENUES
from turnout.dialects.virbela.credentials import check_world, principal_of
from turnout.dialects.virbela.params import UTC_ZONE
from turnout.dialects.virbela.reading import Row, eq, object_id, read_rows
from turnout.dialects.virbela.render import answer, json_object, timestamp

ROOM_FIELDS = (
    "id",
    "external_id",
    "name",
    "code",
    "group_name",
    "access",
    "attributes",
    "created_at",
    "updated_at",
)
# Optional keys, in the seed's order, and where each is looked for first.
_BEFORE_NAME = ("customLabel",)
_AFTER_STAMPS = ("groupAccess", "group", "teamAccess", "teamAccessFriendly", "hardUserLimitOptions")


def room_query(workspace_id: int, kind: str = "room") -> Query:
    return Query(
        resource=VENUES,
        workspace_id=workspace_id,
        tz=UTC_ZONE,
        filters=(eq(VENUES, "kind", kind),),
        fields=tuple(VENUES.field(name) for name in ROOM_FIELDS),
        sort=(("id", False),),
        now=utcnow(),
    )


def _friendly(teams: Any) -> list[str] | None:
    if not isinstance(teams, list):
        return None
    out = []
    for team in teams:
        text = str(team).strip()
        if not text.isdigit() or not 1 <= int(text) <= 26:
            return None
        out.append(string.ascii_uppercase[int(text) - 1])
    return out


def render_room(row: Row) -> dict[str, Any]:
    attributes, access = json_object(row["attributes"]), json_object(row["access"])
    merged = {**access, **attributes}
    if row["group_name"] and "group" not in merged:
        merged["group"] = row["group_name"]
    if "teamAccessFriendly" not in merged:
        friendly = _friendly(merged.get("teamAccess"))
        if friendly is not None:
            merged["teamAccessFriendly"] = friendly
    out: dict[str, Any] = {
        "objectId": object_id(row),
        "visibleOn": merged.get("visibleOn", []),
        "levelName": merged.get("levelName"),
        "instance": merged.get("instance", 0),
    }
    for key in _BEFORE_NAME:
        if key in merged:
            out[key] = merged[key]
    out["name"] = row["name"]
    out["SFSRoom"] = merged.get("SFSRoom") or row["code"]
    out["createdAt"] = timestamp(row["created_at"])
    out["updatedAt"] = timestamp(row["updated_at"])
    for key in _AFTER_STAMPS:
        if key in merged:
            out[key] = merged[key]
    return out


def list_rooms(
    request: Request,
    client_name: str = Path(alias="clientName", description="The world's client name."),
) -> Any:
    principal = principal_of(request)
    check_world(principal, client_name, field="clientName")
    with request.app.state.engine.connect() as conn:
        rows = read_rows(conn, room_query(principal.workspace_id))
    rooms = [render_room(row) for row in rows]
    return answer(request, {"count": len(rooms), "data": rooms})
