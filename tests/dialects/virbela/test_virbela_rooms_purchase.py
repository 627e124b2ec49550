"""GET /Rooms/World/{clientName} and POST /api/purchase, replayed from the seed."""

from __future__ import annotations

import pytest

from tests.dialects.virbela.virbela_data import (
    assert_error,
    make_credentials,
    make_member,
    make_price,
    make_room,
)
from tests.factories import make_workspace

SEED_PURCHASE = {
    "purchaseType": 0,
    "email": "test@gmail.com",
    "firstName": "John",
    "lastName": "Doe",
    "pricingId": 1,
}


@pytest.fixture(scope="module")
def world(engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    make_room(
        engine,
        ws,
        name="Theater",
        code="Theater",
        external_id="KJDfj5wOjA",
        access={"visibleOn": ["GOTO", "roomGraph"]},
        attributes={"levelName": "theater", "instance": 0, "SFSRoom": "Theater"},
    )
    make_room(
        engine,
        ws,
        name="The Future: Diversity in Tech",
        code="BoardRoomLgPro25",
        external_id="ABCfj5wOkB",
        group_name="Women in Tech History",
        access={"visibleOn": ["GOTO", "roomGraph"], "groupAccess": []},
        attributes={
            "levelName": "boardroomlgpro",
            "instance": 33,
            "customLabel": "The Future: Diversity in Tech",
            "hardUserLimitOptions": {
                "dialogTitle": "The Future: Diversity in Tech Full",
                "dialogMessage": "The Future: Diversity in Tech is full; "
                "you have been sent to the campus instead.",
            },
        },
    )
    make_room(
        engine,
        ws,
        name="Workspace",
        code="WorkRm888",
        external_id="MHPspquUJd",
        group_name="Virbela Tower",
        access={
            "visibleOn": ["GOTO", "mobile", "roomGraph"],
            "groupAccess": [],
            "teamAccess": ["2", "4", "5"],
        },
        attributes={
            "levelName": "workspace",
            "instance": 121,
            "customLabel": "Workspace",
            "SFSRoom": "WorkRm888",
        },
    )
    make_room(engine, ws, kind="private_volume", code="PR-2114767535--NewCampus")
    make_room(engine, ws, kind="store", code="STORE-1")
    return {"ws": ws, "headers": creds.headers}


def test_rooms_as_the_seed_shows_them(client, world):
    response = client.get(f"/Rooms/World/{world['ws'].slug}", headers=world["headers"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["count", "data", "requestId"]
    assert body["count"] == 3
    theater, future, workspace = body["data"]
    assert list(theater) == [
        "objectId",
        "visibleOn",
        "levelName",
        "instance",
        "name",
        "SFSRoom",
        "createdAt",
        "updatedAt",
    ]
    assert theater["objectId"] == "KJDfj5wOjA" and theater["visibleOn"] == ["GOTO", "roomGraph"]
    assert (theater["levelName"], theater["instance"], theater["SFSRoom"]) == (
        "theater",
        0,
        "Theater",
    )
    assert theater["createdAt"].endswith("Z") and len(theater["createdAt"]) == 24
    assert list(future) == [
        "objectId",
        "visibleOn",
        "levelName",
        "instance",
        "customLabel",
        "name",
        "SFSRoom",
        "createdAt",
        "updatedAt",
        "groupAccess",
        "group",
        "hardUserLimitOptions",
    ]
    assert future["SFSRoom"] == "BoardRoomLgPro25"  # from the venue's code
    assert future["group"] == "Women in Tech History" and future["groupAccess"] == []
    assert future["hardUserLimitOptions"]["dialogTitle"] == "The Future: Diversity in Tech Full"
    assert workspace["teamAccess"] == ["2", "4", "5"]
    assert workspace["teamAccessFriendly"] == ["B", "D", "E"]
    assert workspace["group"] == "Virbela Tower"


def test_client_name_letter_case_is_ignored(client, world):
    response = client.get(f"/Rooms/World/{world['ws'].slug.upper()}", headers=world["headers"])
    assert response.json()["count"] == 3


def test_another_worlds_client_name_is_403(client, engine, world):
    other = make_workspace(engine)
    for name in (other.slug, "nope"):
        body = assert_error(
            client.get(f"/Rooms/World/{name}", headers=world["headers"]), 403, "clientName"
        )
        assert name in body["detail"]


def test_purchase_as_the_seed_shows_it(client, engine):
    ws = make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    product, price = make_price(engine, ws)
    buyer = make_member(engine, ws, email="test@gmail.com")
    response = client.post(
        "/api/purchase", headers=headers, json=SEED_PURCHASE | {"pricingId": price}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == [
        "id",
        "purchaseType",
        "remoteSystemSubscriptionId",
        "status",
        "details",
        "createdAt",
        "updatedAt",
        "price",
        "payments",
    ]
    assert (body["purchaseType"], body["status"], body["details"]) == (0, 0, "")
    assert body["payments"] == [] and body["remoteSystemSubscriptionId"] is None
    assert len(response.headers["X-Request-Id"]) == 24
    assert list(body["price"]) == [
        "id",
        "name",
        "status",
        "amount",
        "createdAt",
        "updatedAt",
        "product",
    ]
    assert body["price"]["id"] == price and body["price"]["amount"] == "$0.00"
    assert body["price"]["product"] == {
        "id": product,
        "name": "Office 20",
        "description": "Office with a maximum user count of 20",
        "status": 0,
        "type": 0,
        "createdAt": body["price"]["product"]["createdAt"],
        "updatedAt": body["price"]["product"]["updatedAt"],
    }
    import sqlalchemy as sa

    from turnout.db.schema import purchases

    with engine.connect() as conn:
        row = conn.execute(sa.select(purchases).where(purchases.c.id == body["id"])).one()
    assert (row.customer_id, row.first_name, row.last_name) == (buyer, "John", "Doe")


def test_purchase_amount_in_other_currencies(client, engine):
    ws = make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    _, price = make_price(engine, ws, amount="1250.5", currency="GBP")
    response = client.post(
        "/api/purchase", headers=headers, json=SEED_PURCHASE | {"pricingId": price}
    )
    assert response.json()["price"]["amount"] == "£1250.50"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purchaseType": 1}, "purchaseType"),
        ({"purchaseType": "0"}, "purchaseType"),
        ({"purchaseType": None}, "purchaseType"),
        ({"email": "nope"}, "email"),
        ({"email": ""}, "email"),
        ({"firstName": None}, "firstName"),
        ({"lastName": ""}, "lastName"),
        ({"pricingId": None}, "pricingId"),
        ({"pricingId": "1"}, "pricingId"),
        ({"pricingId": 999999}, "pricingId"),
        ({"pricingId": 0}, "pricingId"),
        ({"pricingId": True}, "pricingId"),
        ({"coupon": "X"}, "coupon"),
    ],
)
def test_bad_purchases_are_400(client, engine, change, field):
    ws = make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    _, price = make_price(engine, ws)
    body = SEED_PURCHASE | {"pricingId": price} | change
    assert_error(client.post("/api/purchase", headers=headers, json=body), 400, field)


def test_another_workspaces_price_is_refused(client, engine):
    ws, other = make_workspace(engine), make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    _, theirs = make_price(engine, other)
    response = client.post(
        "/api/purchase", headers=headers, json=SEED_PURCHASE | {"pricingId": theirs}
    )
    assert_error(response, 400, "pricingId")
