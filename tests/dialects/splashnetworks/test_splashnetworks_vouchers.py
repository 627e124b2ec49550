"""POST /api/vouchers (form, JSON, multipart) and DELETE /api/vouchers/{id}, round trips."""

from __future__ import annotations

import pytest

from tests.dialects.splashnetworks.splash_data import (
    assert_error,
    get,
    headers,
    items,
    make_hotspot,
    post_voucher,
    voucher_codes,
)
from tests.factories import make_key, make_venue, make_workspace


@pytest.fixture
def key(engine, workspace) -> str:
    return make_key(engine, workspace)[1]


@pytest.fixture
def hotspot(engine, workspace) -> int:
    return make_hotspot(engine, workspace)


def test_create_with_the_required_fields_uses_unlimited_caps(client, key, hotspot):
    response = post_voucher(client, key, code="WELCOME", venue_id=str(hotspot))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["code"] == "WELCOME" and created["venue_id"] == hotspot
    assert created["number_of_days"] == 7
    assert (created["upspeed"], created["downspeed"], created["volumecap"]) == (0, 0, 0)
    assert created["max_devices"] == 0 and created["status"] == "active"
    (listed,) = items(get(client, "/api/vouchers", key))
    assert listed == created


def test_create_with_every_field_round_trips(client, key, hotspot):
    response = post_voucher(
        client,
        key,
        code="VIP-1",
        venue_id=hotspot,
        number_of_days=30,
        upspeed=10,
        downspeed=50,
        volumecap=5,
        max_devices=2,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["number_of_days"], body["upspeed"], body["downspeed"]) == (30, 10, 50)
    assert (body["volumecap"], body["max_devices"]) == (5, 2)
    assert voucher_codes(client, key) == ["VIP-1"]


def test_the_request_is_form_encoded(client, key, hotspot):
    response = client.post(
        "/api/vouchers",
        content=f"slug=default&code=FORM1&venue_id={hotspot}&number_of_days=1&upspeed=",
        headers={**headers(key), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["upspeed"] == 0  # empty means not given: unlimited


def test_a_json_body_is_accepted_too(client, key, hotspot):
    body = {
        "slug": "default",
        "code": "JSON1",
        "venue_id": hotspot,
        "number_of_days": 2,
        "max_devices": None,
    }
    response = client.post("/api/vouchers", json=body, headers=headers(key))
    assert response.status_code == 201, response.text
    assert response.json()["code"] == "JSON1"


def test_a_multipart_form_is_accepted_too(client, key, hotspot):
    fields = {"slug": "default", "code": "MULTI", "venue_id": str(hotspot), "number_of_days": "1"}
    response = client.post(
        "/api/vouchers", data=fields, files={"x": (None, "")}, headers=headers(key)
    )
    # A part without a filename is a plain field; "x" is unknown, so this is refused...
    assert_error(response, 400, "invalid_parameter", "x")
    files = {name: (None, value) for name, value in fields.items()}
    response = client.post("/api/vouchers", files=files, headers=headers(key))
    assert response.status_code == 201, response.text
    assert voucher_codes(client, key) == ["MULTI"]


def test_slug_may_come_in_the_query_string(client, key, hotspot, workspace):
    response = client.post(
        f"/api/vouchers?slug={workspace.slug}",
        data={"code": "QS", "venue_id": str(hotspot), "number_of_days": "1"},
        headers=headers(key),
    )
    assert response.status_code == 201, response.text


def test_delete_removes_the_voucher_and_returns_it(client, key, hotspot):
    created = post_voucher(client, key, code="GONE", venue_id=hotspot).json()
    kept = post_voucher(client, key, code="KEPT", venue_id=hotspot).json()
    response = client.delete(
        f"/api/vouchers/{created['id']}", params={"slug": "default"}, headers=headers(key)
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"message": "voucher deleted", "voucher": created}
    assert voucher_codes(client, key) == ["KEPT"]
    # The code is free again.
    assert post_voucher(client, key, code="GONE", venue_id=hotspot).status_code == 201
    assert kept["id"] != created["id"]


def test_delete_takes_the_seeds_page_parameters_and_ignores_them(client, key, hotspot):
    created = post_voucher(client, key, code="P1", venue_id=hotspot).json()
    response = client.delete(
        f"/api/vouchers/{created['id']}",
        params={"slug": "default", "page": "1", "per_page": "10"},
        headers=headers(key),
    )
    assert response.status_code == 200, response.text
    assert voucher_codes(client, key) == []


def test_the_same_code_in_another_workspace_is_fine(client, engine, key, hotspot):
    other = make_workspace(engine)
    other_key = make_key(engine, other)[1]
    other_hotspot = make_hotspot(engine, other)
    assert post_voucher(client, key, code="SAME", venue_id=hotspot).status_code == 201
    assert post_voucher(client, other_key, code="SAME", venue_id=other_hotspot).status_code == 201


def test_a_voucher_of_another_workspace_cannot_be_deleted(client, engine, key, hotspot):
    other = make_workspace(engine)
    other_key = make_key(engine, other)[1]
    theirs = post_voucher(
        client, other_key, code="THEIRS", venue_id=make_hotspot(engine, other)
    ).json()
    response = client.delete(
        f"/api/vouchers/{theirs['id']}", params={"slug": "default"}, headers=headers(key)
    )
    assert_error(response, 404, "not_found", "voucher_id")
    assert voucher_codes(client, other_key) == ["THEIRS"]


def test_a_store_venue_is_not_a_voucher_venue(client, engine, workspace, key):
    store = make_venue(engine, workspace, kind="store")
    response = post_voucher(client, key, code="STORE", venue_id=store)
    assert_error(response, 400, "invalid_parameter", "venue_id")
    assert voucher_codes(client, key) == []
