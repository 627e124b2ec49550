"""Every bad input the issue names: a clear JSON error, a fitting status, nothing written."""

from __future__ import annotations

import pytest

from tests.dialects.splashnetworks.splash_data import (
    assert_error,
    get,
    headers,
    make_hotspot,
    post_voucher,
    voucher_codes,
)
from tests.factories import make_key, make_workspace

LISTS = ("/api/customers", "/api/customer-visits", "/api/venues", "/api/vouchers")
DATED = ("/api/customers", "/api/customer-visits")


@pytest.fixture
def key(engine, workspace) -> str:
    return make_key(engine, workspace)[1]


@pytest.fixture
def hotspot(engine, workspace) -> int:
    return make_hotspot(engine, workspace)


# ---------------------------------------------------------------- keys and teams


@pytest.mark.parametrize("path", LISTS)
def test_a_missing_key_is_401(client, path):
    response = client.get(path, params={"slug": "default"})
    assert_error(response, 401, "unauthenticated", "X-API-Key")
    assert response.headers["WWW-Authenticate"] == "X-API-Key"


@pytest.mark.parametrize("value", ["", "   ", "nonsense", "tk_abc_def"])
def test_a_blank_malformed_or_unknown_key_is_401(client, value):
    response = client.get(
        "/api/customers", params={"slug": "default"}, headers={"X-API-Key": value}
    )
    assert_error(response, 401, "unauthenticated")


def test_the_key_goes_in_x_api_key_not_in_a_bearer_header(client, key):
    response = client.get(
        "/api/customers", params={"slug": "default"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert_error(response, 401, "unauthenticated", "X-API-Key")


@pytest.mark.parametrize(
    ("method", "path", "needs"),
    [
        ("GET", "/api/customers", "customers:read"),
        ("GET", "/api/customer-visits", "sessions:read"),
        ("GET", "/api/venues", "sessions:read"),
        ("GET", "/api/vouchers", "vouchers:read"),
        ("POST", "/api/vouchers", "vouchers:write"),
        ("DELETE", "/api/vouchers/1", "vouchers:write"),
    ],
)
def test_each_route_needs_its_permission(client, engine, workspace, method, path, needs):
    without = make_key(engine, workspace, permissions="leads:read")[1]
    response = client.request(method, path, params={"slug": "default"}, headers=headers(without))
    error = assert_error(response, 403, "permission_denied")
    assert needs in error["message"]
    with_it = make_key(engine, workspace, permissions=needs)[1]
    response = client.request(method, path, params={"slug": "default"}, headers=headers(with_it))
    assert response.status_code != 403, response.text


@pytest.mark.parametrize("path", LISTS)
def test_a_missing_slug_is_400(client, key, path):
    for params in ({}, {"slug": ""}, {"slug": "  "}, {"page": "1"}):
        assert_error(get(client, path, key, params), 400, "invalid_parameter", "slug")


@pytest.mark.parametrize("path", LISTS)
def test_another_workspaces_slug_is_403(client, engine, key, path):
    other = make_workspace(engine)
    error = assert_error(get(client, path, key, {"slug": other.slug}), 403, "permission_denied")
    assert error["errors"][0]["field"] == "slug"
    # A slug that names no workspace at all reads the same: nothing leaks either way.
    assert_error(get(client, path, key, {"slug": "no-such-team"}), 403, "permission_denied", "slug")


def test_a_repeated_slug_is_400(client, key):
    response = get(client, "/api/venues", key, [("slug", "default"), ("slug", "default")])
    assert_error(response, 400, "invalid_parameter", "slug")


# ---------------------------------------------------------------- paging and dates


@pytest.mark.parametrize("value", ["x", "1.5", "1e3", "two", "0x10", "1,2"])
def test_a_non_integer_page_or_per_page_is_400(client, key, value):
    for path in LISTS:
        for name in ("page", "per_page"):
            response = get(client, path, key, {"slug": "default", name: value})
            error = assert_error(response, 400, "invalid_parameter", name)
            assert error["errors"][0]["rule"] == "integer"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("per_page", "1001"),
        ("per_page", "0"),
        ("per_page", "-5"),
        ("page", "0"),
        ("page", "-1"),
        ("page", "99999999999999999999"),
    ],
)
def test_per_page_over_the_cap_and_pages_below_one_are_400(client, key, name, value):
    for path in LISTS:
        response = get(client, path, key, {"slug": "default", name: value})
        error = assert_error(response, 400, "invalid_parameter", name)
        assert error["errors"][0]["rule"] == "range"


