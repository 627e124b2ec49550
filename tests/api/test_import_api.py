"""`POST /v1/<resource>:import`: 200 with counts, or 400 with the rejected rows, nothing written."""

from __future__ import annotations

import os

import orjson
import pytest
import sqlalchemy as sa

from tests.factories import make_key, make_venue
from turnout.db.schema import customers, sales, sessions, vouchers
from turnout.ingest.importables import IMPORTABLES

NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv; charset=utf-8"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def key(engine, workspace) -> str:
    return make_key(engine, workspace)[1]


def post(client, resource, body, headers, key, **kw):
    headers = {**headers, "Authorization": f"Bearer {key}"}
    return client.post(f"/v1/{resource}:import", content=body, headers=headers, **kw)


def count(engine, table, workspace) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        return conn.execute(query.where(table.c.workspace_id == workspace.id)).scalar_one()


def lines(*rows) -> bytes:
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


def test_ndjson_csv_and_json_bodies(client, key, engine, workspace):
    venue = make_venue(engine, workspace)
    body = lines({"external_uuid": "a", "venue_id": venue}, {"external_uuid": "b"})
    response = post(client, "sessions", body, NDJSON, key)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {"resource": "sessions", "rows": 2, "inserted": 2, "updated": 0}
    }
    body = b"external_uuid,people\na,3\nc,1\n"
    assert post(client, "sessions", body, CSV, key).json()["data"]["updated"] == 1
    body = orjson.dumps([{"code": "V1"}, {"code": "V2", "max_devices": 2}])
    assert post(client, "vouchers", body, JSON, key).json()["data"]["inserted"] == 2
    assert count(engine, sessions, workspace) == 3 and count(engine, vouchers, workspace) == 2


def test_rejected_rows_are_a_400_naming_line_and_field(client, key, engine, workspace):
    body = lines({"email": "a@example.com"}, {"email": "nope"}, {"email": "b@x.com", "x": 1})
    response = post(client, "customers", body, NDJSON, key)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_parameter"
    assert error["message"] == "2 of 3 rows rejected; nothing was written"
    assert [(e["field"], e["rule"]) for e in error["errors"]] == [
        ("line 2: email", "invalid"),
        ("line 3: x", "unknown_field"),
    ]
    assert count(engine, customers, workspace) == 0


def test_missing_column_broken_quote_and_garbage_are_400s(client, key, engine, workspace):
    response = post(client, "sales", b"item,currency\nCola,GBP\n", CSV, key)
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["field"] == "line 1: unit_price"
    body = b'email\na@example.com\n"b@example.com\n'
    response = post(client, "customers", body, CSV, key)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("line 3: broken quote")
    for headers in (NDJSON, CSV, JSON):
        response = post(client, "sessions", os.urandom(10 * 1024 * 1024), headers, key)
        assert response.status_code == 400, response.text
        assert response.json()["error"]["errors"]
    assert count(engine, customers, workspace) == count(engine, sessions, workspace) == 0
    assert count(engine, sales, workspace) == 0


def test_content_type_must_be_a_known_format(client, key):
    response = post(client, "customers", b"<xml/>", {"Content-Type": "application/xml"}, key)
    assert response.status_code == 415
    assert response.json()["error"]["errors"][0]["field"] == "Content-Type"


@pytest.mark.parametrize("name", sorted(IMPORTABLES))
def test_each_import_needs_the_write_permission(client, engine, workspace, name):
    permission = IMPORTABLES[name].permission
    reader = permission.replace(":write", ":read")
    _, without = make_key(engine, workspace, permissions=reader)
    _, with_it = make_key(engine, workspace, permissions=permission)
    assert post(client, name, b"", NDJSON, without).status_code == 403
    response = post(client, name, b"", NDJSON, with_it)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["rows"] == 0


def test_idempotency_key_replays_the_first_answer(client, key, engine, workspace):
    body = lines({"email": "a@example.com"})
    headers = {**NDJSON, "Idempotency-Key": "import-1"}
    first = post(client, "customers", body, headers, key)
    again = post(client, "customers", body, headers, key)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json() and count(engine, customers, workspace) == 1
    other = post(client, "customers", lines({"email": "b@example.com"}), headers, key)
    assert other.status_code == 409
