"""Sessions: create (once per external_uuid), update, cancel, labels."""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core import audit
from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.commands.models import LabelRef, SessionCreate, SessionUpdate, given
from turnout.core.commands.records import (
    insert,
    load,
    require_reference,
    savepoint_insert,
    update,
)
from turnout.core.errors import Conflict, InvalidParameter, NotFound
from turnout.db.schema import customers, labels, session_labels, sessions, venues
from turnout.reports.rollups import mark_write

_REFERENCES = {
    "venue_id": venues,
    "customer_id": customers,
    "referenced_session_id": sessions,
    "scannable_at_venue_id": venues,
}
_PAIRS = (("joined_at", "left_at"), ("last_entered_at", "first_exited_at"))


@dataclass(frozen=True, slots=True)
class SessionWritten:
    id: int
    uuid: str
    created: bool


def create_session(conn: Connection, actor: Actor, data: SessionCreate) -> SessionWritten:
    """A new session; one with the same external_uuid is returned, not duplicated."""
    if data.external_uuid is not None:
        existing = find_by_external_uuid(conn, actor, data.external_uuid)
        if existing is not None:
            return SessionWritten(existing.id, existing.uuid, created=False)
    values = _columns(conn, actor, data, current=None)
    values["uuid"] = (data.uuid or str(uuid_module.uuid4())).lower()
    values["status"] = data.status
    values["channel"] = data.channel
    if find_by_uuid(conn, actor, values["uuid"]) is not None:
        raise Conflict.for_field("uuid", "unique", f"a session with uuid {values['uuid']} exists")
    new_id = savepoint_insert(conn, actor, sessions, values)
    if new_id is None:  # a concurrent create with the same external_uuid or uuid won
        return create_session(conn, actor, data)
    mark_write(conn, actor.workspace_id, sessions, None, values)
    if data.labels:
        _set_labels(conn, actor, new_id, data.labels)
    return SessionWritten(new_id, values["uuid"], created=True)


def update_session(conn: Connection, actor: Actor, session_id: int, data: SessionUpdate) -> None:
    current = load(conn, actor, sessions, session_id, what="session")
    values = _columns(conn, actor, data, current=current)
    if "external_uuid" in values and values["external_uuid"] is not None:
        other = find_by_external_uuid(conn, actor, values["external_uuid"])
        if other is not None and other.id != session_id:
            raise Conflict.for_field(
                "external_uuid", "unique", "another session has this external_uuid"
            )
    update(conn, actor, sessions, session_id, values)
    mark_write(conn, actor.workspace_id, sessions, current, values)
    if data.labels is not None:
        _set_labels(conn, actor, session_id, data.labels)


def cancel_session(conn: Connection, actor: Actor, session_id: int) -> bool:
    """Mark cancelled (kept for history and reports); False if it already was."""
    current = load(conn, actor, sessions, session_id, what="session")
    if current.status == "cancelled":
        return False
    update(conn, actor, sessions, session_id, {"status": "cancelled", "cancelled_at": utcnow()})
    mark_write(conn, actor.workspace_id, sessions, current, {"status": "cancelled"})
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="session.cancel",
        resource="sessions",
        resource_id=session_id,
        details={"uuid": current.uuid, "from": current.status},
    )
    return True


def find_by_uuid(conn: Connection, actor: Actor, value: str) -> Any:
    return conn.execute(
        sa.select(sessions.c.id, sessions.c.uuid).where(
            sessions.c.workspace_id == actor.workspace_id, sessions.c.uuid == value.lower()
        )
    ).first()


def find_by_external_uuid(conn: Connection, actor: Actor, value: str) -> Any:
    return conn.execute(
        sa.select(sessions.c.id, sessions.c.uuid).where(
            sessions.c.workspace_id == actor.workspace_id, sessions.c.external_uuid == value
        )
    ).first()


def session_id_for_uuid(conn: Connection, actor: Actor, value: str) -> int:
    row = find_by_uuid(conn, actor, value)
    if row is None:
        raise NotFound.for_field("uuid", "exists", "no session with this uuid in this workspace")
    return int(row.id)


def _columns(
    conn: Connection, actor: Actor, data: SessionUpdate, *, current: Any
) -> dict[str, Any]:
    values = {k: v for k, v in given(data).items() if k in sessions.c and k != "uuid"}
    for field, table in _REFERENCES.items():
        if values.get(field) is not None:
            require_reference(conn, actor, table, values[field], field=field)
    for start, end in _PAIRS:
        first = values[start] if start in values else getattr(current, start, None)
        last = values[end] if end in values else getattr(current, end, None)
        if first is not None and last is not None and last < first:
            raise InvalidParameter.for_field(end, "after", f"{end} must not be before {start}")
    if values.get("status") == "cancelled" and (current is None or current.status != "cancelled"):
        values["cancelled_at"] = utcnow()
    return values


def _set_labels(conn: Connection, actor: Actor, session_id: int, refs: list[LabelRef]) -> None:
    """Replace the session's labels: ids must exist, names are created when new."""
    ids: list[int] = []
    for index, ref in enumerate(refs):
        label_id = _label_id(conn, actor, ref, field=f"labels.{index}")
        if label_id not in ids:
            ids.append(label_id)
    conn.execute(
        session_labels.delete().where(
            session_labels.c.workspace_id == actor.workspace_id,
            session_labels.c.session_id == session_id,
        )
    )
    if ids:
        conn.execute(
            session_labels.insert(),
            [
                {"workspace_id": actor.workspace_id, "session_id": session_id, "label_id": i}
                for i in ids
            ],
        )


def _label_id(conn: Connection, actor: Actor, ref: LabelRef, *, field: str) -> int:
    if isinstance(ref, int):
        require_reference(conn, actor, labels, ref, field=field)
        return ref
    row = conn.execute(
        sa.select(labels.c.id).where(
            labels.c.workspace_id == actor.workspace_id, labels.c.name == ref
        )
    ).first()
    if row is not None:
        return int(row.id)
    return insert(conn, actor, labels, {"name": ref})
