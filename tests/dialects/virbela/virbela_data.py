"""Test helpers for the Virbela dialect: credentials, members, rooms, sessions, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from httpx import Response
from sqlalchemy.engine import Engine

from tests.factories import make_customer, make_key, make_session, make_venue
from turnout.auth.keys import KeyInfo
from turnout.core.workspaces import Workspace
from turnout.db.schema import events, prices, products, profile_fields

ACCEPTED_AT = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Credentials:
    info: KeyInfo
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"V-Client-Id": self.info.public_id, "V-Client-Secret": self.secret}


def make_credentials(engine: Engine, workspace: Workspace, **kw: Any) -> Credentials:
    info, key = make_key(engine, workspace, dialect="virbela", **kw)
    return Credentials(info, key.split("_", 2)[2])


def make_member(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    """A campus member who accepted the invitation."""
    values: dict[str, Any] = {
        "role": "member",
        "status": "active",
        "team": 0,
        "accepted_at": ACCEPTED_AT,
    }
    values.update(overrides)
    return make_customer(engine, workspace, **values)


def _insert(engine: Engine, table: sa.Table, values: dict[str, Any]) -> int:
    now = datetime.now(UTC)
    row = {"created_at": now, "updated_at": now, **values}
    with engine.begin() as conn:
        return int(conn.execute(table.insert().values(row).returning(table.c.id)).scalar_one())


def define_field(engine: Engine, workspace: Workspace, name: str, kind: str = "string") -> int:
    return _insert(
        engine, profile_fields, {"workspace_id": workspace.id, "name": name, "type": kind}
    )


def make_room(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    overrides.setdefault("kind", "room")
    return make_venue(engine, workspace, **overrides)


def make_stay(
    engine: Engine,
    workspace: Workspace,
    venue_id: int,
    customer_id: int | None,
    joined: datetime,
    left: datetime | None,
    talk_seconds: int | None = None,
) -> int:
    return make_session(
        engine,
        workspace,
        venue_id=venue_id,
        customer_id=customer_id,
        joined_at=joined,
        left_at=left,
        talk_seconds=talk_seconds,
        start_at=None,
        status="completed" if left else "active",
        channel="online",
    )


def make_event(engine: Engine, workspace: Workspace, **values: Any) -> int:
    return _insert(engine, events, {"workspace_id": workspace.id, **values})


def make_price(
    engine: Engine, workspace: Workspace, *, amount: str = "0", currency: str = "USD"
) -> tuple[int, int]:
    product = _insert(
        engine,
        products,
        {
            "workspace_id": workspace.id,
            "name": "Office 20",
            "description": "Office with a maximum user count of 20",
        },
    )
    price = _insert(
        engine,
        prices,
        {
            "workspace_id": workspace.id,
            "product_id": product,
            "name": "Standard",
            "amount": Decimal(amount),
            "currency": currency,
        },
    )
    return product, price


def events_of(engine: Engine, workspace: Workspace, kind: str) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(events).where(
                    events.c.workspace_id == workspace.id, events.c.type == kind
                )
            )
        )


def assert_success(response: Response, *, data: bool = True) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    expected = ["responseCode", "title", "detail", *(["data"] if data else []), "requestId"]
    assert list(body) == expected
    assert body["responseCode"] == "success"
    assert len(body["requestId"]) == 24 and int(body["requestId"], 16) >= 0
    assert response.headers["X-Request-Id"] == body["requestId"]
    return body


def assert_error(response: Response, status: int, field: str | None = None) -> dict[str, Any]:
    """Virbela's envelope with `responseCode: error`, naming `field` first."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["responseCode", "title", "detail", "errors", "requestId"]
    assert body["responseCode"] == "error"
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        assert body["errors"][0]["field"] == field, body
    return body
