"""OASIS pagination: next.after and previous.before walk every order, ties and nulls included."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.dialects.oasis.oasis_data import at, get, ids, make_store, make_store_session
from tests.factories import make_customer, make_key, make_workspace

# orderBy -> the factory column it sorts on.
ORDER_BY = {
    "id": "id",
    "code": "code",
    "storeId": "venue_id",
    "visitors": "visitors",
    "groupSize": "group_size",
    "expiresAt": "expires_at",
    "customerId": "customer_id",
    "codeLastSuccesfullyScannedAt": "code_last_scanned_at",
    "customerLastEnteredAt": "last_entered_at",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}
PAGE = 3


@pytest.fixture(scope="module")
def data(engine) -> dict[str, Any]:
    ws = make_workspace(engine)
    stores = [make_store(engine, ws), make_store(engine, ws), None]
    customers = [make_customer(engine, ws), make_customer(engine, ws), None]
    codes = ["CB", "CA", None, "CB", "CC"]
    visitors = [1, None, 0, 1, 2, 1]
    instants = [at(5, 9), None, at(5, 9), at(2, 8), at(9, 1)]
    rows = []
    for i in range(14):
        values = {
            "code": codes[i % 5],
            "venue_id": stores[i % 3],
            "visitors": visitors[i % 6],
            "group_size": visitors[(i + 2) % 6],
            "expires_at": instants[i % 5],
            "customer_id": customers[(i + 1) % 3],
            "code_last_scanned_at": instants[(i + 1) % 5],
            "last_entered_at": instants[(i + 3) % 5],
            # Not null: ties only.
            "created_at": instants[i % 5] or at(1),
            "updated_at": instants[(i + 2) % 5] or at(3),
        }
        values["id"] = make_store_session(engine, ws, **values)
        rows.append(values)
    _, key = make_key(engine, ws, permissions="sessions:read")
    return {"key": key, "rows": rows}


def expected(rows: list[dict[str, Any]], column: str, desc: bool) -> list[int]:
    # NULL is the smallest value; ties fall back to id in the same direction.
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row[column]
        return (value is not None, value if value is not None else 0, row["id"])

    ordered = sorted(rows, key=key)
    return [row["id"] for row in (reversed(ordered) if desc else ordered)]


def walk(client, key: str, base: dict[str, str], link: str, start: dict[str, Any]):
    """Follow pagination[link] from `start` until it is null: (pages in walk order, last body)."""
    pages, body = [], start
    while True:
        pages.append(ids_of(body))
        step = body["pagination"][link]
        if step is None:
            return pages, body
        assert step["count"] == int(base["count"])
        assert step["direction"] == base["direction"]
        cursor = "after" if link == "next" else "before"
        params = {**base, "count": str(step["count"]), cursor: step[cursor]}
        response = get(client, key, params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(pages) < 50, "the walk does not end"


def ids_of(body: dict[str, Any]) -> list[int]:
    return [int(row["id"]) for row in body["data"]]


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("order_by", list(ORDER_BY))
def test_walk_forward_then_back(client, data, order_by, direction):
    want = expected(data["rows"], ORDER_BY[order_by], direction == "desc")
    base = {"orderBy": order_by, "direction": direction, "count": str(PAGE)}
    first = get(client, data["key"], base).json()
    assert first["pagination"]["previous"] is None
    forward, last = walk(client, data["key"], base, "next", first)
    assert [i for page in forward for i in page] == want
    assert all(len(page) == PAGE for page in forward[:-1]) and forward[-1]
    backward, start = walk(client, data["key"], base, "previous", last)
    assert [i for page in reversed(backward) for i in page] == want
    assert backward[1:] == list(reversed(forward[:-1]))
    assert start["pagination"]["next"] is not None


def test_before_a_cursor_is_the_page_just_before_it(client, data):
    want = expected(data["rows"], "visitors", False)
    base = {"orderBy": "visitors", "direction": "asc", "count": "4"}
    body = get(client, data["key"], base).json()
    second = get(client, data["key"], {**base, "after": body["pagination"]["next"]["after"]})
    back = get(
        client,
        data["key"],
        {**base, "before": second.json()["pagination"]["previous"]["before"]},
    )
    assert ids_of(back.json()) == want[:4]
    assert back.json()["pagination"]["previous"] is None
    assert ids_of(second.json()) == want[4:8]


def test_cursor_serves_either_direction(client, data):
    asc = expected(data["rows"], "customer_id", False)
    body = get(client, data["key"], {"orderBy": "customerId", "count": "5"}).json()
    cursor = body["pagination"]["next"]["after"]
    # The same row, walking the other way: the rows before it, nearest first.
    down = get(client, data["key"], {"orderBy": "customerId", "direction": "desc", "after": cursor})
    assert ids(down) == list(reversed(asc[:4]))


@pytest.mark.parametrize("order_by", ["id", "visitors", "createdAt", "code"])
def test_after_and_before_take_a_plain_id(client, data, order_by):
    want = expected(data["rows"], ORDER_BY[order_by], False)
    pivot = want[6]
    after = get(client, data["key"], {"orderBy": order_by, "after": str(pivot), "count": "200"})
    assert ids(after) == want[7:]
    before = get(client, data["key"], {"orderBy": order_by, "before": str(pivot), "count": "3"})
    assert ids(before) == want[3:6]
    assert before.json()["pagination"]["previous"] is not None
    assert before.json()["pagination"]["next"] is not None


def test_after_an_id_that_is_gone_still_pages_by_id(client, data):
    every = expected(data["rows"], "id", False)
    assert ids(get(client, data["key"], {"after": "0", "count": "200"})) == every
    tail = get(client, data["key"], {"after": str(every[-1] + 1000)})
    assert tail.json() == {"data": [], "pagination": {"previous": None, "next": None}}


def test_cursor_survives_inserts(client, engine, data):
    ws = make_workspace(engine)
    first = [make_store_session(engine, ws, visitors=1) for _ in range(4)]
    _, key = make_key(engine, ws, permissions="sessions:read")
    body = get(client, key, {"orderBy": "visitors", "count": "2"}).json()
    assert ids_of(body) == first[:2]
    make_store_session(engine, ws, visitors=0)  # sorts before the cursor: not seen
    later = make_store_session(engine, ws, visitors=1)
    rest = get(client, key, {"orderBy": "visitors", "after": body["pagination"]["next"]["after"]})
    assert ids(rest) == [*first[2:], later]


def test_timestamps_are_milliseconds_utc(client, data):
    body = get(client, data["key"], {"orderBy": "createdAt", "direction": "desc"}).json()
    stamp = body["data"][0]["createdAt"]
    assert stamp.endswith("Z") and len(stamp) == 24
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) == at(9, 1)
