"""Custom profile fields: their definitions and typed values on customers."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core import audit
from turnout.core.commands import Actor
from turnout.core.commands.models import ProfileFieldCreate, given
from turnout.core.commands.records import insert, load, unique_as_conflict
from turnout.core.errors import InvalidParameter
from turnout.db.schema import profile_fields

MAX_PROFILE_TEXT = 10_000


def definitions(conn: Connection, actor: Actor) -> dict[str, str]:
    """Defined field name -> type, for the actor's workspace."""
    rows = conn.execute(
        sa.select(profile_fields.c.name, profile_fields.c.type).where(
            profile_fields.c.workspace_id == actor.workspace_id
        )
    )
    return {name: kind for name, kind in rows}


def create_field(conn: Connection, actor: Actor, data: ProfileFieldCreate) -> int:
    with unique_as_conflict(conn, "name", f"a profile field named {data.name!r} exists"):
        return insert(conn, actor, profile_fields, given(data) | {"name": data.name})


def delete_field(conn: Connection, actor: Actor, field_id: int) -> None:
    """Remove a definition; values already stored stay on customers until unset."""
    row = load(conn, actor, profile_fields, field_id, what="profile field")
    conn.execute(
        profile_fields.delete().where(
            profile_fields.c.workspace_id == actor.workspace_id, profile_fields.c.id == field_id
        )
    )
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="profile_field.delete",
        resource="profile-fields",
        resource_id=field_id,
        details={"name": row.name},
    )


def typed_values(
    values: dict[str, Any], defined: dict[str, str], *, field: str = "profile"
) -> dict[str, Any]:
    """`values` checked against the definitions: only defined names, right types."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{field}.{name}"
        kind = defined.get(name)
        if kind is None:
            known = ", ".join(sorted(defined)) or "none are defined"
            raise InvalidParameter.for_field(
                path, "defined", f"{path}: no such profile field (defined: {known})"
            )
        out[name] = None if value is None else _typed(value, kind, path)
    return out


def _typed(value: Any, kind: str, path: str) -> Any:
    ok: bool
    if kind == "string":
        ok = isinstance(value, str) and len(value) <= MAX_PROFILE_TEXT
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    else:  # date
        ok = isinstance(value, str) and _is_date(value)
    if not ok:
        raise InvalidParameter.for_field(path, kind, f"{path}: must be a {kind}")
    return value


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