def test_a_page_too_far_is_400_not_a_slow_scan(client, key):
    response = get(
        client, "/api/customers", key, {"slug": "default", "per_page": 1000, "page": 10**6}
    )
    assert_error(response, 400, "invalid_parameter", "page")


@pytest.mark.parametrize("path", DATED)
@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-05-02", "2024-05-01"), ("2024-05-01T10:00:00Z", "2024-05-01T09:59:59Z")],
)
def test_start_after_end_is_400(client, key, path, start, end):
    response = get(client, path, key, {"slug": "default", "start_date": start, "end_date": end})
    error = assert_error(response, 400, "invalid_parameter", "end_date")
    assert error["errors"][0]["rule"] == "order"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("start_date", "yesterday"),
        ("start_date", "2024-13-01"),
        ("end_date", "01/05/2024"),
        ("end_date", "2024-02-30"),
        ("start_date", "0000-01-01"),
        ("end_date", "9999-12-31"),
    ],
)
def test_a_bad_date_is_400(client, key, name, value):
    for path in DATED:
        response = get(client, path, key, {"slug": "default", name: value})
        assert_error(response, 400, "invalid_parameter", name)


@pytest.mark.parametrize("path", ["/api/venues", "/api/vouchers"])
def test_dates_are_not_parameters_of_venues_or_vouchers(client, key, path):
    response = get(client, path, key, {"slug": "default", "start_date": "2024-05-01"})
    assert_error(response, 400, "invalid_parameter", "start_date")


@pytest.mark.parametrize("path", LISTS)
def test_an_unknown_parameter_is_400(client, key, path):
    response = get(client, path, key, {"slug": "default", "pagesize": "10"})
    error = assert_error(response, 400, "invalid_parameter", "pagesize")
    assert error["errors"][0]["rule"] == "unknown_parameter"


# ---------------------------------------------------------------- creating vouchers


@pytest.mark.parametrize("missing", ["slug", "code", "venue_id", "number_of_days"])
def test_each_required_field_is_required(client, key, hotspot, missing):
    form = {"slug": "default", "code": "REQ", "venue_id": str(hotspot), "number_of_days": "1"}
    del form[missing]
    response = client.post("/api/vouchers", data=form, headers=headers(key))
    error = assert_error(response, 400, "invalid_parameter", missing)
    assert error["errors"][0]["rule"] == "required"
    form[missing] = ""
    response = client.post("/api/vouchers", data=form, headers=headers(key))
    assert_error(response, 400, "invalid_parameter", missing)
    assert voucher_codes(client, key) == []


def test_an_existing_code_is_409_and_changes_nothing(client, key, hotspot):
    first = post_voucher(client, key, code="DUP", venue_id=hotspot, upspeed=1)
    assert first.status_code == 201
    response = post_voucher(client, key, code="DUP", venue_id=hotspot, upspeed=9)
    error = assert_error(response, 409, "conflict", "code")
    assert error["errors"][0]["rule"] == "unique"
    (only,) = get(client, "/api/vouchers", key).json()["items"]
    assert only == first.json()


@pytest.mark.parametrize("venue", ["999999999", "9223372036854775807"])
def test_an_unknown_venue_is_400(client, key, venue):
    response = post_voucher(client, key, code="NOVENUE", venue_id=venue)
    error = assert_error(response, 400, "invalid_parameter", "venue_id")
    assert error["errors"][0]["rule"] == "exists"
    assert voucher_codes(client, key) == []


def test_a_venue_of_another_workspace_is_unknown(client, engine, key):
    theirs = make_hotspot(engine, make_workspace(engine))
    response = post_voucher(client, key, code="THEIRS", venue_id=theirs)
    assert_error(response, 400, "invalid_parameter", "venue_id")
    assert voucher_codes(client, key) == []


@pytest.mark.parametrize(("value", "rule"), [("-1", "range"), ("1.5", "integer"), ("x", "integer")])
def test_negative_or_non_integer_caps_are_400(client, key, hotspot, value, rule):
    for cap in ("upspeed", "downspeed", "volumecap", "max_devices"):
        response = post_voucher(client, key, code="CAP", venue_id=hotspot, **{cap: value})
        error = assert_error(response, 400, "invalid_parameter", cap)
        assert error["errors"][0]["rule"] == rule
    assert voucher_codes(client, key) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number_of_days", "0"),
        ("number_of_days", "-3"),
        ("number_of_days", "36501"),
        ("number_of_days", "seven"),
        ("venue_id", "0"),
        ("venue_id", "abc"),
        ("venue_id", "99999999999999999999"),
        ("upspeed", "2147483648"),
        ("code", "has space"),
        ("code", "x" * 65),
        ("code", "naïve"),
    ],
)
def test_other_bad_values_are_400_naming_the_seeds_field(client, key, hotspot, field, value):
    fields = {"code": "OK1", "venue_id": str(hotspot), field: value}
    response = post_voucher(client, key, **fields)
    assert_error(response, 400, "invalid_parameter", field)
    assert voucher_codes(client, key) == []


