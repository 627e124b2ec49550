"""Bad input and bad keys under /data: one JSON error shape, never a 500, never the key."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from tests.dialects.synthesisvr.svr_world import World, url
from tests.factories import make_key
from turnout.api.access_log import redact_path
from turnout.auth.keys import revoke_key


def assert_error(response, status: int, kind: str, secret: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "type", "message", "errors"}
    assert error["status"] == status and error["type"] == kind and error["message"]
    for problem in error["errors"]:
        assert set(problem) == {"field", "rule", "message"}
    assert secret not in response.text
    return error


@pytest.mark.parametrize(
    ("range_", "criteria", "field", "rule"),
    [
        ("five days", "date=2019-07-12", "range", "duration"),
        ("1 fortnight", "date=2019-07-12", "range", "duration"),
        ("0 days", "date=2019-07-12", "range", "duration"),
        ("1.5 days", "date=2019-07-12", "range", "duration"),
        ("day", "date=2019-07-12", "range", "duration"),
        ("1 day 1 day", "date=2019-07-12", "range", "duration"),
        ("-1 day", "date=2019-07-12", "range", "duration"),
        ("101 years", "date=2019-07-12", "range", "bounds"),
        ("1 fortnight", "uuid:abc", "range", "duration"),  # refused even when unused
        ("1 day", "date=2019-13-45", "date", "date_format"),
        ("1 day", "date=yesterday", "date", "date_format"),
        ("1 day", "date=12/07/2019", "date", "date_format"),
        ("1 day", "date>2019/07/12", "date>", "date_format"),
        ("1 day", "date<tomorrow", "date<", "date_format"),
        ("1 day", "crdate=nope", "crdate", "date_format"),
        ("1 day", "date!=2019-07-12", "criteria", "unknown_operator"),
        ("1 day", "date=2019-07-12 date=2019-07-13", "criteria", "single"),
        ("1 day", "date=2019-07-12 crdate=2019-07-12", "criteria", "single"),
        ("1 day", "date=2019-07-12 today", "criteria", "exclusive"),
        ("1 day", "foo:bar", "criteria", "unknown_key"),
        ("1 day", "venue:1", "criteria", "unknown_key"),
        ("1 day", "status=booked", "criteria", "unknown_key"),
        ("1 day", "customer:abc", "customer:", "integer"),
        ("1 day", "customer:99999999999999999999", "customer:", "integer"),
        ("1 day", "customer>5", "criteria", "unknown_operator"),
        ("1 day", "label:vip", "label:", "integer"),
        ("1 day", "uuid:", "criteria", "missing_value"),
        ("1 day", 'uuid:""', "criteria", "missing_value"),
        ("1 day", '"unterminated', "criteria", "unterminated_quote"),
        ("1 day", "x" * 1001, "criteria", "max_length"),
    ],
)
def test_bad_range_and_criteria_are_400(client, world, range_, criteria, field, rule):
    response = client.get(url("sessions", world.key, "json", range_, criteria))
    error = assert_error(response, 400, "invalid_parameter", world.key)
    assert (error["errors"][0]["field"], error["errors"][0]["rule"]) == (field, rule)


@pytest.mark.parametrize(
    ("criteria", "field"),
    [("label:1", "label:"), ("upcoming", "criteria"), ("foo:bar", "criteria")],
)
def test_session_only_terms_on_goods_are_400(client, world, criteria, field):
    response = client.get(url("goods", world.key, "json", "1 day", criteria))
    error = assert_error(response, 400, "invalid_parameter", world.key)
    assert error["errors"][0]["field"] == field


@pytest.mark.parametrize("kind", ["csv", "xml", "ndjson", "update", ""])
def test_unknown_type_is_400(client, world, kind):
    response = client.get(f"/data/sessions/{world.key}/{kind or '%20'}/1 day/date=2019-07-12")
    error = assert_error(response, 400, "invalid_parameter", world.key)
    assert error["errors"][0]["field"] == "type"


@pytest.mark.parametrize(
    "path",
    [
        "/data/visits/{key}/json/1 day/date=2019-07-12",
        "/data/session/{key}/json/1 day",
        "/data/sessions/{key}",
        "/data/customers/{key}/xlsx",
        "/data",
        "/data/",
    ],
)
def test_unknown_endpoint_is_404(client, world, path):
    response = client.get(path.format(key=world.key))
    error = assert_error(response, 404, "not_found", world.key)
    assert "/data/sessions/<API_KEY>" in error["message"]


def test_wrong_method_is_405(client, world):
    response = client.post(url("sessions", world.key, "json", "1 day", "date=2019-07-12"))
    assert_error(response, 405, "method_not_allowed", world.key)


@pytest.mark.parametrize(
    "key",
    [
        "11111111-1111-1111-1111-111111111111",  # the seed's example key
        "tk_aaaaaaaaaaaa_not-a-real-secret-at-all-but-long-enough-000000",
        "tk_",
        "nope",
        "' OR 1=1 --",
        "%00",
    ],
)
def test_unknown_keys_are_401_and_never_echoed(client, world, key):
    for endpoint in ("sessions", "goods"):
        response = client.get(url(endpoint, key, "json", "1 day", "date=2019-07-12"))
        error = assert_error(response, 401, "unauthenticated", key)
        assert error["errors"][0]["field"] == "api_key"
    response = client.get(url("customers", key, "json"))
    assert_error(response, 401, "unauthenticated", key)


def test_bad_input_with_a_bad_key_is_401_first(client, world):
    response = client.get(url("sessions", "nope", "json", "five days", "foo:bar"))
    assert_error(response, 401, "unauthenticated", "nope")


def test_revoked_and_expired_keys_are_401(client, engine, world):
    info, key = make_key(engine, world.ws)
    path = url("sessions", key, "json", "1 day", "date=2019-07-12")
    assert client.get(path).status_code == 200
    with engine.begin() as conn:
        revoke_key(conn, info.public_id)
    error = assert_error(client.get(path), 401, "unauthenticated", key)
    assert error["errors"][0]["rule"] == "revoked"
    _, expired = make_key(engine, world.ws, expires_at=datetime.now(UTC) + timedelta(seconds=1))
    import time

    time.sleep(1.1)
    path = url("goods", expired, "xlsx", "1 day")
    error = assert_error(client.get(path), 401, "unauthenticated", expired)
    assert error["errors"][0]["rule"] == "expired"


@pytest.mark.parametrize(
    ("permissions", "endpoint", "status"),
    [
        ("sessions:read", "sessions", 200),
        ("sessions:read", "goods", 403),
        ("sales:read", "goods", 200),
        ("sales:read", "sessions", 403),
        ("customers:read", "sessions", 403),
        ("customers:read", "goods", 403),
        ("customers:read,sessions:read,sales:read", "sessions", 200),
        ("customers:read,sessions:read,sales:read", "goods", 200),
        ("sessions:write", "sessions", 403),
        ("all", "goods", 200),
    ],
)
def test_permission_matrix(client, engine, world, permissions, endpoint, status):
    _, key = make_key(engine, world.ws, permissions=permissions.split(","))
    for kind in ("json", "xlsx"):
        response = client.get(url(endpoint, key, kind, "1 day", "date=2019-07-12"))
        if status == 200:
            assert response.status_code == 200, response.text
        else:
            error = assert_error(response, status, "permission_denied", key)
            assert error["errors"][0]["field"] == "permissions"


def test_disallowed_ip_is_403(client, engine, world):
    _, key = make_key(engine, world.ws, allowed_ips=["203.0.113.0/24"])
    response = client.get(url("sessions", key, "json", "1 day"))
    assert_error(response, 403, "permission_denied", key)


def test_keys_in_paths_never_reach_the_access_log(client, world, caplog):
    caplog.set_level(logging.INFO, logger="turnout.access")
    seed_key = "11111111-1111-1111-1111-111111111111"
    paths = [
        url("sessions", world.key, "json", "1 day", "date=2019-07-12"),
        url("sessions", seed_key, "json", "1 day", "date=2019-07-12"),
        url("goods", world.key, "xlsx", "five days"),
        url("customers", world.key, "csv", "id,email"),
        f"/data/visits/{seed_key}/json",
        f"/DATA/Sessions/{seed_key}/json",
    ]
    for path in paths:
        client.get(path)
    text = caplog.text
    assert world.key not in text and seed_key not in text
    assert text.count("[redacted]") >= len(paths)


def test_redact_path_hides_the_key_segment_whatever_its_shape():
    assert redact_path("/data/sessions/secret-ish/json/1 day") == (
        "/data/sessions/[redacted]/json/1 day"
    )
    assert redact_path("/data") == "/data"
    assert redact_path("/v1/sessions/12") == "/v1/sessions/12"


def test_no_generated_nonsense_is_a_500(client, world: World):
    for rest in ("%", "%%", "\u00e9\u00e8", "date=\x01", "date=2019-07-12\t\n", "a" * 900, "\\"):
        response = client.get(url("sessions", world.key, "json", "1 day", rest))
        assert response.status_code in (200, 400), (rest, response.text)
        assert world.key not in response.text
