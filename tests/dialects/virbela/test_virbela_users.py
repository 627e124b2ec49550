"""GET /User, GET /User/{userId}, suspend and deleteMember, replayed from the seed."""

from __future__ import annotations

import pytest

from tests.dialects.virbela.virbela_data import (
    assert_error,
    assert_success,
    make_credentials,
    make_member,
)
from tests.factories import make_customer, make_workspace

HARDWARE = {
    "os": "Windows 10 (10.0.19044) 64bit",
    "processor": "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz",
    "gfx": "NVIDIA GeForce RTX 2060",
    "ram": "16262",
    "device": "OMEN by HP Laptop 15-dh0xxx (HP)",
    "hardwareId": "{hardwareID}",
}


@pytest.fixture(scope="module")
def campus(engine):
    from datetime import UTC, datetime

    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    angel = make_member(
        engine,
        ws,
        external_id="6DwTpLBvvX32",
        email="angel.page@test.com",
        first_name="Angel",
        last_name="Page",
        display_name="APage",
        role="admin",
        team=0,
        hardware=HARDWARE,
        profile_updated_at=datetime(2023, 7, 21, 17, 47, 36, 593000, tzinfo=UTC),
    )
    kareem = make_member(
        engine,
        ws,
        external_id="zCzMQrfRK9FR",
        email="Kareem.Blevins@test.com",
        first_name="Kareem",
        last_name="Blevins",
        display_name="KBlevins123",
        team=8,
    )
    pending = make_customer(engine, ws, role="member", status="invited", email="p@test.com")
    shopper = make_customer(engine, ws, role="customer", accepted_at=None)
    leader = make_member(engine, ws, role="leader", team=52)
    return {
        "ws": ws,
        "headers": creds.headers,
        "angel": angel,
        "kareem": kareem,
        "pending": pending,
        "shopper": shopper,
        "leader": leader,
    }


def test_get_users_as_the_seed_shows_them(client, campus):
    body = assert_success(client.get("/User", headers=campus["headers"]))
    assert body["title"] == "Successfully retrieved users"
    assert body["detail"] == f"Retrieved data for 3 users in world {campus['ws'].slug}"
    angel, kareem, leader = body["data"]
    assert angel == {
        "objectId": "6DwTpLBvvX32",
        "email": "angel.page@test.com",
        "firstname": "Angel",
        "lastname": "Page",
        "displayname": "APage",
        "profileLastUpdatedAt": "2023-07-21T17:47:36.593Z",
        "hardware": HARDWARE,
        "teamId": "A",
        "role": "admin",
    }
    assert kareem["objectId"] == "zCzMQrfRK9FR" and kareem["teamId"] == "I"
    assert kareem["role"] == "member"
    # no external id: Turnout's id stands in; team 52 is BA
    assert leader["objectId"] == str(campus["leader"]) and leader["teamId"] == "BA"


def test_pending_invitations_and_shop_customers_are_not_users(client, campus):
    body = assert_success(client.get("/User", headers=campus["headers"]))
    ids = {u["objectId"] for u in body["data"]}
    assert str(campus["pending"]) not in ids and str(campus["shopper"]) not in ids
    assert_error(client.get(f"/User/{campus['pending']}", headers=campus["headers"]), 404)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("limit=2&skip=0", [0, 1]),
        ("limit=2&skip=2", [2]),
        ("limit=2&skip=4", []),
        ("limit=2000&skip=0", [0, 1, 2]),
        ("skip=1", [1, 2]),
        ("limit=&skip=", [0, 1, 2]),
    ],
)
def test_limit_and_skip_page_through_users(client, campus, query, expected):
    everyone = assert_success(client.get("/User", headers=campus["headers"]))["data"]
    body = assert_success(client.get(f"/User?{query}", headers=campus["headers"]))
    assert body["data"] == [everyone[i] for i in expected]


def test_limit_defaults_to_1000(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    from tests.dialects.virbela import virbela_data
    from turnout.db.schema import customers

    rows = [
        {
            "workspace_id": ws.id,
            "email": f"bulk{i}@test.com",
            "role": "member",
            "status": "active",
            "accepted_at": virbela_data.ACCEPTED_AT,
            "created_at": virbela_data.ACCEPTED_AT,
            "updated_at": virbela_data.ACCEPTED_AT,
        }
        for i in range(1001)
    ]
    with engine.begin() as conn:
        conn.execute(customers.insert(), rows)
    assert len(assert_success(client.get("/User", headers=creds.headers))["data"]) == 1000
    more = client.get("/User?limit=1001", headers=creds.headers)
    assert len(assert_success(more)["data"]) == 1001


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=1.5", "limit"),
        ("limit=1&limit=2", "limit"),
        ("skip=x", "skip"),
        ("limit=99999999999999", "limit"),
    ],
)
def test_bad_limit_or_skip_is_400(client, campus, query, field):
    body = assert_error(client.get(f"/User?{query}", headers=campus["headers"]), 400, field)
    assert field in body["detail"]


