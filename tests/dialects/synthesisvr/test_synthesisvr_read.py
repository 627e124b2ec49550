"""SynthesisVR sessions and goods: every example and term of the seed, both backends.

The clock is pinned at 2019-07-12 12:00 in London (see svr_world), so "today" is
the seed's example date. Expected rows are listed by name, in the order served
(by start, then id).
"""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from tests.dialects.synthesisvr.svr_world import World, url

TODAY = ["morning", "evening", "cancelled"]
TO_NEXT_MORNING = [*TODAY, "after_midnight", "next_morning"]
ALL = ["june", *TO_NEXT_MORNING, "august", "late_august"]
ANNS = ["june", "morning", "after_midnight", "late_august"]
BOBS = ["evening", "next_morning", "august"]

SESSION_FIELDS = [
    "uuid",
    "external_uuid",
    "date",
    "time",
    "duration",
    "people",
    "stations",
    "experience",
    "venue",
    "status",
    "booked_online",
    "channel",
    "customer_id",
    "customer_name",
    "customer_email",
    "labels",
    "created",
]
GOODS_FIELDS = [
    "id",
    "item",
    "category",
    "quantity",
    "price",
    "total",
    "currency",
    "date",
    "time",
    "sold_at",
    "session_uuid",
    "venue",
    "customer_id",
    "customer_name",
    "customer_email",
]


def fill(world: World, text: str) -> str:
    return text.format(
        **world.customers,
        **{f"label_{k}": v for k, v in world.labels.items()},
        **{f"uuid_{k}": v for k, v in world.uuids.items()},
    )


def get_json(client, world: World, endpoint: str, *rest: str, encode: bool = True) -> list:
    response = client.get(url(endpoint, world.key, "json", *rest, encode=encode))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list)
    return body


def sessions(client, world: World, *rest: str, encode: bool = True) -> list[str]:
    return world.uuid_names(get_json(client, world, "sessions", *rest, encode=encode))


def goods(client, world: World, *rest: str) -> list[str]:
    return world.sale_names(get_json(client, world, "goods", *rest))


# ---------------------------------------------------------------- the seed's example


def test_the_seed_example(client, world):
    # http://api.lbvr.net/data/sessions/<KEY>/json/1 day/date=2019-07-12
    assert sessions(client, world, "1 day", "date=2019-07-12") == TODAY


@pytest.mark.parametrize(
    "path",
    [
        "/data/sessions/{key}/json/1 day/date=2019-07-12",  # raw spaces (the client encodes)
        "/data/sessions/{key}/json/1%20day/date=2019-07-12",
        "/data/sessions/{key}/json/1%20day/date%3D2019-07-12",
        "/data/sessions/{key}/json/1+day/date=2019-07-12",  # form-style space in RANGE
        "/data/sessions/{key}/json/1 day/date=2019-07-12/",
        "/data/sessions/{key}/JSON/1 DAY/DATE=2019-07-12",
        "/data/sessions/{key}/json/ 1  day /  date=2019-07-12  ",
    ],
)
def test_spellings_of_the_example(client, world, path):
    response = client.get(path.format(key=world.key))
    assert response.status_code == 200, response.text
    assert world.uuid_names(response.json()) == TODAY


def test_the_example_with_the_seeds_own_key_is_refused_without_echoing_it(client, world):
    seed_key = "11111111-1111-1111-1111-111111111111"
    response = client.get(url("sessions", seed_key, "json", "1 day", "date=2019-07-12"))
    assert response.status_code == 401
    assert seed_key not in response.text
    assert response.json()["error"]["type"] == "unauthenticated"


# ---------------------------------------------------------------- RANGE


@pytest.mark.parametrize(
    ("range_", "date", "expected"),
    [
        ("1 day", "2019-07-12", TODAY),
        ("1 days", "2019-07-12", TODAY),
        ("1 Day", "2019-07-12", TODAY),
        ("1day", "2019-07-12", TODAY),
        ("12 hours", "2019-07-12", ["morning"]),
        ("1 hour", "2019-07-12", []),
        ("1 day 8 hours", "2019-07-12", TO_NEXT_MORNING),
        ("1 day 7 hours", "2019-07-12", [*TODAY, "after_midnight"]),
        ("1 week", "2019-07-12", TO_NEXT_MORNING),
        ("1 month 5 days", "2019-07-12", [*TO_NEXT_MORNING, "august"]),
        ("5 days 1 month", "2019-07-12", [*TO_NEXT_MORNING, "august"]),
        ("2 months 3 days", "2019-07-12", [*TO_NEXT_MORNING, "august", "late_august"]),
        ("1 month", "2019-06-20", ["june", *TO_NEXT_MORNING]),
        ("1 year", "2019-01-01", ALL),
        ("2 years", "2018-01-01", ALL),
        ("1 year", "2020-01-01", []),
    ],
)
def test_range_counts_from_the_main_date(client, world, range_, date, expected):
    assert sessions(client, world, range_, f"date={date}") == expected


