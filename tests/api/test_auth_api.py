"""The v1 edge: authentication headers, the error envelope, and /v1/me."""

from __future__ import annotations

import pytest

from tests.factories import make_key, make_workspace
from turnout.auth.scopes import Public, Scope


def assert_envelope(response, status, kind):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == kind
    assert body["error"]["message"]
    for problem in body["error"]["errors"]:
        assert set(problem) == {"field", "rule", "message"}
    return body["error"]


def test_health_needs_no_key(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_me_with_bearer_and_x_api_key(client, engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws, permissions="sessions:read")
    for headers in (
        {"Authorization": f"Bearer {key}"},
        {"X-API-Key": key},
        {"authorization": f"bearer {key}"},
    ):
        body = client.get("/v1/me", headers=headers).json()
        assert body["workspace"]["slug"] == ws.slug
        assert body["key"]["id"] == info.public_id
        assert body["permissions"] == ["sessions:read"]
        assert key not in str(body)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer    "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Token abc"},
        {"Authorization": "Bearer tk_"},
        {"Authorization": "Bearer tk_abc_def"},
        {"Authorization": "Bearer " + "a" * 10_000},
        {"Authorization": "Bearer tk_aaaaaaaaaaaa_' OR 1=1 --"},
        {"X-API-Key": "null"},
        {"Authorization": "Bearer \u00e9\u00e8"},
    ],
)
def test_malformed_or_unknown_credentials_are_401_in_the_envelope(client, headers):
    encoded = {k: v.encode("utf-8") for k, v in headers.items()}
    error = assert_envelope(client.get("/v1/me", headers=encoded), 401, "unauthenticated")
    assert error["errors"][0]["field"] in {"authorization", "api_key"}


def test_revoked_and_expired_keys_are_401(client, engine):
    from datetime import UTC, datetime, timedelta

    from turnout.auth.keys import revoke_key

    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    assert client.get("/v1/me", headers={"X-API-Key": key}).status_code == 200
    with engine.begin() as conn:
        revoke_key(conn, info.public_id)
    error = assert_envelope(
        client.get("/v1/me", headers={"X-API-Key": key}), 401, "unauthenticated"
    )
    assert error["errors"][0]["rule"] == "revoked"
    _, soon = make_key(engine, ws, expires_at=datetime.now(UTC) + timedelta(seconds=1))
    import time

    time.sleep(1.1)
    error = assert_envelope(
        client.get("/v1/me", headers={"X-API-Key": soon}), 401, "unauthenticated"
    )
    assert error["errors"][0]["rule"] == "expired"


def test_disallowed_ip_is_403(client, engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws, allowed_ips=["203.0.113.0/24"])
    assert_envelope(client.get("/v1/me", headers={"X-API-Key": key}), 403, "permission_denied")
    _, local = make_key(engine, ws, allowed_ips=["203.0.113.0/24", "127.0.0.0/8"])
    assert client.get("/v1/me", headers={"X-API-Key": local}).status_code == 200


def test_unknown_route_is_404_in_the_envelope(client):
    assert_envelope(client.get("/v1/nothing-here"), 404, "not_found")


def test_every_route_declares_its_permission(app):
    """A route without an explicit Scope or Public dependency is a bug."""
    undeclared = []
    for route in app.routes:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue  # docs and openapi routes are Starlette routes without dependants
        calls = _all_calls(dependant)
        if not any(isinstance(c, Scope | Public) for c in calls):
            undeclared.append(route.path)
    assert undeclared == []


def _all_calls(dependant):
    for dep in dependant.dependencies:
        yield dep.call
        yield from _all_calls(dep)
