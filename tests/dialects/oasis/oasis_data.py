"""Test helpers for the OASIS dialect: stores, store sessions, and requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from tests.factories import make_session, make_venue
from turnout.core.workspaces import Workspace

PATH = "/api/admin/v2/sessions"
Params = Sequence[tuple[str, str]] | dict[str, str] | str


def at(day: int, hour: int = 0, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def make_store(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    overrides.setdefault("kind", "store")
    return make_venue(engine, workspace, **overrides)


def make_store_session(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    """A cashierless-store visit: no booking time, the store's own columns set."""
    values: dict[str, Any] = {"status": "active", "start_at": None, "channel": "on-site"}
    values.update(overrides)
    return make_session(engine, workspace, **values)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def get(client: TestClient, key: str, params: Params = ()) -> Response:
    if isinstance(params, str):
        return client.get(f"{PATH}?{params}" if params else PATH, headers=bearer(key))
    return client.get(PATH, params=params, headers=bearer(key))


def ids(response: Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [int(row["id"]) for row in response.json()["data"]]


def assert_error(response: Response, status: int, kind: str, field: str | None = None) -> dict:
    """The seed's envelope: message, type and errors of {error, rule, field}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["message", "type", "errors"]
    assert body["type"] == kind
    assert isinstance(body["message"], str) and body["message"]
    for problem in body["errors"]:
        assert list(problem) == ["error", "rule", "field"]
        assert problem["field"].startswith('"') and problem["field"].endswith('"')
        assert problem["error"].startswith(problem["field"]) or status != 400
    if field is not None:
        assert body["errors"][0]["field"] == f'"{field}"', body
    return body
