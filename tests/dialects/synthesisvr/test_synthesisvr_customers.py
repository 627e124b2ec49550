"""SynthesisVR customers: /json, /search/<TEXT>, /csv/<columns>, both backends."""

from __future__ import annotations

import csv
import io

import pytest

from tests.dialects.synthesisvr.svr_world import World

CUSTOMER_FIELDS = [
    "id",
    "email",
    "fullname",
    "phone",
    "balance",
    "widget",
    "sessions",
    "regdate",
    "custom_fields",
]


def get(client, world: World, rest: str):
    return client.get(f"/data/customers/{world.key}/{rest}")


def names(world: World, rows: list[dict]) -> list[str]:
    by_id = {v: k for k, v in world.customers.items()}
    return [by_id[row["id"]] for row in rows]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.reader(io.StringIO(response.text)))


def test_json_lists_every_customer_but_the_erased(client, world):
    response = get(client, world, "json")
    assert response.status_code == 200, response.text
    rows = response.json()
    assert names(world, rows) == ["ann", "bob"]
    assert [list(r) for r in rows] == [CUSTOMER_FIELDS] * 2
    ann, bob = rows
    assert ann == {
        "id": world.customers["ann"],
        "email": "ann@example.com",
        "fullname": "Ann Smith",
        "phone": "+44 7700 900111",
        "balance": 0.0,
        "widget": "booking widget",
        "sessions": 4,
        "regdate": "2019-06-01T11:00:00+01:00",
        "custom_fields": {"Department": "Sales"},
    }
    assert bob["sessions"] == 3 and bob["custom_fields"] == {} and bob["fullname"] == "Bob O'Brien"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smith", ["ann"]),
        ("Ann Smith", ["ann"]),
        ("Ann%20Smith", ["ann"]),
        ("Ann+Smith", ["ann"]),
        ("o'brien", ["bob"]),
        ("example", ["ann", "bob"]),
        ("bob@example.org", ["bob"]),
        ("900111", ["ann"]),
        ("nobody", []),
    ],
)
def test_search(client, world, text, expected):
    response = get(client, world, f"search/{text}")
    assert response.status_code == 200, response.text
    assert names(world, response.json()) == expected


def test_csv_columns_come_in_the_order_asked(client, world):
    rows = read_csv(get(client, world, f"csv/fullname,id,sessions,{world.profile_field},phone"))
    assert rows == [
        ["fullname", "id", "sessions", "Department", "phone"],
        # Formula-like text is escaped by the core's CSV writer (CSV injection).
        ["Ann Smith", str(world.customers["ann"]), "4", "Sales", "'+44 7700 900111"],
        ["Bob O'Brien", str(world.customers["bob"]), "3", "", "'+1 555 0100"],
    ]


def test_csv_default_and_every_standard_column(client, world):
    default = read_csv(get(client, world, "csv"))
    standard = ["id", "email", "fullname", "phone", "balance", "widget", "sessions", "regdate"]
    every = read_csv(get(client, world, "csv/" + ",".join(standard)))
    assert default == every
    assert every[0] == standard
    assert every[1][5:] == ["booking widget", "4", "2019-06-01T11:00:00+01:00"]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ("id,regdate>2019-07-01", ["bob"]),
        ("id,regdate<2019-06-01", ["ann"]),
        ("id,regdate=2019-07-05", ["bob"]),
        ("id,regdate>=2019-06-01,regdate<2019-06-30", ["ann"]),
        ("id,regdate>2020-01-01", []),
    ],
)
def test_csv_regdate_filters(client, world, columns, expected):
    rows = read_csv(get(client, world, f"csv/{columns}"))
    assert rows[0] == ["id", "regdate"]
    by_id = {str(v): k for k, v in world.customers.items()}
    assert [by_id[r[0]] for r in rows[1:]] == expected


@pytest.mark.parametrize(
    ("rest", "field"),
    [
        ("csv/id,nope", "columns"),
        ("csv/id,999999", "columns"),
        ("csv/id,regdate>yesterday", "regdate>"),
        ("search/", "search"),
    ],
)
def test_bad_customer_requests(client, world, rest, field):
    response = get(client, world, rest)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == 400 and error["errors"][0]["field"] == field
    assert world.key not in response.text


def test_customers_need_the_customers_permission(client, world, engine):
    from tests.factories import make_key

    _, sessions_only = make_key(engine, world.ws, permissions="sessions:read")
    response = client.get(f"/data/customers/{sessions_only}/json")
    assert response.status_code == 403
    _, customers_only = make_key(engine, world.ws, permissions="customers:read")
    assert client.get(f"/data/customers/{customers_only}/json").status_code == 200
