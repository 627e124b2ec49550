"""The OpenAPI document at /openapi.json matches what the v1 read API accepts.

Every registered resource has a list and an item path; every filterable field is
documented with its operators; the reserved parameters are on every list path;
and every documented query parameter, sent with a valid value, gets a 200: the
docs never promise a parameter the server refuses. Runs on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.factories import (
    make_customer,
    make_key,
    make_label,
    make_sale,
    make_session,
    make_venue,
    make_workspace,
)
from turnout.api.app import create_app
from turnout.config import Settings
from turnout.core import audit
from turnout.core.fields import Field
from turnout.core.registry import Resource
from turnout.core.resources import REGISTRY
from turnout.db import schema

RESOURCE_NAMES = REGISTRY.names()

# Every list path documents these (PRODUCT.md, "Native API conventions").
RESERVED = (
    "from",
    "to",
    "preset",
    "range",
    "tz",
    "q",
    "sort",
    "cursor",
    "limit",
    "fields",
    "format",
    "include",
    "updated_since",
)
# Types whose values have an order, so they also take [gt], [gte], [lt], [lte].
ORDERED_TYPES = frozenset({"integer", "decimal", "money", "datetime"})
ORDER_OPERATORS = ("gt", "gte", "lt", "lte")
# A valid filter value for each field type.
VALID_BY_TYPE = {
    "integer": "1",
    "decimal": "1.5",
    "money": "1.5",
    "boolean": "true",
    "datetime": "2024-01-01",
    "string": "x",
}


@dataclass(frozen=True)
class Env:
    client: TestClient
    headers: dict[str, str]
    doc: dict[str, Any]

    def get(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        return self.client.get(path, params=params or [], headers=self.headers)


def _insert(engine: Engine, table: sa.Table, workspace_id: int, **values: Any) -> int:
    now = datetime.now(UTC)
    values = {"workspace_id": workspace_id, "created_at": now, "updated_at": now, **values}
    with engine.begin() as conn:
        return int(conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one())


def _seed(engine: Engine, ws: Any) -> None:
    """Two rows or more of every resource, so that `limit=1` hands out a cursor."""
    when = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    venues = [make_venue(engine, ws) for _ in range(2)]
    customers = [make_customer(engine, ws) for _ in range(2)]
    sessions = [
        make_session(engine, ws, venue_id=venues[0], customer_id=customers[0], code=f"S{i}")
        for i in range(3)
    ]
    make_label(engine, ws, "vip", sessions[:2])
    make_label(engine, ws, "late", sessions[1:])
    for _ in range(2):
        make_sale(engine, ws, session_id=sessions[0], customer_id=customers[0])
    campaign = 0
    product = 0
    for i in range(2):
        _insert(engine, schema.profile_fields, ws.id, name=f"field_{i}", type="string")
        _insert(engine, schema.vouchers, ws.id, code=f"VOUCHER-{i}", amount=Decimal("10"))
        campaign = _insert(engine, schema.campaigns, ws.id, name=f"Campaign {i}")
        supplier = _insert(engine, schema.suppliers, ws.id, name=f"Supplier {i}")
        _insert(
            engine,
            schema.leads,
            ws.id,
            campaign_id=campaign,
            supplier_id=supplier,
            email=f"lead{i}@example.com",
            status="valid",
            received_at=when,
        )
        _insert(engine, schema.events, ws.id, type="waitlist.called", occurred_at=when)
        product = _insert(engine, schema.products, ws.id, name=f"Office {i}")
        price = _insert(engine, schema.prices, ws.id, product_id=product, name=f"Monthly {i}")
        _insert(engine, schema.purchases, ws.id, price_id=price, email=f"buyer{i}@example.com")
        with engine.begin() as conn:
            audit.record(conn, workspace_id=ws.id, actor="cli", action="test.seed", details={})


@pytest.fixture(scope="module")
def env(engine: Engine) -> Iterator[Env]:
    ws = make_workspace(engine)
    _, key = make_key(engine, ws, permissions="all")
    _seed(engine, ws)
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with TestClient(app, client=("127.0.0.1", 50000), raise_server_exceptions=False) as client:
        doc = client.get("/openapi.json").json()
        yield Env(client, {"X-API-Key": key}, doc)


def _list_op(env: Env, resource: Resource) -> dict[str, Any]:
    return env.doc["paths"][f"/v1/{resource.name}"]["get"]


def _documented(env: Env, resource: Resource) -> dict[str, dict[str, Any]]:
    params = _list_op(env, resource).get("parameters", [])
    return {p["name"]: p for p in params if p["in"] == "query"}


def _expected_filter_params(f: Field) -> set[str]:
    ops = ["ne", "null"]
    if f.type in ORDERED_TYPES:
        ops += ORDER_OPERATORS
    return {f.name} | {f"{f.name}[{op}]" for op in ops}


# ---------------------------------------------------------------- the document


def test_document_is_openapi_with_unique_operation_ids(env: Env) -> None:
    assert env.doc["openapi"].startswith("3.")
    ids = [
        op["operationId"]
        for item in env.doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_every_resource_has_list_and_item_paths_with_operation_ids(env: Env, name: str) -> None:
    paths = env.doc["paths"]
    assert f"/v1/{name}" in paths, f"/v1/{name} is not documented"
    assert f"/v1/{name}/{{id}}" in paths, f"/v1/{name}/{{id}} is not documented"
    list_op = paths[f"/v1/{name}"]["get"]
    item_op = paths[f"/v1/{name}/{{id}}"]["get"]
    assert list_op["operationId"] == f"list_{name.replace('-', '_')}"
    assert item_op["operationId"] == f"get_{name.replace('-', '_')}"
    path_params = [p for p in item_op.get("parameters", []) if p["in"] == "path"]
    assert [p["name"] for p in path_params] == ["id"]
    assert path_params[0]["required"] is True
    assert path_params[0]["schema"]["type"] == "integer"


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_reserved_parameters_are_on_every_list_path(env: Env, name: str) -> None:
    resource = REGISTRY.get(name)
    documented = _documented(env, resource)
    expected = [p for p in RESERVED if p != "updated_since" or "updated_at" in resource.table.c]
    missing = [p for p in expected if p not in documented]
    assert missing == [], f"{name}: reserved parameters not documented: {missing}"
    if resource.interval is not None:
        assert "overlaps" in documented
    else:
        assert "overlaps" not in documented, f"{name} is no interval but documents overlaps"
    for p in documented.values():
        assert p["required"] is False, p["name"]
        assert p.get("description"), f"{name}: {p['name']} has no description"


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_every_filterable_field_is_documented_with_its_operators(env: Env, name: str) -> None:
    resource = REGISTRY.get(name)
    documented = _documented(env, resource)
    for f in resource.fields:
        expected = _expected_filter_params(f)
        if not f.filterable:
            assert not expected & documented.keys(), f"{name}: {f.name} is not filterable"
            continue
        missing = sorted(expected - documented.keys())
        assert missing == [], f"{name}: {f.name} lacks {missing}"
        assert documented[f"{f.name}[null]"]["schema"] == {"type": "boolean"}
        if f.enum:
            assert documented[f"{f.name}[ne]"]["schema"]["enum"] == list(f.enum)
        if f.type in ORDERED_TYPES:
            schema = documented[f"{f.name}[gte]"]["schema"]
            assert schema["type"] == ("integer" if f.type == "integer" else "string")
        else:
            unordered = {f"{f.name}[{op}]" for op in ORDER_OPERATORS}
            assert not unordered & documented.keys(), f"{name}: {f.name} is not ordered"
    for relation in resource.relations:
        assert {relation, f"{relation}[ne]"} <= documented.keys()


def test_item_paths_do_not_document_fastapis_422(env: Env) -> None:
    undocumented_422 = [
        path
        for path, item in env.doc["paths"].items()
        for operation in item.values()
        if path.startswith("/v1/") and "422" in operation.get("responses", {})
    ]
    assert undocumented_422 == []


# ---------------------------------------------------------------- documented => accepted


def _field_value(f: Field, op: str) -> str:
    if op == "null":
        return "true"
    if f.enum:
        # A comma list means any of: every documented value in one parameter.
        return ",".join(f.enum) if op in {"eq", "ne"} else f.enum[0]
    return VALID_BY_TYPE[f.type]


def _split(name: str) -> tuple[str, str]:
    if name.endswith("]") and "[" in name:
        key, _, op = name[:-1].partition("[")
        return key, op
    return name, "eq"


def _reserved_requests(
    resource: Resource, name: str, param: dict[str, Any]
) -> list[list[tuple[str, str]]]:
    """Requests that use the reserved parameter `name` with valid values."""
    schema = param["schema"]
    if name == "cursor":
        return []  # needs a real cursor: see test_documented_cursor_and_item_path_work
    if "enum" in schema:
        first = [[(name, str(schema["enum"][0]))]]
        if name == "bom":
            return [[("format", "csv"), *first[0]]]
        return first
    if schema.get("type") == "integer":
        low = schema.get("minimum", 1)
        high = schema.get("maximum")
        return [[(name, str(low))]] + ([[(name, str(high))]] if high is not None else [])
    sortable = [f.name for f in resource.fields if f.sortable]
    values: dict[str, list[list[tuple[str, str]]]] = {
        "from": [[("from", "2024-01-01")], [("from", "2024-01-01T10:00:00Z")]],
        "to": [[("to", "2024-12-31")], [("from", "2024-01-01"), ("to", "2024-12-31T23:59:59")]],
        "range": [[("from", "2024-01-01"), ("range", "1 month 5 days")]],
        "tz": [[("tz", "Europe/London")]],
        "time_field": [[("time_field", resource.time_field or "")]],
        "q": [[("q", "x")]],
        "sort": [[("sort", ",".join(sortable))], [("sort", f"-{sortable[0]}")]],
        "fields": [[("fields", ",".join(f.name for f in resource.fields))]],
        "updated_since": [[("updated_since", "2024-01-01T00:00:00Z")]],
        "bom": [[("format", "csv"), ("bom", "true")]],
        "overlaps": [[("overlaps", "true")], [("overlaps", "true"), ("from", "2024-01-01")]],
    }
    assert name in values, f"no valid value known for documented parameter {name!r}"
    return values[name]


def _filter_pairs(resource: Resource, name: str) -> list[tuple[str, str]]:
    key, op = _split(name)
    if key in resource.relations:
        return [(name, "1")]
    f = resource.by_name.get(key)
    assert f is not None, f"{resource.name}: documented {name!r} names no field"
    return [(name, _field_value(f, op))]


RESERVED_AND_CONTROL = frozenset(
    {*RESERVED, "time_field", "offset", "page", "bom", "overlaps", "per_page"}
)


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_every_documented_parameter_with_a_valid_value_gets_200(env: Env, name: str) -> None:
    resource = REGISTRY.get(name)
    documented = _documented(env, resource)
    path = f"/v1/{name}"
    failures: list[str] = []

    def check(params: list[tuple[str, str]]) -> bool:
        response = env.get(path, params)
        if response.status_code != 200:
            failures.append(f"{params} -> {response.status_code} {response.text[:300]}")
            return False
        return True

    # The reserved parameters, one request each (some need a companion).
    for pname, param in documented.items():
        if pname in RESERVED_AND_CONTROL:
            for params in _reserved_requests(resource, pname, param):
                check(params)

    # Every field filter at once (they are ANDed; rows need not match), then one by one
    # only if that fails, so the failure names every refused parameter.
    filters = [
        pair
        for pname in documented
        if pname not in RESERVED_AND_CONTROL
        for pair in _filter_pairs(resource, pname)
    ]
    assert filters, f"{name} documents no filters"
    response = env.get(path, filters)
    if response.status_code != 200:
        for pair in filters:
            check([pair])
        if not failures:
            failures.append(f"all filters together -> {response.status_code} {response.text}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_documented_cursor_and_item_path_work(env: Env, name: str) -> None:
    first = env.get(f"/v1/{name}", [("limit", "1")])
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["has_more"] is True and body["next_cursor"], f"seed more {name}"
    second = env.get(f"/v1/{name}", [("limit", "1"), ("cursor", body["next_cursor"])])
    assert second.status_code == 200, second.text
    assert second.json()["data"][0]["id"] != body["data"][0]["id"]
    item = env.get(f"/v1/{name}/{body['data'][0]['id']}")
    assert item.status_code == 200, item.text
    assert item.json()["data"]["id"] == body["data"][0]["id"]


@pytest.mark.parametrize("name", ["sessions", "customers"])
def test_every_documented_enum_value_of_a_reserved_parameter_is_accepted(
    env: Env, name: str
) -> None:
    resource = REGISTRY.get(name)
    failures = []
    for pname, param in _documented(env, resource).items():
        if pname not in RESERVED_AND_CONTROL:
            continue  # field enums are all sent at once in the test above
        for value in param["schema"].get("enum", []):
            response = env.get(f"/v1/{name}", [(pname, str(value))])
            if response.status_code != 200:
                failures.append(f"{pname}={value} -> {response.status_code} {response.text}")
    assert failures == []