def test_range_without_criteria_counts_from_today(client, world):
    assert sessions(client, world, "1 day") == TODAY
    assert sessions(client, world, "1 day 8 hours") == TO_NEXT_MORNING
    # No RANGE either: today.
    assert sessions(client, world) == TODAY


# ---------------------------------------------------------------- SEARCH CRITERIA

TERMS = [
    # date=, date>, date< (inclusive whole days in the workspace's zone)
    ("1 day", "date:2019-07-12", TODAY),
    ("1 day", "date=2019-07-13", ["after_midnight", "next_morning"]),
    ("1 day", "date>2019-08-01", ["august", "late_august"]),
    ("1 day", "date>=2019-08-01", ["august", "late_august"]),
    ("1 day", "date<2019-07-12", ["june", *TODAY]),
    ("1 day", "date>2019-07-12 date<2019-07-13", TO_NEXT_MORNING),
    ("1 month", "date=2019-07-12 date<2019-07-12", TODAY),
    ("1 year", "date=2019-01-01 date>2019-07-13", ["after_midnight", "next_morning", *ALL[-2:]]),
    # crdate: the main date on the creation date
    ("1 day", "crdate=2019-07-12", ["next_morning"]),
    ("3 days", "crdate=2019-07-10", ["evening", "cancelled", "after_midnight", "next_morning"]),
    ("1 year", "date=2019-01-01 crdate>2019-07-10", ["evening", "cancelled", *TO_NEXT_MORNING[3:]]),
    # today
    ("1 day", "today", TODAY),
    ("1 day", "TODAY", TODAY),
    ("1 week", "today", TO_NEXT_MORNING),
    # upcoming: booked, not yet started, not used, not cancelled
    ("1 day", "upcoming", ["evening"]),
    ("1 month", "upcoming", ["evening", "after_midnight", "next_morning", "august"]),
    ("1 month", "Upcoming date=2019-07-13", ["after_midnight", "next_morning", "august"]),
    # skip_api / api_only
    ("1 month 5 days", "date=2019-07-12 skip_api", ["morning", "next_morning"]),
    (
        "1 month 5 days",
        "date=2019-07-12 api_only",
        ["evening", "cancelled", "after_midnight", "august"],
    ),
    ("1 day", "skip_api api_only", []),
    # customer:ID
    ("1 year", "date=2019-01-01 customer:{ann}", ANNS),
    ("1 year", "date=2019-01-01 customer:{bob}", BOBS),
    ("1 year", "date=2019-01-01 customer:{ann},{bob}", [s for s in ALL if s != "cancelled"]),
    ("1 day", "customer:{bob}", ["evening"]),
    # label:ID (a comma list is any of; two terms are both)
    ("1 year", "date=2019-01-01 label:{label_vip}", ["morning", "august"]),
    ("1 year", "date=2019-01-01 label:{label_party}", ["morning"]),
    ("1 year", "date=2019-01-01 label:{label_vip},{label_party}", ["morning", "august"]),
    ("1 year", "date=2019-01-01 label:{label_vip} label:{label_party}", ["morning"]),
    # uuid: a lookup, wherever the session is in time, unless a date is given too
    ("1 day", "uuid:{uuid_august}", ["august"]),
    ("1 day", "uuid:{uuid_june}", ["june"]),
    ("1 day", "date=2019-07-12 uuid:{uuid_august}", []),
    ("1 day", "date=2019-08-01 uuid:{uuid_august}", ["august"]),
    ("1 day", "uuid:{uuid_morning} uuid:{uuid_august}", ["morning", "august"]),
    # externaluuid: one or more
    ("1 day", "externaluuid:ext-1", ["evening"]),
    ("1 day", "externaluuid:ext-2", ["august"]),
    ("1 day", "externaluuid:ext-1 externaluuid:ext-2", ["evening", "august"]),
    ("1 day", "externaluuid:ext-1,ext-2", ["evening", "august"]),
    ("1 day", "externaluuid:nope", []),
    # free text: customer name, email, phone, and the session's own words
    ("1 year", "date=2019-01-01 smith", ANNS),
    ("1 year", "date=2019-01-01 Ann Smith", ANNS),
    ("1 year", "date=2019-01-01 ann@example.com", ANNS),
    ("1 year", "date=2019-01-01 example.org", BOBS),
    ("1 year", "date=2019-01-01 900111", ANNS),
    ("1 year", "date=2019-01-01 +1", BOBS),
    ("1 year", "date=2019-01-01 o'brien", BOBS),
    ("1 year", 'date=2019-01-01 "beat saber"', ["morning"]),
    ("1 year", "date=2019-01-01 arizona", ["evening"]),
    ("1 year", "date=2019-01-01 nobody", []),
    ("1 day", "smith", ["morning"]),
    # terms combine (AND)
    ("1 day 8 hours", "date=2019-07-12 api_only smith", ["after_midnight"]),
    ("1 year", "date=2019-01-01 skip_api customer:{ann} label:{label_vip}", ["morning"]),
    ("1 month", "upcoming api_only bob", ["evening", "august"]),
    # comments and phone only add columns
    ("1 day", "date=2019-07-12 comments phone", TODAY),
]


