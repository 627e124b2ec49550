"""The four lists: items, the page shape, page/per_page, start_date/end_date, the team."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dialects.splashnetworks.splash_data import (
    at,
    get,
    ids,
    items,
    make_hotspot,
    make_visit,
)
from tests.factories import make_customer, make_key, make_session, make_venue, make_workspace
from turnout.db.schema import customers, vouchers

LISTS = ("/api/customers", "/api/customer-visits", "/api/venues", "/api/vouchers")


def _insert_voucher(engine, workspace, **values) -> int:
    now = datetime.now(UTC)
    row = {"workspace_id": workspace.id, "created_at": now, "updated_at": now, **values}
    with engine.begin() as conn:
        return int(conn.execute(vouchers.insert().values(row).returning(vouchers.c.id)).scalar())


def _set_created(engine, customer_id: int, when: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            customers.update().where(customers.c.id == customer_id).values(created_at=when)
        )


@pytest.fixture
def key(engine, workspace) -> str:
    return make_key(engine, workspace)[1]


@pytest.mark.parametrize("path", LISTS)
def test_an_empty_list_has_the_page_shape(client, key, path):
    response = get(client, path, key)
    assert response.json() == {"items": [], "total": 0, "page": 1, "per_page": 20, "pages": 0}


def test_customers_render_their_fields(client, engine, workspace, key):
    cid = make_customer(
        engine,
        workspace,
        email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        phone="+44 20 7946 0000",
        source="wifi",
        profile={"postcode": "N1"},
    )
    (item,) = items(get(client, "/api/customers", key))
    assert item["id"] == cid
    assert item["email"] == "ann@example.com"
    assert (item["first_name"], item["last_name"]) == ("Ann", "Lee")
    assert item["phone"] == "+44 20 7946 0000"
    assert item["source"] == "wifi"
    assert item["profile"] == {"postcode": "N1"}
    assert item["status"] == "active"
    assert item["created_at"].endswith("Z") and "." not in item["created_at"]


def test_customer_visits_are_hotspot_sessions_with_device_info(client, engine, workspace, key):
    hotspot = make_hotspot(engine, workspace, name="Lobby Wi-Fi")
    arena = make_venue(engine, workspace, kind="arena")
    cid = make_customer(engine, workspace, first_name="Ann", last_name="Lee", email="a@x.io")
    visit = make_visit(
        engine,
        workspace,
        venue_id=hotspot,
        customer_id=cid,
        joined_at=at(1, 10),
        left_at=at(1, 10, 45),
    )
    make_session(engine, workspace, venue_id=arena, joined_at=at(1, 11))
    make_session(engine, workspace, venue_id=None, joined_at=at(1, 12))
    (item,) = items(get(client, "/api/customer-visits", key))
    assert item == {
        "id": visit,
        "customer_id": cid,
        "customer_name": "Ann Lee",
        "customer_email": "a@x.io",
        "customer_phone": item["customer_phone"],
        "venue_id": hotspot,
        "venue_name": "Lobby Wi-Fi",
        "status": "completed",
        "login_at": "2024-05-01T10:00:00Z",
        "logout_at": "2024-05-01T10:45:00Z",
        "duration_seconds": 2700,
        "mac_address": "02:00:00:aa:bb:cc",
        "device_type": "phone",
        "os": "Android",
        "browser": "Chrome",
        "data_mb": 42,
    }


def test_an_open_or_anonymous_visit_has_nulls(client, engine, workspace, key):
    hotspot = make_hotspot(engine, workspace)
    make_visit(engine, workspace, venue_id=hotspot, joined_at=at(2, 9), attributes=None)
    (item,) = items(get(client, "/api/customer-visits", key))
    assert item["customer_id"] is None and item["customer_name"] is None
    assert item["logout_at"] is None and item["duration_seconds"] is None
    assert item["status"] == "active"
    assert item["mac_address"] is None and item["data_mb"] is None


def test_visits_come_in_login_order(client, engine, workspace, key):
    hotspot = make_hotspot(engine, workspace)
    late = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(3, 9))
    early = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 9))
    tie = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 9))
    assert ids(get(client, "/api/customer-visits", key)) == [early, tie, late]


def test_venues_are_the_hotspots(client, engine, workspace, key):
    hotspot = make_hotspot(
        engine,
        workspace,
        name="Cafe",
        code="CAFE",
        group_name="North",
        capacity=40,
        timezone="Europe/London",
        address={"city": "Leeds"},
    )
    make_venue(engine, workspace, kind="store")
    (item,) = items(get(client, "/api/venues", key))
    assert item["id"] == hotspot
    assert (item["name"], item["code"], item["group_name"]) == ("Cafe", "CAFE", "North")
    assert (item["capacity"], item["status"], item["timezone"]) == (40, "open", "Europe/London")
    assert item["address"] == {"city": "Leeds"}


def test_vouchers_render_with_the_seed_names(client, engine, workspace, key):
    hotspot = make_hotspot(engine, workspace)
    vid = _insert_voucher(
        engine,
        workspace,
        venue_id=hotspot,
        code="SUMMER",
        validity_days=3,
        upspeed_mbps=5,
        downspeed_mbps=20,
        volume_cap_gb=2,
        max_devices=3,
    )
    (item,) = items(get(client, "/api/vouchers", key))
    assert item["id"] == vid
    assert item["code"] == "SUMMER" and item["venue_id"] == hotspot
    assert item["number_of_days"] == 3
    assert (item["upspeed"], item["downspeed"], item["volumecap"], item["max_devices"]) == (
        5,
        20,
        2,
        3,
    )
    assert item["status"] == "active"


def test_pages_carry_total_page_per_page_and_pages(client, engine, workspace, key):
    made = [make_customer(engine, workspace) for _ in range(5)]
    first = get(client, "/api/customers", key, {"slug": "default", "per_page": "2"})
    assert first.json()["total"] == 5 and first.json()["pages"] == 3
    assert first.json()["page"] == 1 and first.json()["per_page"] == 2
    pages = [
        ids(get(client, "/api/customers", key, {"slug": "default", "per_page": 2, "page": n}))
        for n in (1, 2, 3)
    ]
    assert pages == [made[0:2], made[2:4], made[4:5]]
    beyond = get(client, "/api/customers", key, {"slug": "default", "per_page": 2, "page": 9})
    assert beyond.json() == {"items": [], "total": 5, "page": 9, "per_page": 2, "pages": 3}


@pytest.mark.parametrize("path", LISTS)
def test_per_page_and_page_work_on_every_list(client, engine, workspace, key, path):
    hotspot = make_hotspot(engine, workspace)
    for n in range(3):
        make_customer(engine, workspace)
        make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, n))
        _insert_voucher(engine, workspace, venue_id=hotspot, code=f"C{n}")
        make_hotspot(engine, workspace)
    body = get(client, path, key, {"slug": "default", "per_page": "2", "page": "2"}).json()
    assert body["page"] == 2 and body["per_page"] == 2
    assert body["total"] >= 3 and len(body["items"]) == min(2, body["total"] - 2)
    assert body["pages"] == -(-body["total"] // 2)


def test_per_page_up_to_the_cap_and_empty_values_mean_defaults(client, engine, workspace, key):
    make_customer(engine, workspace)
    full = get(client, "/api/customers", key, {"slug": "default", "per_page": "1000"})
    assert full.json()["per_page"] == 1000
    blank = {"slug": "default", "per_page": "", "page": "", "start_date": "", "end_date": ""}
    body = get(client, "/api/customers", key, blank).json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)


def test_customer_dates_bound_created_at_inclusive_of_the_end_day(client, engine, workspace, key):
    before = make_customer(engine, workspace)
    first = make_customer(engine, workspace)
    last = make_customer(engine, workspace)
    after = make_customer(engine, workspace)
    # Europe/London is UTC+1 in May: local days start at 23:00 UTC the day before.
    _set_created(engine, before, at(30, 22, 59, month=4))
    _set_created(engine, first, at(30, 23, 0, month=4))
    _set_created(engine, last, at(2, 22, 59))
    _set_created(engine, after, at(2, 23, 0))
    dates = {"slug": "default", "start_date": "2024-05-01", "end_date": "2024-05-02"}
    assert ids(get(client, "/api/customers", key, dates)) == [first, last]
    since = {"slug": "default", "start_date": "2024-05-03"}
    assert ids(get(client, "/api/customers", key, since)) == [after]
    till = {"slug": "default", "end_date": "2024-04-30"}
    assert ids(get(client, "/api/customers", key, till)) == [before]


def test_visit_dates_use_the_workspace_zone(client, engine):
    workspace = make_workspace(engine, timezone="America/New_York")
    key = make_key(engine, workspace)[1]
    hotspot = make_hotspot(engine, workspace)
    early = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 3, 59))  # Apr 30
    start = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 4, 0))  # May 1
    end = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(2, 3, 59))  # May 1
    make_visit(engine, workspace, venue_id=hotspot, joined_at=at(2, 4, 0))  # May 2
    one_day = {"slug": "default", "start_date": "2024-05-01", "end_date": "2024-05-01"}
    assert ids(get(client, "/api/customer-visits", key, one_day)) == [start, end]
    till = {"slug": "default", "end_date": "2024-04-30"}
    assert ids(get(client, "/api/customer-visits", key, till)) == [early]


def test_datetimes_are_exact_and_the_end_instant_is_included(client, engine, workspace, key):
    hotspot = make_hotspot(engine, workspace)
    make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 9, 59))
    ten = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 10))
    eleven = make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 11))
    make_visit(engine, workspace, venue_id=hotspot, joined_at=at(1, 11, 1))
    window = {
        "slug": "default",
        "start_date": "2024-05-01T10:00:00Z",
        "end_date": "2024-05-01T11:00:00Z",
    }
    assert ids(get(client, "/api/customer-visits", key, window)) == [ten, eleven]
    # Without an offset a datetime is wall time in the workspace's zone (UTC+1 here).
    local = {"slug": "default", "start_date": "2024-05-01 12:00", "end_date": "2024-05-01 12:00"}
    assert ids(get(client, "/api/customer-visits", key, local)) == [eleven]


def test_slug_may_be_the_workspace_slug_or_default(client, engine, workspace, key):
    cid = make_customer(engine, workspace)
    assert ids(get(client, "/api/customers", key, {"slug": workspace.slug})) == [cid]
    assert ids(get(client, "/api/customers", key, {"slug": "default"})) == [cid]


def test_rows_of_other_workspaces_never_show(client, engine, workspace, key):
    other = make_workspace(engine)
    hotspot = make_hotspot(engine, other)
    make_customer(engine, other)
    make_visit(engine, other, venue_id=hotspot, joined_at=at(1, 9))
    _insert_voucher(engine, other, venue_id=hotspot, code="THEIRS")
    for path in LISTS:
        assert get(client, path, key).json()["total"] == 0, path
