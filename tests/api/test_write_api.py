"""The v1 write API over HTTP on both backends: rules, errors, audit, idempotency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import make_key, make_session, make_venue, make_workspace
from turnout.db import schema


@pytest.fixture
def auth(engine, workspace) -> dict[str, str]:
    _, key = make_key(engine, workspace)
    return {"Authorization": f"Bearer {key}"}


def post(client: TestClient, path: str, body: Any, auth: dict[str, str], **kw: Any) -> Any:
    return client.post(path, json=body, headers=auth | kw.pop("headers", {}), **kw)


def count(engine, table: sa.Table, workspace) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).where(table.c.workspace_id == workspace.id)
        ).scalar_one()


def problem(response: Any) -> tuple[str, str]:
    first = response.json()["error"]["errors"][0]
    return first["field"], first["rule"]


# ---------------------------------------------------------------- venues


def test_venue_create_update_delete(client, auth, engine, workspace):
    made = post(client, "/v1/venues", {"kind": "hotspot", "name": "Lobby", "code": "L1"}, auth)
    assert made.status_code == 201, made.text
    venue = made.json()["data"]
    assert venue["name"] == "Lobby" and venue["kind"] == "hotspot"
    changed = client.patch(f"/v1/venues/{venue['id']}", json={"capacity": 40}, headers=auth)
    assert changed.status_code == 200
    assert changed.json()["data"]["capacity"] == 40
    assert changed.json()["data"]["updated_at"] >= venue["updated_at"]
    again = post(client, "/v1/venues", {"kind": "store", "name": "Other", "code": "L1"}, auth)
    assert again.status_code == 409 and problem(again) == ("code", "unique")
    gone = client.delete(f"/v1/venues/{venue['id']}", headers=auth)
    assert gone.status_code == 204
    assert client.get(f"/v1/venues/{venue['id']}", headers=auth).status_code == 404
    actions = [r["action"] for r in client.get("/v1/audit", headers=auth).json()["data"]]
    assert "venue.delete" in actions


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"name": "No kind"}, "kind", "required"),
        ({"kind": "castle", "name": "X"}, "kind", "one_of"),
        ({"kind": "store", "name": "X", "colour": "red"}, "colour", "unknown_field"),
        ({"kind": "store", "name": "X", "capacity": "many"}, "capacity", "int_parsing"),
        ({"kind": "store", "name": "X", "capacity": -1}, "capacity", "greater_than_equal"),
        ({"kind": "store", "name": "X", "timezone": "Mars/Olympus"}, "timezone", "invalid"),
        ({"kind": "store", "name": ""}, "name", "string_too_short"),
    ],
)
def test_bad_venue_bodies_name_field_and_rule(client, auth, engine, workspace, body, field, rule):
    response = post(client, "/v1/venues", body, auth)
    assert response.status_code == 400, response.text
    assert problem(response) == (field, rule)
    assert count(engine, schema.venues, workspace) == 0


def test_body_must_be_a_json_object(client, auth):
    raw = client.post("/v1/venues", content=b"{not json", headers=auth)
    assert raw.status_code == 400 and problem(raw) == ("body", "json")
    listed = client.post("/v1/venues", json=[1, 2], headers=auth)
    assert listed.status_code == 400 and problem(listed) == ("body", "object")


# ---------------------------------------------------------------- customers


def test_customer_email_is_unique_case_insensitively(client, auth, engine, workspace):
    first = post(client, "/v1/customers", {"email": "Ada@Example.com", "first_name": "Ada"}, auth)
    assert first.status_code == 201 and first.json()["meta"]["outcome"] == "created"
    same = post(client, "/v1/customers", {"email": "ada@example.com", "first_name": "Bob"}, auth)
    assert same.status_code == 200
    assert same.json()["meta"]["outcome"] == "unchanged"
    assert same.json()["data"]["first_name"] == "Ada"
    over = post(
        client,
        "/v1/customers?overwrite=true",
        {"email": "ADA@example.com", "first_name": "Bob"},
        auth,
    )
    assert over.json()["meta"]["outcome"] == "updated"
    assert over.json()["data"]["first_name"] == "Bob"
    assert over.json()["data"]["id"] == first.json()["data"]["id"]
    assert count(engine, schema.customers, workspace) == 1


def test_taken_display_name_gets_digits(client, auth):
    one = post(client, "/v1/customers", {"email": "a@example.com", "display_name": "Sam"}, auth)
    two = post(client, "/v1/customers", {"email": "b@example.com", "display_name": "Sam"}, auth)
    assert one.json()["data"]["display_name"] == "Sam"
    name = two.json()["data"]["display_name"]
    assert name.startswith("Sam") and name[3:].isdigit() and len(name) == 7


@pytest.mark.parametrize(
    ("team", "number"),
    [("A", 0), ("Z", 25), ("AA", 26), ("AZ", 51), ("BA", 52), ("BZ", 77), (3, 3)],
)
def test_team_letters_are_stored_as_numbers(client, auth, team, number):
    made = post(client, "/v1/customers", {"email": "t@example.com", "team": team}, auth)
    assert made.status_code == 201, made.text
    assert made.json()["data"]["team"] == number


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": "x@example.com", "role": "Admin"}, "role", "one_of"),
        ({"email": "x@example.com", "role": "boss"}, "role", "one_of"),
        ({"email": "x@example.com", "team": "CA"}, "team", "invalid"),
        ({"email": "x@example.com", "team": "a"}, "team", "invalid"),
        ({"email": "x@example.com", "team": 78}, "team", "invalid"),
        ({"email": "x@example.com", "status": "erased"}, "status", "one_of"),
        ({"email": "x@example.com", "nickname": "x"}, "nickname", "unknown_field"),
        ({"email": "x@example.com", "profile": {"shoe": 9}}, "profile.shoe", "defined"),
        ({"email": "x@example.com", "phone": "call me"}, "phone", "string_pattern_mismatch"),
    ],
)
def test_bad_customer_bodies(client, auth, engine, workspace, body, field, rule):
    response = post(client, "/v1/customers", body, auth)
    assert response.status_code == 400, response.text
    assert problem(response) == (field, rule)
    assert count(engine, schema.customers, workspace) == 0


def test_role_defaults_to_member_and_overwrite_must_be_boolean(client, auth):
    made = post(client, "/v1/customers", {"email": "m@example.com"}, auth)
    assert made.json()["data"]["role"] == "member"
    bad = post(client, "/v1/customers?overwrite=maybe", {"email": "n@example.com"}, auth)
    assert bad.status_code == 400 and problem(bad)[0] == "overwrite"


def test_suspend_reactivate_and_audit(client, auth):
    made = post(client, "/v1/customers", {"email": "s@example.com"}, auth).json()["data"]
    path = f"/v1/customers/{made['id']}"
    suspended = client.post(f"{path}/suspend", headers=auth)
    assert suspended.json()["data"]["status"] == "suspended"
    assert suspended.json()["data"]["suspended_at"] is not None
    active = client.post(f"{path}/reactivate", headers=auth)
    assert active.json()["data"]["status"] == "active"
    assert active.json()["data"]["suspended_at"] is None
    actions = [
        r["action"]
        for r in client.get("/v1/audit", params={"resource_id": made["id"]}, headers=auth).json()[
            "data"
        ]
    ]
    assert sorted(actions) == ["customer.reactivate", "customer.suspend"]


def test_erase_removes_personal_data_and_keeps_aggregates(client, auth, engine, workspace):
    made = post(
        client,
        "/v1/customers",
        {"email": "e@example.com", "first_name": "Eve", "phone": "+44 7700 900123"},
        auth,
    ).json()["data"]
    venue = make_venue(engine, workspace)
    for _ in range(3):
        make_session(engine, workspace, venue_id=venue, customer_id=made["id"])
    erased = client.delete(f"/v1/customers/{made['id']}", headers=auth)
    assert erased.status_code == 200 and erased.json()["erased"] is True
    row = client.get(f"/v1/customers/{made['id']}", headers=auth).json()["data"]
    assert row["status"] == "erased"
    assert all(row[k] is None for k in ("email", "first_name", "phone", "profile", "hardware"))
    sessions = client.get("/v1/sessions", params={"customer_id": made["id"]}, headers=auth)
    assert len(sessions.json()["data"]) == 3
    again = client.delete(f"/v1/customers/{made['id']}", headers=auth)
    assert again.json()["already_erased"] is True
    assert (
        client.patch(f"/v1/customers/{made['id']}", json={"title": "x"}, headers=auth).status_code
        == 409
    )
    unknown = client.delete("/v1/customers/999999", headers=auth)
    assert unknown.status_code == 404
    audit = client.get("/v1/audit", params={"action": "customer.erase"}, headers=auth).json()
    assert [r["resource_id"] for r in audit["data"]] == [str(made["id"])]


def test_profile_fields_and_profile_patch(client, auth):
    for name, kind in (("shoe", "integer"), ("nick", "string"), ("vip", "boolean")):
        made = post(client, "/v1/profile-fields", {"name": name, "type": kind}, auth)
        assert made.status_code == 201, made.text
    dup = post(client, "/v1/profile-fields", {"name": "shoe"}, auth)
    assert dup.status_code == 409
    customer = post(client, "/v1/customers", {"email": "p@example.com"}, auth).json()["data"]
    path = f"/v1/customers/{customer['id']}/profile"
    set_ = client.patch(path, json={"update": {"shoe": 42, "nick": "P"}}, headers=auth)
    assert set_.status_code == 200, set_.text
    assert set_.json()["data"]["profile"] == {"shoe": 42, "nick": "P"}
    wrong_type = client.patch(path, json={"update": {"shoe": "big"}}, headers=auth)
    assert wrong_type.status_code == 400 and problem(wrong_type) == ("update.shoe", "integer")
    undefined = client.patch(path, json={"update": {"hat": 1}}, headers=auth)
    assert undefined.status_code == 400 and problem(undefined) == ("update.hat", "defined")
    unset = client.patch(path, json={"unset": ["nick"], "update": {"vip": True}}, headers=auth)
    assert unset.json()["data"]["profile"] == {"shoe": 42, "vip": True}
    listed = client.get("/v1/profile-fields", headers=auth).json()["data"]
    shoe = next(f for f in listed if f["name"] == "shoe")
    assert client.delete(f"/v1/profile-fields/{shoe['id']}", headers=auth).status_code == 204


# ---------------------------------------------------------------- sessions


def test_session_create_with_labels_update_cancel(client, auth, engine, workspace):
    venue = make_venue(engine, workspace)
    body = {
        "venue_id": venue,
        "external_uuid": "ext-1",
        "channel": "online",
        "start_at": "2026-05-01T10:00:00Z",
        "duration_minutes": 60,
        "labels": ["vip", "birthday"],
        "comments": "bring cake",
    }
    made = post(client, "/v1/sessions", body, auth)
    assert made.status_code == 201, made.text
    session = made.json()["data"]
    assert session["channel"] == "online" and session["comments"] == "bring cake"
    labelled = client.get(f"/v1/sessions/{session['id']}?fields=label_ids", headers=auth)
    assert len(labelled.json()["data"]["label_ids"]) == 2
    names = {r["name"] for r in client.get("/v1/labels", headers=auth).json()["data"]}
    assert names == {"vip", "birthday"}
    again = post(client, "/v1/sessions", body, auth)
    assert again.status_code == 200 and again.json()["meta"]["created"] is False
    assert again.json()["data"]["id"] == session["id"]
    assert count(engine, schema.sessions, workspace) == 1
    path = f"/v1/sessions/{session['id']}"
    moved = client.patch(path, json={"start_at": "2026-05-02T10:00:00+02:00"}, headers=auth)
    assert moved.json()["data"]["start_at"] == "2026-05-02T08:00:00.000000Z"
    cancelled = client.post(f"{path}/cancel", headers=auth)
    assert cancelled.json()["data"]["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"venue_id": 999999}, "venue_id", "exists"),
        ({"channel": "fax"}, "channel", "one_of"),
        ({"start_at": "2026-05-01T10:00:00"}, "start_at", "timezone_aware"),
        ({"start_at": "yesterday"}, "start_at", "datetime_from_date_parsing"),
        (
            {"joined_at": "2026-05-01T10:00:00Z", "left_at": "2026-05-01T09:00:00Z"},
            "left_at",
            "after",
        ),
        ({"labels": [999999]}, "labels.0", "exists"),
        ({"people": 1.5}, "people", "int_from_float"),
    ],
)
def test_bad_session_bodies(client, auth, engine, workspace, body, field, rule):
    response = post(client, "/v1/sessions", body, auth)
    assert response.status_code == 400, response.text
    assert problem(response) == (field, rule)
    assert count(engine, schema.sessions, workspace) == 0


def test_other_workspaces_records_are_invisible_to_writes(client, auth, engine):
    other = make_workspace(engine)
    foreign_venue = make_venue(engine, other)
    foreign_session = make_session(engine, other, venue_id=foreign_venue)
    assert (
        client.patch(f"/v1/venues/{foreign_venue}", json={"capacity": 1}, headers=auth).status_code
        == 404
    )
    assert client.post(f"/v1/sessions/{foreign_session}/cancel", headers=auth).status_code == 404
    refused = post(client, "/v1/sessions", {"venue_id": foreign_venue}, auth)
    assert refused.status_code == 400 and problem(refused) == ("venue_id", "exists")


# ---------------------------------------------------------------- commerce and marketing


def test_sales_vouchers_campaigns_leads_events(client, auth):
    sale = post(
        client,
        "/v1/sales",
        {"item": "Soda", "quantity": 3, "unit_price": "1.25", "currency": "GBP"},
        auth,
    )
    assert sale.status_code == 201, sale.text
    assert sale.json()["data"]["amount"] == 3.75
    voucher = post(client, "/v1/vouchers", {"validity_days": 7, "max_devices": 2}, auth)
    code = voucher.json()["data"]["code"]
    assert len(code) == 10
    taken = post(client, "/v1/vouchers", {"code": code}, auth)
    assert taken.status_code == 409 and problem(taken) == ("code", "unique")
    assert (
        client.delete(f"/v1/vouchers/{voucher.json()['data']['id']}", headers=auth).status_code
        == 204
    )
    campaign = post(client, "/v1/campaigns", {"name": "Spring", "currency": "EUR"}, auth).json()
    lead = post(
        client,
        "/v1/leads",
        {"campaign_id": campaign["data"]["id"], "status": "valid", "revenue": "12.50"},
        auth,
    )
    assert lead.status_code == 201 and lead.json()["data"]["revenue"] == 12.5
    no_campaign = post(client, "/v1/leads", {"campaign_id": 999999}, auth)
    assert problem(no_campaign) == ("campaign_id", "exists")
    event = post(client, "/v1/events", {"type": "waitlist.called", "data": {"seconds": 30}}, auth)
    assert event.status_code == 201 and event.json()["data"]["data"] == {"seconds": 30}
    bad_event = post(client, "/v1/events", {"type": "Bad Type"}, auth)
    assert problem(bad_event) == ("type", "string_pattern_mismatch")


def test_text_longer_than_its_column_is_a_400(client, auth):
    response = post(client, "/v1/campaigns", {"name": "C", "status": "x" * 20}, auth)
    assert response.status_code == 400 and problem(response) == ("status", "max_length")


# ---------------------------------------------------------------- permissions and sync


def test_writes_need_the_write_permission(client, engine, workspace):
    _, key = make_key(engine, workspace, permissions="customers:read,sessions:read")
    headers = {"Authorization": f"Bearer {key}"}
    refused = client.post("/v1/customers", json={"email": "r@example.com"}, headers=headers)
    assert refused.status_code == 403
    assert client.get("/v1/audit", headers=headers).status_code == 403
    assert count(engine, schema.customers, workspace) == 0


def test_every_write_bumps_updated_at_for_incremental_sync(client, auth):
    made = post(client, "/v1/customers", {"email": "u@example.com"}, auth)
    snapshot = made.headers.get("X-Snapshot-Time") or made.json()["data"]["updated_at"]
    client.post(f"/v1/customers/{made.json()['data']['id']}/suspend", headers=auth)
    changed = client.get("/v1/customers", params={"updated_since": snapshot}, headers=auth)
    assert [r["id"] for r in changed.json()["data"]] == [made.json()["data"]["id"]]


# ---------------------------------------------------------------- idempotency


def test_idempotency_key_replays_the_first_answer(client, auth, engine, workspace):
    headers = {"Idempotency-Key": "order-1"}
    first = post(
        client,
        "/v1/sales",
        {"item": "Tea", "unit_price": "2", "currency": "GBP"},
        auth,
        headers=headers,
    )
    second = post(
        client,
        "/v1/sales",
        {"item": "Tea", "unit_price": "2", "currency": "GBP"},
        auth,
        headers=headers,
    )
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(engine, schema.sales, workspace) == 1
    other = post(
        client,
        "/v1/sales",
        {"item": "Coffee", "unit_price": "2", "currency": "GBP"},
        auth,
        headers=headers,
    )
    assert other.status_code == 409 and problem(other) == ("Idempotency-Key", "reused")
    assert count(engine, schema.sales, workspace) == 1


def test_failed_writes_are_not_remembered(client, auth, engine, workspace):
    headers = {"Idempotency-Key": "fix-and-retry"}
    bad = post(client, "/v1/sales", {"item": "Tea", "currency": "GBP"}, auth, headers=headers)
    assert bad.status_code == 400
    good = post(
        client,
        "/v1/sales",
        {"item": "Tea", "unit_price": "2", "currency": "GBP"},
        auth,
        headers=headers,
    )
    assert good.status_code == 201


def test_bad_idempotency_key_is_refused(client, auth):
    response = post(client, "/v1/sales", {}, auth, headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 400 and problem(response) == ("Idempotency-Key", "format")


def test_concurrent_duplicates_write_once(app, auth, engine, workspace):
    body = {"item": "Cake", "unit_price": "3.10", "currency": "GBP"}
    answers: list[Any] = []

    def send() -> None:
        with TestClient(app, client=("127.0.0.1", 50001)) as client:
            answers.append(
                post(client, "/v1/sales", body, auth, headers={"Idempotency-Key": "same"})
            )

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["data"]["id"] for a in answers}) == 1
    assert count(engine, schema.sales, workspace) == 1


def test_team_is_shown_both_ways_and_filterable_by_letters(client, auth):
    for email, team in (("a@example.com", "C"), ("b@example.com", "AZ"), ("c@example.com", "BA")):
        post(client, "/v1/customers", {"email": email, "team": team}, auth)
    rows = client.get("/v1/customers", params={"sort": "team"}, headers=auth).json()["data"]
    assert [(r["team"], r["team_letters"]) for r in rows] == [(2, "C"), (51, "AZ"), (52, "BA")]
    only = client.get("/v1/customers", params={"team_letters": "AZ"}, headers=auth).json()
    assert [r["team"] for r in only["data"]] == [51]