@pytest.mark.parametrize(("range_", "criteria", "expected"), TERMS)
def test_search_criteria(client, world, range_, criteria, expected):
    assert sessions(client, world, range_, fill(world, criteria)) == expected


def test_greater_and_less_than_sent_raw(client, world):
    path = f"/data/sessions/{world.key}/json/1 day/date>2019-07-12 date<2019-07-13"
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert world.uuid_names(response.json()) == TO_NEXT_MORNING


def test_another_workspace_sees_none_of_it(client, world):
    response = client.get(url("sessions", world.other_key, "json", "1 day", "date=2019-07-12"))
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 1 and rows[0]["external_uuid"] == "ext-1"
    assert rows[0]["uuid"] not in world.uuids.values()
    lookup = url("sessions", world.other_key, "json", "1 day", f"uuid:{world.uuids['morning']}")
    assert client.get(lookup).json() == []


# ---------------------------------------------------------------- JSON rows


def test_session_rows_have_stable_field_names_and_values(client, world):
    rows = get_json(client, world, "sessions", "1 day", "date=2019-07-12")
    assert [list(r) for r in rows] == [SESSION_FIELDS] * 3
    morning, evening, cancelled = rows
    assert morning == {
        "uuid": world.uuids["morning"],
        "external_uuid": None,
        "date": "2019-07-12",
        "time": "09:00",
        "duration": 60,
        "people": 2,
        "stations": 2,
        "experience": "Beat Saber",
        "venue": "Arena One",
        "status": "completed",
        "booked_online": False,
        "channel": "on-site",
        "customer_id": world.customers["ann"],
        "customer_name": "Ann Smith",
        "customer_email": "ann@example.com",
        "labels": sorted(world.labels.values()),
        "created": "2019-07-01T11:00:00+01:00",
    }
    assert evening["booked_online"] is True and evening["channel"] == "api"
    assert evening["external_uuid"] == "ext-1" and evening["time"] == "18:00"
    assert cancelled["customer_id"] is None and cancelled["customer_name"] is None


def test_local_date_and_time_across_midnight(client, world):
    (row,) = get_json(client, world, "sessions", "1 day", f"uuid:{world.uuids['after_midnight']}")
    assert (row["date"], row["time"]) == ("2019-07-13", "00:30")


def test_comments_and_phone_add_columns(client, world):
    plain = get_json(client, world, "sessions", "1 day", "date=2019-07-12")
    assert "comments" not in plain[0] and "customer_phone" not in plain[0]
    rows = get_json(client, world, "sessions", "1 day", "date=2019-07-12 comments")
    assert list(rows[0]) == [*SESSION_FIELDS, "comments"]
    assert [r["comments"] for r in rows] == ["birthday party", None, None]
    rows = get_json(client, world, "sessions", "1 day", "date=2019-07-12 phone")
    assert list(rows[0]) == [*SESSION_FIELDS[:15], "customer_phone", *SESSION_FIELDS[15:]]
    assert [r["customer_phone"] for r in rows] == ["+44 7700 900111", "+1 555 0100", None]
    both = get_json(client, world, "sessions", "1 day", "phone comments date=2019-07-12")
    assert "customer_phone" in both[0] and "comments" in both[0]


def test_a_quoted_flag_word_is_free_text(client, world):
    assert sessions(client, world, "1 year", 'date=2019-01-01 "upcoming"') == []


# ---------------------------------------------------------------- goods