def test_get_one_user(client, campus):
    ws = campus["ws"]
    body = assert_success(client.get("/User/zCzMQrfRK9FR", headers=campus["headers"]))
    assert body["title"] == "Successfully retrieved user"
    assert body["detail"] == (
        f'Retrieved data for user with id "zCzMQrfRK9FR" in world "{ws.slug}".'
    )
    assert [u["objectId"] for u in body["data"]] == ["zCzMQrfRK9FR"]
    assert list(body["data"][0]) == [
        "objectId",
        "email",
        "firstname",
        "lastname",
        "displayname",
        "profileLastUpdatedAt",
        "hardware",
        "teamId",
        "role",
    ]
    by_id = client.get(f"/User/{campus['kareem']}", headers=campus["headers"])
    assert assert_success(by_id)["data"][0]["objectId"] == "zCzMQrfRK9FR"


def test_unknown_user_and_other_workspaces_users_are_404(client, engine, campus):
    other = make_workspace(engine)
    theirs = make_member(engine, other, external_id="THEIRS000001")
    for user in ("nobody", "THEIRS000001", str(theirs)):
        body = assert_error(client.get(f"/User/{user}", headers=campus["headers"]), 404, "userId")
        assert "No user with id" in body["detail"]


def test_suspend_by_email_as_the_seed_shows(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    make_member(engine, ws, external_id="SUSPEND00001", email="testuser@test.com", role="leader")
    response = client.post(
        "/User/Membership/suspend", headers=creds.headers, json={"email": "TestUser@test.com"}
    )
    body = assert_success(response, data=False)
    assert body["title"] == "Successfully updated user role"
    assert body["detail"] == (
        'User with email "testuser@test.com" successfully updated with role "suspended".'
    )
    user = assert_success(client.get("/User/SUSPEND00001", headers=creds.headers))["data"][0]
    assert user["role"] == "suspended"
    # suspending again is harmless
    again = client.post(
        "/User/Membership/suspend", headers=creds.headers, json={"userId": "SUSPEND00001"}
    )
    assert_success(again, data=False)


def test_suspend_userid_wins_over_email(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    make_member(engine, ws, external_id="FIRST0000001", email="first@test.com")
    make_member(engine, ws, external_id="SECOND000002", email="second@test.com")
    body = {"userId": "SECOND000002", "email": "first@test.com"}
    response = client.post("/User/Membership/suspend", headers=creds.headers, json=body)
    assert '"second@test.com"' in assert_success(response, data=False)["detail"]
    roles = {
        u["objectId"]: u["role"]
        for u in assert_success(client.get("/User", headers=creds.headers))["data"]
    }
    assert roles == {"FIRST0000001": "member", "SECOND000002": "suspended"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "userId"),
        ({"userId": "", "email": ""}, 400, "userId"),
        ({"userId": 5}, 400, "userId"),
        ({"email": "nobody@test.com"}, 404, "email"),
        ({"userId": "nobody"}, 404, "userId"),
        ({"userId": "x", "role": "admin"}, 400, "role"),
    ],
)
def test_bad_suspend_requests(client, campus, body, status, field):
    response = client.post("/User/Membership/suspend", headers=campus["headers"], json=body)
    assert_error(response, status, field)


def test_suspend_body_must_be_a_json_object(client, campus):
    headers = campus["headers"]
    for content in (b"", b"[1]", b"not json", b'{"userId": '):
        response = client.post("/User/Membership/suspend", headers=headers, content=content)
        assert_error(response, 400, "body")


def test_delete_member_erases_for_good(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    make_member(engine, ws, external_id="DELETE000001", email="testuser@test.com")
    body = {"userId": "DELETE000001", "email": "testuser@test.com"}
    response = client.post("/User/Membership/deleteMember", headers=creds.headers, json=body)
    result = assert_success(response, data=False)
    assert result["title"] == "Successfully deleted user"
    assert result["detail"] == 'User with email "testuser@test.com" successfully deleted.'
    assert_error(client.get("/User/DELETE000001", headers=creds.headers), 404)
    assert assert_success(client.get("/User", headers=creds.headers))["data"] == []
    again = client.post("/User/Membership/deleteMember", headers=creds.headers, json=body)
    assert_error(again, 404, "userId")
    # They can be invited again, as a new user.
    invite = client.post(
        "/User/Invitation", headers=creds.headers, json={"email": "testuser@test.com"}
    )
    assert assert_success(invite)["title"] == "Successfully invited user"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"userId": "KEEP00000001"}, 400, "email"),
        ({"email": "keep@test.com"}, 400, "userId"),
        ({"userId": "KEEP00000001", "email": "other@test.com"}, 400, "email"),
        ({"userId": "nobody", "email": "keep@test.com"}, 404, "userId"),
    ],
)
def test_delete_member_needs_both_and_they_must_match(client, engine, body, status, field):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    make_member(engine, ws, external_id="KEEP00000001", email="keep@test.com")
    response = client.post("/User/Membership/deleteMember", headers=creds.headers, json=body)
    assert_error(response, status, field)
    assert len(assert_success(client.get("/User", headers=creds.headers))["data"]) == 1
