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


_counter = iter(range(1, 10**9))


def _stamp(values: dict[str, Any]) -> dict[str, Any]:
    from turnout.core.clock import utcnow

    now = utcnow()
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    return values


def _insert(engine: Engine, table: Any, values: dict[str, Any]) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(table.insert().values(**_stamp(values)).returning(table.c.id)).scalar_one()
        )


def make_venue(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    from turnout.db.schema import venues

    n = next(_counter)
    values: dict[str, Any] = {
        "workspace_id": workspace.id,
        "kind": "arena",
        "name": f"Venue {n}",
        "code": f"V{n}",
    }
    values.update(overrides)
    return _insert(engine, venues, values)


def make_customer(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    from turnout.db.schema import customers

    n = next(_counter)
    values: dict[str, Any] = {
        "workspace_id": workspace.id,
        "email": f"person{n}@example.com",
        "first_name": "Pat",
        "last_name": f"Person{n}",
        "display_name": f"PPerson{n}",
        "phone": f"+44 7700 9{n:05d}",
        "status": "active",
    }
    values.update(overrides)
    return _insert(engine, customers, values)


def make_session(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    from datetime import UTC, datetime

    from turnout.db.schema import sessions

    values: dict[str, Any] = {
        "workspace_id": workspace.id,
        "uuid": str(uuid.uuid4()),
        "status": "completed",
        "channel": "on-site",
        "start_at": datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        "duration_minutes": 60,
        "people": 2,
    }
    values.update(overrides)
    return _insert(engine, sessions, values)


def make_label(
    engine: Engine, workspace: Workspace, name: str, session_ids: Iterable[int] = ()
) -> int:
    from turnout.db.schema import labels, session_labels

    label_id = _insert(engine, labels, {"workspace_id": workspace.id, "name": name})
    with engine.begin() as conn:
        for sid in session_ids:
            conn.execute(
                session_labels.insert().values(
                    workspace_id=workspace.id, session_id=sid, label_id=label_id
                )
            )
    return label_id


def make_sale(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    from datetime import UTC, datetime
    from decimal import Decimal

    from turnout.db.schema import sales

    values: dict[str, Any] = {
        "workspace_id": workspace.id,
        "item": "Cola",
        "category": "drinks",
        "quantity": 2,
        "unit_price": Decimal("2.50"),
        "amount": Decimal("5.00"),
        "currency": "GBP",
        "sold_at": datetime(2024, 5, 1, 11, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return _insert(engine, sales, values)