GOODS_TERMS = [
    ("1 day", "date=2019-07-12", ["cola", "hour"]),
    ("1 day", "", ["cola", "hour"]),
    ("1 day", "today", ["cola", "hour"]),
    ("1 week", "date=2019-07-12", ["cola", "hour", "snacks"]),
    ("1 month", "date=2019-07-12", ["cola", "hour", "snacks", "poster"]),
    ("1 day 8 hours", "date=2019-07-12", ["cola", "hour"]),
    ("1 day 11 hours", "date=2019-07-12", ["cola", "hour", "snacks"]),
    ("1 day", "date>2019-07-13", ["snacks", "poster"]),
    ("1 day", "date<2019-07-12", ["cola", "hour"]),
    ("1 day", "crdate=2019-07-12", []),
    ("1 year", "date=2019-01-01 skip_api", ["cola", "snacks"]),
    ("1 year", "date=2019-01-01 api_only", ["hour", "poster"]),
    ("1 year", "date=2019-01-01 customer:{ann}", ["cola"]),
    ("1 year", "date=2019-01-01 customer:{bob}", ["hour", "snacks", "poster"]),
    ("1 day", "uuid:{uuid_evening}", ["hour"]),
    ("1 day", "uuid:{uuid_august}", ["poster"]),
    ("1 day", "externaluuid:ext-2", ["poster"]),
    ("1 day", "externaluuid:ext-1,ext-2", ["hour", "poster"]),
    ("1 year", "date=2019-01-01 ann@example.com", ["cola"]),
    ("1 year", "date=2019-01-01 o'brien", ["hour", "snacks", "poster"]),
    ("1 year", "date=2019-01-01 poster", ["poster"]),
    ("1 year", "date=2019-01-01 food", ["snacks"]),
    ("1 year", "date=2019-01-01 bob skip_api", ["snacks"]),
    ("1 day", "date=2019-07-12 comments phone", ["cola", "hour"]),
]


@pytest.mark.parametrize(("range_", "criteria", "expected"), GOODS_TERMS)
def test_goods_criteria(client, world, range_, criteria, expected):
    assert goods(client, world, range_, fill(world, criteria)) == expected


def test_goods_rows(client, world):
    rows = get_json(client, world, "goods", "1 day", "date=2019-07-12")
    assert [list(r) for r in rows] == [GOODS_FIELDS] * 2
    cola, hour = rows
    assert cola == {
        "id": world.sales["cola"],
        "item": "Cola",
        "category": "drinks",
        "quantity": 2,
        "price": 2.5,
        "total": 5.0,
        "currency": "GBP",
        "date": "2019-07-12",
        "time": "09:30",
        "sold_at": "2019-07-12T09:30:00+01:00",
        "session_uuid": world.uuids["morning"],
        "venue": "Arena One",
        "customer_id": world.customers["ann"],
        "customer_name": "Ann Smith",
        "customer_email": "ann@example.com",
    }
    assert hour["price"] == 25.0 and hour["session_uuid"] == world.uuids["evening"]
    phone = get_json(client, world, "goods", "1 day", "date=2019-07-12 phone")
    assert phone[0]["customer_phone"] == "+44 7700 900111"
    (snacks,) = get_json(client, world, "goods", "1 day", "date=2019-07-13")
    assert snacks["session_uuid"] is None


# ---------------------------------------------------------------- XLSX


def open_xlsx(client, world: World, endpoint: str, *rest: str):
    response = client.get(url(endpoint, world.key, "xlsx", *rest))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{endpoint}-2019-07-12.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_sessions_xlsx_is_a_typed_workbook(client, world):
    rows = open_xlsx(client, world, "sessions", "1 day", "date=2019-07-12 comments")
    header, morning, evening, cancelled = rows
    # Comments are a JSON-only extra, as the product documents.
    assert header == SESSION_FIELDS
    record = dict(zip(header, morning, strict=True))
    assert record["uuid"] == world.uuids["morning"]
    assert record["date"] == datetime(2019, 7, 12)
    assert record["time"] == "09:00"
    assert record["duration"] == 60 and isinstance(record["duration"], int)
    assert record["booked_online"] is False
    assert record["labels"] == ",".join(map(str, sorted(world.labels.values())))
    assert record["created"] == datetime(2019, 7, 1, 11, 0)  # wall time in London
    assert record["customer_name"] == "Ann Smith"
    assert dict(zip(header, evening, strict=True))["booked_online"] is True
    assert dict(zip(header, cancelled, strict=True))["customer_name"] is None


def test_sessions_xlsx_with_phone_and_no_rows(client, world):
    rows = open_xlsx(client, world, "sessions", "1 day", "date=2030-01-01 phone")
    assert rows == [[*SESSION_FIELDS[:15], "customer_phone", *SESSION_FIELDS[15:]]]


def test_goods_xlsx(client, world):
    header, cola, hour = open_xlsx(client, world, "goods", "1 day", "date=2019-07-12")
    assert header == GOODS_FIELDS
    record = dict(zip(header, cola, strict=True))
    assert record["price"] == 2.5 and record["total"] == 5
    assert record["sold_at"] == datetime(2019, 7, 12, 9, 30)
    assert record["quantity"] == 2
    assert dict(zip(header, hour, strict=True))["item"] == "VR Hour"