def test_an_unknown_field_is_400(client, key, hotspot):
    response = post_voucher(client, key, code="UNK", venue_id=hotspot, speed="5")
    error = assert_error(response, 400, "invalid_parameter", "speed")
    assert error["errors"][0]["rule"] == "unknown_field"


def test_another_workspaces_slug_on_create_is_403(client, engine, key, hotspot):
    other = make_workspace(engine)
    response = post_voucher(client, key, code="X1", venue_id=hotspot, slug=other.slug)
    assert_error(response, 403, "permission_denied", "slug")
    assert voucher_codes(client, key) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"slug=default&code=A"),
        ("application/xml", b"<voucher/>"),
        ("", b"slug=default"),
    ],
)
def test_other_body_formats_are_415(client, key, content_type, body):
    response = client.post(
        "/api/vouchers", content=body, headers={**headers(key), "Content-Type": content_type}
    )
    assert_error(response, 415, "unsupported_media_type", "Content-Type")
    assert voucher_codes(client, key) == []


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2]", b'"text"', b'{"code": true}', b'{"code": {"a": 1}}', b'{"code": [1]}'],
)
def test_a_bad_json_body_is_400(client, key, body):
    response = client.post(
        "/api/vouchers", content=body, headers={**headers(key), "Content-Type": "application/json"}
    )
    assert_error(response, 400, "invalid_parameter")
    assert voucher_codes(client, key) == []


def test_a_repeated_form_field_is_400(client, key, hotspot):
    body = f"slug=default&code=A&code=B&venue_id={hotspot}&number_of_days=1"
    response = client.post(
        "/api/vouchers",
        content=body,
        headers={**headers(key), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400, "invalid_parameter", "code")


def test_a_huge_body_is_413(client, key):
    response = client.post("/api/vouchers", data={"code": "A" * 70_000}, headers=headers(key))
    assert_error(response, 413, "too_large")


def test_an_empty_post_is_400_for_the_slug(client, key):
    assert_error(
        client.post("/api/vouchers", headers=headers(key)), 400, "invalid_parameter", "slug"
    )


# ---------------------------------------------------------------- deleting vouchers


@pytest.mark.parametrize("voucher_id", ["999999", "0", "abc", "1.5", "99999999999999999999", "-1"])
def test_deleting_an_unknown_voucher_is_404(client, key, hotspot, voucher_id):
    kept = post_voucher(client, key, code="KEEP", venue_id=hotspot)
    assert kept.status_code == 201
    response = client.delete(
        f"/api/vouchers/{voucher_id}", params={"slug": "default"}, headers=headers(key)
    )
    assert_error(response, 404, "not_found", "voucher_id")
    assert voucher_codes(client, key) == ["KEEP"]


def test_delete_checks_the_slug(client, engine, key, hotspot):
    created = post_voucher(client, key, code="SLUGGED", venue_id=hotspot).json()
    path = f"/api/vouchers/{created['id']}"
    assert_error(client.delete(path, headers=headers(key)), 400, "invalid_parameter", "slug")
    other = make_workspace(engine)
    response = client.delete(path, params={"slug": other.slug}, headers=headers(key))
    assert_error(response, 403, "permission_denied", "slug")
    assert voucher_codes(client, key) == ["SLUGGED"]


# ---------------------------------------------------------------- the rest of the surface


def test_an_unknown_method_and_path_use_the_same_envelope(client, key):
    response = client.put("/api/vouchers", headers=headers(key))
    assert_error(response, 405, "method_not_allowed")
    response = client.get("/api/vouchers/1/extra", headers=headers(key))
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    "query",
    [
        "slug=default&page=%00",
        "slug=%00",
        "slug=default&start_date=%00",
        "slug=default&end_date=2024-05-01T25:00",
        "slug=default&start_date=" + "9" * 5000,
        "slug=default&per_page=" + "9" * 5000,
        "slug=" + "x" * 5000,
    ],
)
def test_odd_input_is_never_a_500(client, key, query):
    for path in DATED:
        response = client.get(f"{path}?{query}", headers=headers(key))
        assert 400 <= response.status_code < 500, response.text
        assert list(response.json()) == ["error"]
