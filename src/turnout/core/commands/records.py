"""Small shared steps of every command: find a row in the actor's workspace,
insert or change one with its timestamps, check references, catch duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.errors import Conflict, InvalidParameter, NotFound


def load(conn: Connection, actor: Actor, table: sa.Table, row_id: int, *, what: str) -> Any:
    """The row with `row_id` in the actor's workspace, locked for update, or 404."""
    query = sa.select(table).where(table.c.workspace_id == actor.workspace_id, table.c.id == row_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound.for_field("id", "exists", f"no {what} with id {row_id} in this workspace")
    return row


def check_lengths(table: sa.Table, values: Mapping[str, Any]) -> None:
    """Text longer than its column is a 400 here, not a database error later."""
    for name, value in values.items():
        if isinstance(value, str):
            limit = getattr(table.c[name].type, "length", None)
            if limit is not None and len(value) > limit:
                raise InvalidParameter.for_field(
                    name, "max_length", f"{name} is limited to {limit} characters"
                )


def insert(conn: Connection, actor: Actor, table: sa.Table, values: Mapping[str, Any]) -> int:
    check_lengths(table, values)
    now = utcnow()
    row = {"created_at": now, "updated_at": now, **values, "workspace_id": actor.workspace_id}
    result = conn.execute(table.insert().values(row).returning(table.c.id))
    return int(result.scalar_one())


def update(
    conn: Connection, actor: Actor, table: sa.Table, row_id: int, values: Mapping[str, Any]
) -> None:
    """Change `values` and bump `updated_at` (always, so incremental syncs see it)."""
    check_lengths(table, values)
    changes = {**values, "updated_at": utcnow()}
    conn.execute(
        table.update()
        .where(table.c.workspace_id == actor.workspace_id, table.c.id == row_id)
        .values(changes)
    )


def require_reference(
    conn: Connection, actor: Actor, table: sa.Table, row_id: int | None, *, field: str
) -> None:
    """A referenced id must exist in the same workspace (a 400 naming `field`)."""
    if row_id is None:
        return
    found = conn.execute(
        sa.select(table.c.id).where(
            table.c.workspace_id == actor.workspace_id, table.c.id == row_id
        )
    ).first()
    if found is None:
        raise InvalidParameter.for_field(
            field, "exists", f"{field}: no {table.name} with id {row_id} in this workspace"
        )


@contextmanager
def unique_as_conflict(conn: Connection, field: str, message: str) -> Iterator[None]:
    """Turn a unique-constraint violation inside the block into a 409 on `field`.

    The block runs in a savepoint so the caller's transaction stays usable.
    """
    try:
        with conn.begin_nested():
            yield
    except IntegrityError:
        raise Conflict.for_field(field, "unique", message) from None


def savepoint_insert(
    conn: Connection, actor: Actor, table: sa.Table, values: Mapping[str, Any]
) -> int | None:
    """Insert, or None when a unique constraint refuses the row (a race lost)."""
    try:
        with conn.begin_nested():
            return insert(conn, actor, table, values)
    except IntegrityError:
        return None
