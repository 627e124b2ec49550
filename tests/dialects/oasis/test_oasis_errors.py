"""OASIS errors: the seed's envelope for every bad input, 401/403, and unknown routes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.dialects.oasis.oasis_data import PATH, assert_error, bearer, get, make_store_session
from tests.factories import make_key, make_workspace
from turnout.auth.keys import revoke_key


@pytest.fixture(scope="module")
def env(engine):
    ws = make_workspace(engine)
    session = make_store_session(engine, ws, visitors=1)
    info, key = make_key(engine, ws, permissions="sessions:read")
    return {"ws": ws, "key": key, "info": info, "session": session}


def b64(value: object) -> str:
    raw = value if isinstance(value, bytes) else orjson.dumps(value)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


DATE_PARAMS = [
    f"{side}{name}"
    for side in ("min", "max")
    for name in (
        "CreatedAt",
        "UpdatedAt",
        "ExpiresAt",
        "CodeLastSuccesfullyScannedAt",
        "CustomerLastEnteredAt",
    )
]

# (query, field named, rule)
BAD_INPUT = [
    ("count=201", "count", "number.max"),
    ("count=-1", "count", "number.min"),
    ("count=0", "count", "number.min"),
    ("count=abc", "count", "number.base"),
    ("count=", "count", "number.base"),
    ("count=1.5", "count", "number.integer"),
    ("count=1e400", "count", "number.unsafe"),
    ("count=NaN", "count", "number.base"),
    ("count=1_0", "count", "number.base"),
    ("count=%EF%BC%95", "count", "number.base"),
    ("count=1&count=2", "count", "number.base"),
    ("orderBy=nope", "orderBy", "any.only"),
    ("orderBy=", "orderBy", "any.only"),
    ("orderBy=ID", "orderBy", "any.only"),
    ("orderBy=id&orderBy=code", "orderBy", "string.base"),
    ("direction=up", "direction", "any.only"),
    ("direction=DESC", "direction", "any.only"),
    ("id=abc", "id", "number.base"),
    ("id=1.5", "id", "number.integer"),
    ("id=99999999999999999999", "id", "number.unsafe"),
    ("storeId=x", "storeId", "number.base"),
    ("customerId=", "customerId", "number.base"),
    ("code=", "code", "string.empty"),
    ("code=a%00b", "code", "any.invalid"),
    ("sessionToken=" + "x" * 1001, "sessionToken", "string.max"),
    ("status=unknown", "status[0]", "any.only"),
    ("status=active,bogus", "status[1]", "any.only"),
    ("status=active&status=", "status[1]", "string.empty"),
    ("status[]=nope", "status[0]", "any.only"),
    ("minVisitors=-1", "minVisitors", "number.min"),
    ("maxVisitors=0", "maxVisitors", "number.min"),
    ("minGroupSize=-5", "minGroupSize", "number.min"),
    ("maxGroupSize=0", "maxGroupSize", "number.min"),
    ("maxVisitors=9999999999", "maxVisitors", "number.unsafe"),
    ("minVisitors=one", "minVisitors", "number.base"),
    ("minVisitors=5&maxVisitors=4", "maxVisitors", "number.min"),
    ("minGroupSize=3&maxGroupSize=2", "maxGroupSize", "number.min"),
    ("after=garbage!", "after", "any.invalid"),
    ("before=%%%%", "before", "any.invalid"),
    ("after=", "after", "string.empty"),
    ("after=" + b64(b"not json"), "after", "any.invalid"),
    ("after=" + b64([1, 2]), "after", "any.invalid"),
    ("after=" + b64({"id": "1", "sortKey": "id", "value": 1}), "after", "any.invalid"),
    ("after=" + b64({"id": -1, "sortKey": "id", "value": 1}), "after", "any.invalid"),
    ("after=" + b64({"id": 1, "sortKey": "visitors"}), "after", "any.invalid"),
    (
        "orderBy=visitors&after=" + b64({"id": 1, "sortKey": "visitors", "value": "x"}),
        "after",
        "any.invalid",
    ),
    (
        "orderBy=visitors&after=" + b64({"id": 1, "sortKey": "visitors", "value": 2**40}),
        "after",
        "any.invalid",
    ),
    (
        "orderBy=createdAt&before=" + b64({"id": 1, "sortKey": "createdAt", "value": "soon"}),
        "before",
        "any.invalid",
    ),
    (
        "orderBy=code&after=" + b64({"id": 1, "sortKey": "code", "value": ["CODE"]}),
        "after",
        "any.invalid",
    ),
    ("orderBy=visitors&after=999999999", "after", "any.invalid"),
    ("after=99999999999999999999", "after", "any.invalid"),
    ("after=1&before=2", "after", "object.nand"),
    ("after=1&after=2", "after", "string.base"),
    ("limit=10", "limit", "object.unknown"),
    ("cursor=abc", "cursor", "object.unknown"),
    (
        "minCreatedAt=2024-01-02T00:00:00Z&maxCreatedAt=2024-01-01T00:00:00Z",
        "maxCreatedAt",
        "date.min",
    ),
    ("minUpdatedAt=2024-01-02&maxUpdatedAt=2024-01-01", "maxUpdatedAt", "date.min"),
    (
        "minExpiresAt=2024-01-02T00:00:00Z&maxExpiresAt=2024-01-01T23:59:59Z",
        "maxExpiresAt",
        "date.min",
    ),
    *[(f"{name}=yesterday", name, "date.format") for name in DATE_PARAMS],
    *[(f"{name}=2024-13-45T00:00:00Z", name, "date.format") for name in DATE_PARAMS],
    *[(f"{name}=", name, "date.base") for name in DATE_PARAMS],
    ("minCreatedAt=0000-01-01T00:00:00Z", "minCreatedAt", "date.base"),
    ("maxCreatedAt=2024-01-01T00:00:00 01:00", "maxCreatedAt", "date.format"),
]


@pytest.mark.parametrize(("query", "field", "rule"), BAD_INPUT)
def test_bad_input_is_a_400_in_the_seed_envelope(client, env, query, field, rule):
    body = assert_error(get(client, env["key"], query), 400, "E_INVALID_QUERY", field)
    assert body["message"] == "Invalid request query"
    assert body["errors"][0]["rule"] == rule
    assert body["errors"][0]["error"].startswith(f'"{field}" ')


def test_messages_read_like_the_products(client, env):
    cases = {
        "count=201": '"count" must be less than or equal to 200',
        "direction=up": '"direction" must be one of [asc, desc]',
        "minCreatedAt=nope": '"minCreatedAt" must be in ISO 8601 date format',
        "nope=1": '"nope" is not allowed',
        "minVisitors=3&maxVisitors=2": (
            '"maxVisitors" must be greater than or equal to ref:minVisitors'
        ),
    }
    for query, sentence in cases.items():
        body = get(client, env["key"], query).json()
        assert body["errors"][0]["error"] == sentence


def test_min_equal_to_max_is_fine(client, env):
    response = get(client, env["key"], "minVisitors=1&maxVisitors=1")
    assert [row["id"] for row in response.json()["data"]] == [str(env["session"])]
    same = "minCreatedAt=2024-01-01T00:00:00Z&maxCreatedAt=2024-01-01T00:00:00Z"
    assert get(client, env["key"], same).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Token abc"},
        {"Authorization": "Bearer tk_abc_def"},
        {"Authorization": "Bearer " + "a" * 5000},
    ],
)
def test_bad_tokens_are_401(client, headers):
    body = assert_error(client.get(PATH, headers=headers), 401, "E_UNAUTHORIZED")
    assert body["errors"] and body["errors"][0]["rule"].startswith("any.")


def test_only_the_bearer_header_carries_the_key(client, env):
    assert_error(client.get(PATH, headers={"X-API-Key": env["key"]}), 401, "E_UNAUTHORIZED")
    assert client.get(PATH, headers={"authorization": f"bearer {env['key']}"}).status_code == 200


def test_revoked_and_expired_keys_are_401(client, engine, env):
    info, key = make_key(engine, env["ws"], permissions="sessions:read")
    assert client.get(PATH, headers=bearer(key)).status_code == 200
    with engine.begin() as conn:
        revoke_key(conn, info.public_id)
    assert_error(client.get(PATH, headers=bearer(key)), 401, "E_UNAUTHORIZED")
    _, soon = make_key(engine, env["ws"], expires_at=datetime.now(UTC) + timedelta(seconds=1))
    import time

    time.sleep(1.1)
    assert_error(client.get(PATH, headers=bearer(soon)), 401, "E_UNAUTHORIZED")


def test_missing_permission_is_403(client, engine, env):
    _, key = make_key(engine, env["ws"], permissions="customers:read")
    body = assert_error(client.get(PATH, headers=bearer(key)), 403, "E_FORBIDDEN")
    assert "sessions:read" in body["message"]


def test_auth_is_checked_before_the_query(client):
    # A bad query from an unknown key is still a 401, not a 400.
    assert_error(client.get(f"{PATH}?count=999"), 401, "E_UNAUTHORIZED")


def test_unknown_route_and_method_use_the_envelope(client, env):
    assert_error(
        client.get("/api/admin/v2/nothing", headers=bearer(env["key"])), 404, "E_NOT_FOUND"
    )
    assert_error(client.post(PATH, headers=bearer(env["key"])), 405, "E_METHOD_NOT_ALLOWED")


def test_a_bug_is_a_bare_500_in_the_envelope(engine, env, monkeypatch):
    from fastapi.testclient import TestClient

    from turnout.api.app import create_app
    from turnout.config import Settings
    from turnout.dialects.oasis import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views, "fetch_window", broken)
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(PATH, headers=bearer(env["key"]))
    body = assert_error(response, 500, "E_INTERNAL")
    assert "secret" not in response.text and body["errors"] == []
