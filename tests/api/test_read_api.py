"""The v1 read API over HTTP: envelopes, formats, projection, permissions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import openpyxl
import orjson
import pytest

from tests.factories import (
    make_customer,
    make_key,
    make_sale,
    make_session,
    make_venue,
    make_workspace,
)
from turnout.auth.permissions import PERMISSIONS
from turnout.core.resources import REGISTRY


@pytest.fixture(scope="module")
def data(engine):
    ws = make_workspace(engine)
    venue = make_venue(engine, ws, name="Arena =SUM(A1)")
    customer = make_customer(
        engine, ws, first_name="Zoë", last_name='=HYPERLINK("x")', email="zoe@example.com"
    )
    base = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    sessions = [
        make_session(
            engine,
            ws,
            venue_id=venue,
            customer_id=customer,
            start_at=base + timedelta(hours=i),
            comments="-2+3" if i == 0 else "ok",
            people=i,
            attributes={"k": i},
        )
        for i in range(25)
    ]
    make_sale(
        engine,
        ws,
        session_id=sessions[0],
        unit_price=Decimal("0.0255"),
        amount=Decimal("0.0255"),
        quantity=1,
    )
    _, key = make_key(engine, ws)
    return {"ws": ws, "key": key, "sessions": sessions, "venue": venue, "customer": customer}


def get(client, data, url, **headers):
    return client.get(url, headers={"Authorization": f"Bearer {data['key']}", **headers})


def test_json_page_envelope_and_cursor_walk(client, data):
    seen, url = [], "/v1/sessions?limit=10&sort=start_at"
    while url:
        response = get(client, data, url)
        assert response.status_code == 200
        assert response.headers["x-snapshot-time"].endswith("Z")
        body = response.json()
        assert set(body) == {"data", "next_cursor", "has_more"}
        seen.extend(row["id"] for row in body["data"])
        url = (
            f"/v1/sessions?limit=10&sort=start_at&cursor={body['next_cursor']}"
            if body["has_more"]
            else None
        )
    assert seen == data["sessions"]


def test_projection_total_and_item(client, data):
    body = get(
        client,
        data,
        "/v1/sessions?fields=id,start_at,attributes&limit=2&include=total&sort=start_at",
    ).json()
    assert body["total"] == 25
    assert list(body["data"][0]) == ["id", "start_at", "attributes"]
    assert body["data"][0]["start_at"] == "2024-05-01T09:00:00.000000Z"
    assert body["data"][0]["attributes"] == {"k": 0}
    item = get(client, data, f"/v1/sessions/{data['sessions'][3]}?fields=id,people").json()
    assert item == {"data": {"id": data["sessions"][3], "people": 3}}
    sale = get(client, data, "/v1/sales").json()["data"][0]
    assert sale["amount"] == 0.0255 and sale["quantity"] == 1


def test_ndjson_csv_xlsx_stream_the_whole_result(client, data):
    ndjson = get(client, data, "/v1/sessions?format=ndjson&sort=start_at")
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in ndjson.content.splitlines()]
    assert [r["id"] for r in lines] == data["sessions"]

    response = get(
        client,
        data,
        "/v1/sessions?sort=start_at&fields=id,start_at,comments,venue_name,customer_name",
        Accept="text/csv",
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="sessions-' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["id", "start_at", "comments", "venue_name", "customer_name"]
    assert len(rows) == 26
    # Formula-like text is escaped so a spreadsheet shows it instead of running it.
    assert rows[1][2] == "'-2+3"
    assert (
        rows[1][3] == "'=SUM(A1)" if rows[1][3].startswith("'") else rows[1][3].startswith("Arena")
    )
    bom = get(client, data, "/v1/sessions?format=csv&bom=true").content
    assert bom.startswith(b"\xef\xbb\xbf")

    xlsx = get(
        client, data, "/v1/sessions?format=xlsx&sort=start_at&fields=id,start_at,people,comments"
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("id", "start_at", "people", "comments")
    assert len(values) == 26
    assert isinstance(values[1][1], datetime) and isinstance(values[1][2], int)
    assert values[1][3] == "-2+3"  # a string cell, never a formula


def test_exports_honour_filters_and_an_explicit_limit(client, data):
    lines = get(client, data, "/v1/sessions?format=ndjson&people[gte]=20").content.splitlines()
    assert len(lines) == 5
    lines = get(client, data, "/v1/sessions?format=ndjson&limit=3").content.splitlines()
    assert len(lines) == 3


@pytest.mark.parametrize("resource", [r.name for r in REGISTRY])
def test_every_resource_needs_its_permission(client, engine, data, resource):
    needed = REGISTRY.get(resource).permission
    others = [p for p in PERMISSIONS if p != needed]
    _, without = make_key(engine, data["ws"], permissions=others)
    _, with_it = make_key(engine, data["ws"], permissions=[needed])
    denied = client.get(f"/v1/{resource}", headers={"X-API-Key": without})
    assert denied.status_code == 403 and denied.json()["error"]["type"] == "permission_denied"
    assert client.get(f"/v1/{resource}/1", headers={"X-API-Key": without}).status_code == 403
    assert client.get(f"/v1/{resource}", headers={"X-API-Key": with_it}).status_code == 200


def test_other_workspaces_rows_are_invisible(client, engine, data):
    other = make_workspace(engine)
    _, other_key = make_key(engine, other)
    response = client.get(f"/v1/sessions/{data['sessions'][0]}", headers={"X-API-Key": other_key})
    assert response.status_code == 404
    assert client.get("/v1/sessions", headers={"X-API-Key": other_key}).json()["data"] == []
