"""The audit log: who did what destructive or permission-relevant thing, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.core.clock import utcnow
from turnout.db.schema import audit_log


def record(
    conn: Connection,
    *,
    workspace_id: int,
    actor: str,
    action: str,
    resource: str | None = None,
    resource_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        audit_log.insert().values(
            workspace_id=workspace_id,
            actor=actor,
            action=action,
            resource=resource,
            resource_id=None if resource_id is None else str(resource_id),
            details=details,
            created_at=utcnow(),
        )
    )
