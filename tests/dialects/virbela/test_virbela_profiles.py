"""/MemberProfile: list (limit, offset, order, count), one, and PUT with update/unset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dialects.virbela.virbela_data import (
    assert_error,
    assert_success,
    define_field,
    make_credentials,
    make_member,
)
from tests.factories import make_workspace


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def campus(engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    for name, kind in (("Department", "string"), ("Region", "string"), ("eNPS", "integer")):
        define_field(engine, ws, name, kind)
    make_member(
        engine,
        ws,
        external_id="6DwTpLBvvX32",
        email="angel.page@test.com",
        first_name="Angel",
        last_name="Page",
        profile={"Department": ""},
        profile_updated_at=_at(2023, 7, 21, 17, 47, 36, 593000),
    )
    make_member(
        engine,
        ws,
        external_id="zCzMQrfRK9FR",
        email="Kareem.Blevins@test.com",
        first_name="Kareem",
        last_name="Blevins",
        profile={"eNPS": 9, "Region": "Canada", "Department": "Product"},
        profile_updated_at=_at(2023, 7, 13, 22, 24, 8, 641000),
    )
    make_member(
        engine,
        ws,
        external_id="QtUMF8zsEpm8",
        email="Dominique.Fuller@test.com",
        first_name="Dominique",
        last_name=None,
        profile_updated_at=_at(2022, 12, 16, 22, 6, 44, 294000),
    )
    return {"ws": ws, "headers": creds.headers}


def _ids(body):
    return [p["userId"] for p in body["data"]["memberProfiles"]]


def test_list_as_the_seed_shows_it(client, campus):
    body = assert_success(client.get("/MemberProfile", headers=campus["headers"]))
    assert body["title"] == "Successfully retrieved member profiles"
    assert body["detail"] == "Retrieved 3 member profiles."
    assert list(body["data"]) == ["memberProfiles", "count"]
    angel, kareem, dominique = body["data"]["memberProfiles"]
    # Blank fields (an empty Department, no last name) are left out.
    assert angel == {
        "email": "angel.page@test.com",
        "firstname": "Angel",
        "lastname": "Page",
        "updatedAt": "2023-07-21T17:47:36.593Z",
        "userId": "6DwTpLBvvX32",
    }
    assert list(kareem.items()) == [
        ("email", "Kareem.Blevins@test.com"),
        ("firstname", "Kareem"),
        ("lastname", "Blevins"),
        ("Department", "Product"),
        ("Region", "Canada"),
        ("eNPS", 9),
        ("updatedAt", "2023-07-13T22:24:08.641Z"),
        ("userId", "zCzMQrfRK9FR"),
    ]
    assert "lastname" not in dominique
    assert body["data"]["count"] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("limit=2000&offset=0", ["6DwTpLBvvX32", "zCzMQrfRK9FR", "QtUMF8zsEpm8"]),
        ("limit=2&offset=0", ["6DwTpLBvvX32", "zCzMQrfRK9FR"]),
        ("limit=2&offset=2", ["QtUMF8zsEpm8"]),
        ("limit=2&skip=2", ["QtUMF8zsEpm8"]),
        ("limit=2000&offset=2000", []),
        ("order=-updatedAt", ["6DwTpLBvvX32", "zCzMQrfRK9FR", "QtUMF8zsEpm8"]),
        ("order=updatedAt", ["QtUMF8zsEpm8", "zCzMQrfRK9FR", "6DwTpLBvvX32"]),
        ("limit=2000&offset=1&order=-updatedAt", ["zCzMQrfRK9FR", "QtUMF8zsEpm8"]),
        ("order=-userId", ["QtUMF8zsEpm8", "zCzMQrfRK9FR", "6DwTpLBvvX32"]),
        ("order=-firstname", ["zCzMQrfRK9FR", "QtUMF8zsEpm8", "6DwTpLBvvX32"]),
        ("order=-Region,userId", ["zCzMQrfRK9FR", "6DwTpLBvvX32", "QtUMF8zsEpm8"]),
    ],
)
def test_limit_offset_and_order(client, campus, query, expected):
    body = assert_success(client.get(f"/MemberProfile?{query}", headers=campus["headers"]))
    assert _ids(body) == expected
    assert body["data"]["count"] == 3  # every match, whatever the page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("order=nothing", "order"),
        ("order=-Unknown", "order"),
        ("limit=ten", "limit"),
        ("offset=-5", "offset"),
        ("offset=1&skip=1", "skip"),
        ("order=a&order=b", "order"),
    ],
)
def test_bad_list_parameters(client, campus, query, field):
    response = client.get(f"/MemberProfile?{query}", headers=campus["headers"])
    assert_error(response, 400, field)


def test_one_profile_as_the_seed_shows_it(client, campus):
    ws = campus["ws"]
    body = assert_success(client.get("/MemberProfile/zCzMQrfRK9FR", headers=campus["headers"]))
    assert body["title"] == "Successfully retrieved member profile"
    assert body["detail"] == f"Retrieved member profile for user zCzMQrfRK9FR in world {ws.slug}."
    assert body["data"] == {
        "memberProfile": {
            "email": "Kareem.Blevins@test.com",
            "firstname": "Kareem",
            "lastname": "Blevins",
            "Department": "Product",
            "Region": "Canada",
            "eNPS": 9,
            "updatedAt": "2023-07-13T22:24:08.641Z",
        }
    }
    assert_error(client.get("/MemberProfile/nobody", headers=campus["headers"]), 404, "userId")


@pytest.fixture
def kareem(engine):
    ws = make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    for name, kind in (("Department", "string"), ("Region", "string"), ("eNPS", "integer")):
        define_field(engine, ws, name, kind)
    make_member(
        engine,
        ws,
        external_id="zCzMQrfRK9FR",
        email="Kareem.Blevins@test.com",
        first_name="Kareem",
        last_name="Blevins",
        profile={"Department": "Product", "Region": "Canada", "eNPS": 9},
    )
    return ws, headers


def test_put_the_seed_example(client, kareem):
    ws, headers = kareem
    request = {
        "update": {"Department": "Product Management", "Region": "Alberta"},
        "unset": ["eNPS"],
    }
    before = datetime.now(UTC)
    body = assert_success(client.put("/MemberProfile/zCzMQrfRK9FR", headers=headers, json=request))
    assert body["title"] == "Successfully updated member profile"
    assert body["detail"] == f"Updated member profile for user zCzMQrfRK9FR in world {ws.slug}."
    updated = body["data"]["updatedMemberProfile"]
    stamp = updated.pop("updatedAt")
    assert updated == {
        "email": "Kareem.Blevins@test.com",
        "firstname": "Kareem",
        "lastname": "Blevins",
        "Department": "Product Management",
        "Region": "Alberta",
    }
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) >= before.replace(microsecond=0)
    again = assert_success(client.get("/MemberProfile/zCzMQrfRK9FR", headers=headers))
    assert "eNPS" not in again["data"]["memberProfile"]


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"update": {"Hobby": "chess"}}, "update.Hobby"),
        ({"unset": ["Hobby"]}, "unset.0"),
        ({"update": {"eNPS": "nine"}}, "update.eNPS"),
        ({"update": {"Region": 5}}, "update.Region"),
        ({"update": {"Region": "x"}, "unset": ["Region"]}, "unset.0"),
        ({"update": ["Region"]}, "update"),
        ({"set": {"Region": "x"}}, "set"),
    ],
)
def test_bad_updates_change_nothing(client, kareem, request_body, field):
    _, headers = kareem
    response = client.put("/MemberProfile/zCzMQrfRK9FR", headers=headers, json=request_body)
    assert_error(response, 400, field)
    profile = assert_success(client.get("/MemberProfile/zCzMQrfRK9FR", headers=headers))
    assert profile["data"]["memberProfile"]["Region"] == "Canada"
    assert profile["data"]["memberProfile"]["eNPS"] == 9


def test_put_for_an_unknown_user_is_404(client, kareem):
    _, headers = kareem
    response = client.put("/MemberProfile/nobody", headers=headers, json={"update": {}})
    assert_error(response, 404, "userId")
