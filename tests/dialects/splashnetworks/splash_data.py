"""Test helpers for the Splash Networks dialect: hotspots, visits, vouchers, and requests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from tests.factories import make_session, make_venue
from turnout.core.workspaces import Workspace

Params = dict[str, Any] | list[tuple[str, Any]]


def at(day: int, hour: int = 0, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def make_hotspot(engine: Engine, workspace: Workspace, **overrides: Any) -> int:
    overrides.setdefault("kind", "hotspot")
    return make_venue(engine, workspace, **overrides)


def make_visit(
    engine: Engine,
    workspace: Workspace,
    *,
    venue_id: int,
    joined_at: datetime,
    left_at: datetime | None = None,
    **overrides: Any,
) -> int:
    """A hotspot login as the demo data writes one: device info in `attributes`."""
    values: dict[str, Any] = {
        "venue_id": venue_id,
        "joined_at": joined_at,
        "left_at": left_at,
        "start_at": joined_at,
        "status": "completed" if left_at else "active",
        "attributes": {
            "mac": "02:00:00:aa:bb:cc",
            "deviceType": "phone",
            "os": "Android",
            "browser": "Chrome",
            "dataMb": 42,
        },
    }
    values.update(overrides)
    return make_session(engine, workspace, **values)


def headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def get(client: TestClient, path: str, key: str, params: Params | None = None) -> Response:
    if params is None:
        params = {"slug": "default"}
    return client.get(path, params=params, headers=headers(key))


def items(response: Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["items", "total", "page", "per_page", "pages"], body
    return list(body["items"])


def ids(response: Response) -> list[int]:
    return [item["id"] for item in items(response)]


def post_voucher(client: TestClient, key: str, **fields: Any) -> Response:
    form = {"slug": "default", "number_of_days": "7", **fields}
    return client.post("/api/vouchers", data=form, headers=headers(key))


def voucher_codes(client: TestClient, key: str) -> list[str]:
    response = get(client, "/api/vouchers", key, {"slug": "default", "per_page": "1000"})
    return [item["code"] for item in items(response)]


def assert_error(response: Response, status: int, kind: str, field: str | None = None) -> dict:
    """The dialect's envelope: {"error": {status, type, message, errors}}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert list(error) == ["status", "type", "message", "errors"]
    assert error["status"] == status
    assert error["type"] == kind
    assert isinstance(error["message"], str) and error["message"]
    for problem in error["errors"]:
        assert list(problem) == ["field", "rule", "message"]
    if field is not None:
        assert error["errors"][0]["field"] == field, body
    return error
