"""POST /User/Invitation: create or update one user, as the seed describes it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.dialects.virbela.virbela_data import (
    assert_error,
    assert_success,
    events_of,
    make_credentials,
    make_member,
)
from tests.factories import make_customer, make_workspace
from turnout.db.schema import customers, workspaces

# The seed's example body, byte for byte: note the missing comma after "all".
SEED_BODY = b"""{
"email": "testuser@test.com",
"displayName": "TestUser" ,
"firstName": "Test" ,\x20
"lastName": "User" ,
"title": "User for testing purposes" ,
"teamId": "A",
"permission": "moderator",
"sendInvitationEmail": "all"
"overwriteData": true
}"""


@pytest.fixture
def campus(engine):
    ws = make_workspace(engine)
    return ws, make_credentials(engine, ws).headers


def _customer(engine, ws, email):
    with engine.connect() as conn:
        return conn.execute(
            sa.select(customers).where(
                customers.c.workspace_id == ws.id,
                sa.func.lower(customers.c.email) == email.lower(),
            )
        ).one()


def invite(client, headers, **body):
    return client.post("/User/Invitation", headers=headers, json=body)


def test_the_seed_example_creates_an_invited_user(client, engine, campus):
    ws, headers = campus
    response = client.post(
        "/User/Invitation",
        headers=headers | {"Content-Type": "application/json"},
        content=SEED_BODY,
    )
    body = assert_success(response)
    assert body["title"] == "Successfully invited user"
    assert (
        body["detail"]
        == f'User with email "testuser@test.com" successfully invited to world "{ws.slug}".'
    )
    data = body["data"]
    assert data["teamId"] == 0  # the integer of team A
    assert data["teamName"] == "A"
    assert data["role"] == "moderator" and data["status"] == "invited"
    assert data["displayname"] == "TestUser" and data["title"] == "User for testing purposes"
    assert data["invitationEmailSent"] is True
    row = _customer(engine, ws, "testuser@test.com")
    assert (row.first_name, row.last_name, row.status) == ("Test", "User", "invited")
    # Pending: not a user until they accept.
    assert assert_success(client.get("/User", headers=headers))["data"] == []
    (event,) = events_of(engine, ws, "email.invitation")
    assert event.customer_id == row.id
    assert event.data["recipient"] == "testuser@test.com" and event.data["kind"] == "all"


@pytest.mark.parametrize(
    ("team", "number"),
    [("A", 0), ("B", 1), ("Z", 25), ("AA", 26), ("AZ", 51), ("BA", 52), ("BZ", 77)],
)
def test_team_letters_are_answered_as_integers(client, campus, team, number):
    _, headers = campus
    body = assert_success(invite(client, headers, email=f"t{team}@test.com", teamId=team))
    assert body["data"]["teamId"] == number and body["data"]["teamName"] == team


def test_defaults_campus_team_member_and_all(client, engine, campus):
    ws, headers = campus
    data = assert_success(invite(client, headers, email="plain@test.com"))["data"]
    assert data["teamId"] == 0 and data["role"] == "member"
    assert data["invitationEmailSent"] is True
    # The campus team is a workspace setting.
    with engine.begin() as conn:
        conn.execute(
            workspaces.update()
            .where(workspaces.c.id == ws.id)
            .values(settings={"campus_team": "C"})
        )
    blank = invite(client, headers, email="blank@test.com", teamId="", permission="")
    data = assert_success(blank)["data"]
    assert data["teamId"] == 2 and data["role"] == "member"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@test.com", "permission": "Admin"}, "permission"),
        ({"email": "a@test.com", "permission": "ADMIN"}, "permission"),
        ({"email": "a@test.com", "permission": "superuser"}, "permission"),
        ({"email": "a@test.com", "teamId": "CA"}, "teamId"),
        ({"email": "a@test.com", "teamId": "a"}, "teamId"),
        ({"email": "a@test.com", "teamId": "AAA"}, "teamId"),
        ({"email": "a@test.com", "teamId": "3"}, "teamId"),
        ({"email": "a@test.com", "teamId": 3}, "teamId"),
        ({"email": "a@test.com", "sendInvitationEmail": "ALL"}, "sendInvitationEmail"),
        ({"email": "a@test.com", "sendInvitationEmail": "some"}, "sendInvitationEmail"),
        ({"email": "a@test.com", "overwriteData": "maybe"}, "overwriteData"),
        ({"email": "a@test.com", "overwriteData": 1}, "overwriteData"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@@test.com"}, "email"),
        ({"email": ""}, "email"),
        ({}, "email"),
        ({"email": 5}, "email"),
        ({"email": "a@test.com", "firstName": ["x"]}, "firstName"),
        ({"email": "a@test.com", "lastName": "x" * 201}, "lastName"),
        ({"email": "a@test.com", "role": "admin"}, "role"),
    ],
)
def test_bad_invitations_change_nothing(client, engine, campus, body, field):
    ws, headers = campus
    response = invite(client, headers, **body)
    error = assert_error(response, 400, field)
    assert field in error["detail"]
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(customers.c.workspace_id == ws.id)
        ).scalar_one()
    assert count == 0
    assert events_of(engine, ws, "email.invitation") == []


def test_a_taken_display_name_gets_digits(client, engine, campus):
    ws, headers = campus
    make_member(engine, ws, display_name="TestUser")
    data = assert_success(invite(client, headers, email="new@test.com", displayName="TestUser"))[
        "data"
    ]
    assert data["displayname"] != "TestUser"
    assert data["displayname"].startswith("TestUser") and data["displayname"][8:].isdigit()


def test_existing_member_is_left_alone_without_overwrite(client, engine, campus):
    ws, headers = campus
    make_member(engine, ws, email="old@test.com", first_name="Old", role="admin", team=3)
    body = assert_success(
        invite(client, headers, email="OLD@test.com", firstName="New", permission="member")
    )
    assert body["title"] == "User already exists"
    assert "overwriteData is false" in body["detail"]
    assert body["data"]["firstname"] == "Old" and body["data"]["role"] == "admin"
    row = _customer(engine, ws, "old@test.com")
    assert (row.first_name, row.role, row.team) == ("Old", "admin", 3)


def test_existing_member_is_updated_with_overwrite(client, engine, campus):
    ws, headers = campus
    make_member(engine, ws, email="old@test.com", first_name="Old", last_name="Keep", team=3)
    body = assert_success(
        invite(
            client, headers, email="old@test.com", firstName="New", teamId="B", overwriteData=True
        )
    )
    assert body["title"] == "Successfully updated user"
    row = _customer(engine, ws, "old@test.com")
    # Only the fields sent change; the role is not reset to the default.
    assert (row.first_name, row.last_name, row.team, row.role) == ("New", "Keep", 1, "member")
    assert body["data"]["teamId"] == 1


def test_a_suspended_member_invited_again_is_reactivated(client, engine, campus):
    ws, headers = campus
    make_member(engine, ws, email="back@test.com", external_id="BACK00000001")
    client.post("/User/Membership/suspend", headers=headers, json={"email": "back@test.com"})
    assert (
        assert_success(invite(client, headers, email="back@test.com"))["data"]["status"] == "active"
    )
    user = assert_success(client.get("/User/BACK00000001", headers=headers))["data"][0]
    assert user["role"] == "member"


def test_a_shop_customer_invited_joins_the_campus(client, engine, campus):
    ws, headers = campus
    make_customer(engine, ws, email="shopper@test.com", role="customer")
    data = assert_success(invite(client, headers, email="shopper@test.com", permission="leader"))
    assert data["data"]["role"] == "leader"


@pytest.mark.parametrize(
    ("choice", "new_sent", "existing_sent"),
    [
        ("all", True, True),
        ("newToVirbela", True, False),
        ("newToCampus", True, False),
        ("none", False, False),
    ],
)
def test_invitation_email_choices_are_recorded(
    client, engine, campus, choice, new_sent, existing_sent
):
    ws, headers = campus
    make_member(engine, ws, email="member@test.com")
    new = assert_success(
        invite(client, headers, email="fresh@test.com", sendInvitationEmail=choice)
    )
    old = assert_success(
        invite(client, headers, email="member@test.com", sendInvitationEmail=choice)
    )
    assert new["data"]["invitationEmailSent"] is new_sent
    assert old["data"]["invitationEmailSent"] is existing_sent
    recipients = sorted(e.data["recipient"] for e in events_of(engine, ws, "email.invitation"))
    expected = [
        email
        for email, sent in (("fresh@test.com", new_sent), ("member@test.com", existing_sent))
        if sent
    ]
    assert recipients == sorted(expected)
    assert all(e.data["kind"] == choice for e in events_of(engine, ws, "email.invitation"))
