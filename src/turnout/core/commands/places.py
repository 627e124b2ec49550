"""Venues: create, update, delete."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from turnout.core import audit
from turnout.core.commands import Actor
from turnout.core.commands.models import VenueCreate, VenueUpdate, given
from turnout.core.commands.records import insert, load, unique_as_conflict, update
from turnout.db.schema import venues


def create_venue(conn: Connection, actor: Actor, data: VenueCreate) -> int:
    with unique_as_conflict(conn, "code", f"a venue with code {data.code!r} exists"):
        return insert(conn, actor, venues, given(data) | {"kind": data.kind, "name": data.name})


def update_venue(conn: Connection, actor: Actor, venue_id: int, data: VenueUpdate) -> None:
    load(conn, actor, venues, venue_id, what="venue")
    values = given(data)
    for required in ("kind", "name"):
        if required in values and values[required] is None:
            values.pop(required)
    with unique_as_conflict(conn, "code", f"a venue with code {data.code!r} exists"):
        update(conn, actor, venues, venue_id, values)


def delete_venue(conn: Connection, actor: Actor, venue_id: int) -> None:
    """Delete; sessions, sales and vouchers keep their rows with no venue."""
    row = load(conn, actor, venues, venue_id, what="venue")
    conn.execute(
        venues.delete().where(venues.c.workspace_id == actor.workspace_id, venues.c.id == venue_id)
    )
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="venue.delete",
        resource="venues",
        resource_id=venue_id,
        details={"name": row.name, "code": row.code},
    )
