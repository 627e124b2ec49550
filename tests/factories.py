"""Factories: make a workspace, a key, a customer... with overrides."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from turnout.auth.keys import KeyInfo, create_key
from turnout.core.workspaces import Workspace, create_workspace


def unique_slug(prefix: str = "ws") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_workspace(engine: Engine, **overrides: Any) -> Workspace:
    values: dict[str, Any] = {"slug": unique_slug(), "timezone": "Europe/London"}
    values.update(overrides)
    with engine.begin() as conn:
        return create_workspace(conn, **values)


def make_key(
    engine: Engine,
    workspace: Workspace,
    *,
    permissions: str | Iterable[str] = "all",
    allowed_ips: Iterable[str] = (),
    expires_at: datetime | None = None,
    dialect: str | None = None,
    name: str | None = None,
) -> tuple[KeyInfo, str]:
    with engine.begin() as conn:
        return create_key(
            conn,
            workspace=workspace,
            name=name,
            permissions=permissions,
            allowed_ips=allowed_ips,
            expires_at=expires_at,
            dialect=dialect,
        )
