"""OASIS list sessions: the seed's row shape, every filter (hit and miss), counts, tenants."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.dialects.oasis.oasis_data import at, get, ids, make_store, make_store_session
from tests.factories import make_customer, make_key, make_workspace
from turnout.db.schema import sessions

SESSION_KEYS = [
    "createdAt",
    "updatedAt",
    "code",
    "codeFirstSuccesfullyScannedAt",
    "codeLastSuccesfullyScannedAt",
    "customerFirstEnteredAt",
    "customerLastEnteredAt",
    "customerFirstExitedAt",
    "customerLastExitedAt",
    "customerPaymentInstrumentId",
    "customerSatisfaction",
    "customerSatisfactionSubmitted",
    "groupSize",
    "visitors",
    "locationId",
    "priority",
    "sessionToken",
    "sessionId",
    "referencedSessionId",
    "status",
    "storeId",
    "storeIdScannableAt",
    "suspectedFraud",
    "metadata",
    "expiresAt",
    "id",
    "customerId",
    "customer",
    "store",
]
CUSTOMER_KEYS = [
    "externalId",
    "role",
    "metadata",
    "priority",
    "email",
    "firstName",
    "lastName",
    "phone",
    "id",
]
STORE_KEYS = [
    "aifiUniqueStoreId",
    "status",
    "deploymentStatus",
    "addressLine1",
    "addressCity",
    "addressRegion",
    "addressCountry",
    "addressPostalCode",
    "thirdPartyId",
    "storeUrl",
    "maxPeople",
    "storeConfigId",
    "name",
    "id",
    "employeeInside",
]


@pytest.fixture(scope="module")
def data(engine) -> dict[str, Any]:
    ws = make_workspace(engine)
    store1 = make_store(
        engine,
        ws,
        name="Downtown",
        code="AIFI-1",
        external_id="tp-1",
        capacity=12,
        status="open",
        address={
            "line1": "1 Main St",
            "city": "Springfield",
            "region": "IL",
            "country": "US",
            "postal_code": "62701",
        },
        attributes={
            "deploymentStatus": "LIVE",
            "storeUrl": "https://store.example.com",
            "storeConfigId": 7,
            "employeeInside": True,
        },
    )
    store2 = make_store(engine, ws, name="Uptown")
    cust1 = make_customer(
        engine,
        ws,
        external_id="ext-1",
        role="customer",
        metadata={"arbitraryKey": "arbitraryValue"},
        priority=2,
        email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        phone="+1 555 0100",
    )
    cust2 = make_customer(engine, ws)
    a = make_store_session(
        engine,
        ws,
        code="CODE-A",
        token="tok-a",
        uuid="d3a00526-1864-4f6e-bb2d-46e3ab7fa780",
        venue_id=store1,
        customer_id=cust1,
        status="active",
        visitors=2,
        group_size=2,
        satisfaction=95,
        satisfaction_submitted=True,
        suspected_fraud=True,
        priority=3,
        payment_instrument_id=12345678901,
        location_id="loc-1",
        scannable_at_venue_id=store2,
        metadata={"events": [{"eventId": "e1", "metadata": {"key": "value"}}], "x": "y"},
        created_at=at(1, 10),
        updated_at=at(2, 10),
        expires_at=at(3, 10),
        code_first_scanned_at=at(1, 10, 30),
        code_last_scanned_at=at(1, 11),
        joined_at=at(1, 11, 5),
        last_entered_at=at(1, 12),
        first_exited_at=at(1, 11, 30),
        left_at=at(1, 12, 30),
    )
    b = make_store_session(
        engine,
        ws,
        code="CODE-B",
        token="tok-b",
        venue_id=store2,
        customer_id=cust2,
        status="completed",
        visitors=5,
        group_size=4,
        referenced_session_id=a,
        created_at=at(1, month=2),
        updated_at=at(2, month=2),
        expires_at=at(3, month=2),
        code_last_scanned_at=at(1, 11, month=2),
        last_entered_at=at(1, 12, month=2),
    )
    c = make_store_session(
        engine, ws, status="expired", created_at=at(1, month=3), updated_at=at(2, month=3)
    )
    _, key = make_key(engine, ws, permissions="sessions:read")
    return {
        "ws": ws,
        "key": key,
        "A": a,
        "B": b,
        "C": c,
        "store1": store1,
        "store2": store2,
        "cust1": cust1,
        "cust2": cust2,
    }


def test_row_has_every_seed_field_with_its_value(client, data):
    response = get(client, data["key"], f"id={data['A']}")
    body = response.json()
    assert list(body) == ["data", "pagination"]
    (row,) = body["data"]
    assert list(row) == SESSION_KEYS
    assert list(row["customer"]) == CUSTOMER_KEYS
    assert list(row["store"]) == STORE_KEYS
    assert row == {
        "createdAt": "2024-01-01T10:00:00.000Z",
        "updatedAt": "2024-01-02T10:00:00.000Z",
        "code": "CODE-A",
        "codeFirstSuccesfullyScannedAt": "2024-01-01T10:30:00.000Z",
        "codeLastSuccesfullyScannedAt": "2024-01-01T11:00:00.000Z",
        "customerFirstEnteredAt": "2024-01-01T11:05:00.000Z",
        "customerLastEnteredAt": "2024-01-01T12:00:00.000Z",
        "customerFirstExitedAt": "2024-01-01T11:30:00.000Z",
        "customerLastExitedAt": "2024-01-01T12:30:00.000Z",
        "customerPaymentInstrumentId": 12345678901,
        "customerSatisfaction": 95,
        "customerSatisfactionSubmitted": True,
        "groupSize": 2,
        "visitors": 2,
        "locationId": "loc-1",
        "priority": 3,
        "sessionToken": "tok-a",
        "sessionId": "d3a00526-1864-4f6e-bb2d-46e3ab7fa780",
        "referencedSessionId": None,
        "status": "active",
        "storeId": data["store1"],
        "storeIdScannableAt": data["store2"],
        "suspectedFraud": True,
        "metadata": {"events": [{"eventId": "e1", "metadata": {"key": "value"}}], "x": "y"},
        "expiresAt": "2024-01-03T10:00:00.000Z",
        "id": str(data["A"]),
        "customerId": str(data["cust1"]),
        "customer": {
            "externalId": "ext-1",
            "role": "customer",
            "metadata": {"arbitraryKey": "arbitraryValue"},
            "priority": 2,
            "email": "ann@example.com",
            "firstName": "Ann",
            "lastName": "Lee",
            "phone": "+1 555 0100",
            "id": str(data["cust1"]),
        },
        "store": {
            "aifiUniqueStoreId": "AIFI-1",
            "status": "OPEN",
            "deploymentStatus": "LIVE",
            "addressLine1": "1 Main St",
            "addressCity": "Springfield",
            "addressRegion": "IL",
            "addressCountry": "US",
            "addressPostalCode": "62701",
            "thirdPartyId": "tp-1",
            "storeUrl": "https://store.example.com",
            "maxPeople": 12,
            "storeConfigId": 7,
            "name": "Downtown",
            "id": str(data["store1"]),
            "employeeInside": True,
        },
    }


def test_missing_values_are_null_or_typed_defaults(client, data):
    (row,) = get(client, data["key"], f"id={data['C']}").json()["data"]
    assert list(row) == SESSION_KEYS
    assert row["customer"] is None and row["store"] is None and row["customerId"] is None
    assert row["metadata"] == {}
    assert row["customerSatisfactionSubmitted"] is False and row["suspectedFraud"] is False
    assert row["priority"] == 0
    for name in ("code", "visitors", "groupSize", "expiresAt", "storeId", "sessionToken"):
        assert row[name] is None, name
    (b,) = get(client, data["key"], f"id={data['B']}").json()["data"]
    assert b["referencedSessionId"] == str(data["A"])
    store = b["store"]
    assert store["addressLine1"] is None and store["employeeInside"] is False
    assert store["storeConfigId"] is None and store["status"] == "OPEN"


# (query string, sessions expected): every parameter with a hit and a miss.
FILTER_CASES = [
    ("id={A}", "A"),
    ("id=999999999", ""),
    ("code=CODE-B", "B"),
    ("code=CODE-Z", ""),
    ("sessionToken=tok-a", "A"),
    ("sessionToken=tok-z", ""),
    ("storeId={store2}", "B"),
    ("storeId=999999999", ""),
    ("customerId={cust1}", "A"),
    ("customerId=999999999", ""),
    ("status=active", "A"),
    ("status=cancelled", ""),
    ("status=active,expired", "AC"),
    ("status=active&status=completed", "AB"),
    ("status[]=completed&status[]=expired", "BC"),
    ("status[0]=active&status[1]=expired", "AC"),
    ("minCreatedAt=2024-01-15T00:00:00.000Z", "BC"),
    ("minCreatedAt=2025-01-01T00:00:00Z", ""),
    ("minCreatedAt=2024-01-01T10:00:00Z", "ABC"),
    ("maxCreatedAt=2024-01-01T10:00:00.000Z", "A"),
    ("maxCreatedAt=2023-12-31T23:59:59Z", ""),
    ("maxCreatedAt=2024-02-01", "AB"),
    ("minCreatedAt=2024-01-15T00:00:00Z&maxCreatedAt=2024-02-15T00:00:00Z", "B"),
    ("minUpdatedAt=2024-03-01T00:00:00Z", "C"),
    ("minUpdatedAt=2024-04-01T00:00:00Z", ""),
    ("maxUpdatedAt=2024-01-02T10:00:00%2B00:00", "A"),
    ("maxUpdatedAt=2024-01-02T09:00:00Z", ""),
    ("minVisitors=3", "B"),
    ("minVisitors=6", ""),
    ("maxVisitors=2", "A"),
    ("maxVisitors=1", ""),
    ("minVisitors=0&maxVisitors=5", "AB"),
    ("minGroupSize=3", "B"),
    ("minGroupSize=5", ""),
    ("maxGroupSize=2", "A"),
    ("maxGroupSize=1", ""),
    ("minExpiresAt=2024-02-01T00:00:00Z", "B"),
    ("minExpiresAt=2024-03-01T00:00:00Z", ""),
    ("maxExpiresAt=2024-01-31T00:00:00Z", "A"),
    ("maxExpiresAt=2024-01-01T00:00:00Z", ""),
    ("minCodeLastSuccesfullyScannedAt=2024-01-15T00:00:00Z", "B"),
    ("minCodeLastSuccesfullyScannedAt=2024-03-01T00:00:00Z", ""),
    ("maxCodeLastSuccesfullyScannedAt=2024-01-01T11:00:00Z", "A"),
    ("maxCodeLastSuccesfullyScannedAt=2024-01-01T10:59:59Z", ""),
    ("minCustomerLastEnteredAt=2024-02-01T12:00:00Z", "B"),
    ("minCustomerLastEnteredAt=2024-02-01T12:00:01Z", ""),
    ("maxCustomerLastEnteredAt=2024-01-31T00:00:00Z", "A"),
    ("maxCustomerLastEnteredAt=2023-01-01T00:00:00Z", ""),
    ("storeId={store1}&status=active&minVisitors=1", "A"),
    ("storeId={store1}&status=completed", ""),
]


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
def test_each_parameter_hits_and_misses(client, data, query, expected):
    filled = query.format(**{k: v for k, v in data.items() if isinstance(v, int)})
    found = ids(get(client, data["key"], filled))
    assert found == [data[name] for name in expected]


def test_every_filter_parameter_is_covered():
    from turnout.dialects.oasis.params import BETWEENS, EQUALS

    names = {e.param for e in EQUALS} | {"status"}
    names |= {b.low for b in BETWEENS} | {b.high for b in BETWEENS}
    covered = {part.split("=")[0].split("[")[0] for q, _ in FILTER_CASES for part in q.split("&")}
    assert names <= covered
    for name in names:
        results = [e for q, e in FILTER_CASES if q.startswith(f"{name}=") or f"&{name}=" in q]
        assert any(results) and "" in results, f"{name} needs a hit and a miss"


@pytest.fixture(scope="module")
def many(engine) -> dict[str, Any]:
    ws = make_workspace(engine)
    now = at(1)
    rows = [
        {
            "workspace_id": ws.id,
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "status": "active",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(205)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(sessions), rows)
    _, key = make_key(engine, ws, permissions="sessions:read")
    return {"ws": ws, "key": key}


def test_count_defaults_to_20_and_allows_200(client, many):
    body = get(client, many["key"]).json()
    assert len(body["data"]) == 20
    assert body["pagination"]["next"]["count"] == 20
    body = get(client, many["key"], "count=200").json()
    assert len(body["data"]) == 200
    assert body["pagination"]["next"]["count"] == 200
    rest = get(client, many["key"], [("count", "200"), ("after", body["data"][-1]["id"])])
    assert len(rest.json()["data"]) == 5
    assert rest.json()["pagination"]["next"] is None


def test_workspace_isolation(client, engine, data):
    other = make_workspace(engine)
    foreign = make_store_session(engine, other, code="CODE-A", status="active")
    _, other_key = make_key(engine, other, permissions="sessions:read")
    assert ids(get(client, other_key)) == [foreign]
    assert ids(get(client, other_key, "code=CODE-A")) == [foreign]
    assert ids(get(client, other_key, f"id={data['A']}")) == []
    assert ids(get(client, other_key, f"storeId={data['store1']}")) == []
    assert foreign not in ids(get(client, data["key"], "count=200"))
    # A session id from another workspace is no position to page from.
    response = get(client, other_key, f"orderBy=visitors&after={data['A']}")
    assert response.status_code == 400


def test_needs_sessions_read(client, engine, data):
    _, key = make_key(engine, data["ws"], permissions="customers:read")
    response = get(client, key)
    assert response.status_code == 403
    assert response.json()["type"] == "E_FORBIDDEN"
    _, all_key = make_key(engine, data["ws"])
    assert ids(get(client, all_key, f"id={data['B']}")) == [data["B"]]
