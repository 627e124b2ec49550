"""Every refusal under /restapi: LeadByte's failure envelope, a fitting status, never a 500."""

from __future__ import annotations

import pytest

from tests.dialects.leadbyte.leadbyte_data import BASE, JULY, make_campaign, reports_key
from tests.factories import make_key, make_workspace
from turnout.api.access_log import REDACTED, redact_query
from turnout.auth.keys import revoke_key


@pytest.fixture(scope="module")
def env(engine):
    ws = make_workspace(engine)
    campaign = make_campaign(engine, ws, name="Known")
    other_ws = make_workspace(engine)
    foreign = make_campaign(engine, other_ws, name="Someone else's")
    return {"ws": ws, "key": reports_key(engine, ws), "campaign": campaign, "foreign": foreign}


def assert_failure(response, status: int, field: str | None, words: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "Error"
    assert words in body["message"], body["message"]
    if field is not None:
        assert body["errors"][0]["field"] == field
    assert set(body) == {"status", "message", "errors"}
    return body


# (query after key=..., status, field named, words in the message)
BAD_INPUT = [
    ("from=yesterday&to=2020-07-31", 400, "from", "from must be a date"),
    ("from=2020-13-01&to=2020-12-31", 400, "from", "not a valid date"),
    ("from=2020-07-01T25:00:00Z", 400, "from", "not a valid date"),
    ("from=2020-07-01&to=31/07/2020", 400, "to", "to must be a date"),
    ("from=2020-07-01T00:00:00 01:00", 400, "from", "%2B"),
    ("from=", 400, "from", "from must be a date"),
    ("from=2020-07-31T00:00:00Z&to=2020-07-01T00:00:00Z", 400, "to", "must not be before"),
    ("from=2020-08-01&to=2020-07-31", 400, "to", "must not be before"),
    ("to=2020-07-31", 400, "from", "from is required"),
    ("from=2999-01-01", 400, "from", "before now"),
    ("datePreset=last_90d", 400, "datePreset", "unknown preset 'last_90d'"),
    ("datePreset=last_week", 400, "datePreset", "lastweek"),
    ("datePreset=", 400, "datePreset", "unknown preset"),
    ("datePreset=today&from=2020-07-01", 400, "datePreset", "cannot be combined with from"),
    ("datePreset=today&datePreset=yesterday", 400, "datePreset", "only once"),
    ("campaignId=abc", 400, "campaignId", "not an id"),
    ("campaignId=-3", 400, "campaignId", "not an id"),
    ("campaignId=0", 400, "campaignId", "not an id"),
    ("campaignId=99999999999999999999", 400, "campaignId", "not an id"),
    ("campaignId=", 400, "campaignId", "not an id"),
    ("campaignId=1&campaignId=2", 400, "campaignId", "only once"),
    ("supplierId=x", 400, "supplierId", "not an id"),
    ("campaignId=987654321", 404, "campaignId", "no campaign with id 987654321"),
    ("supplierId=987654321", 404, "supplierId", "no supplier with id 987654321"),
    ("campaignid=9", 400, "campaignid", "unknown parameter; accepted: key, from, to"),
    ("tz=UTC", 400, "tz", "unknown parameter"),
]


@pytest.mark.parametrize("report", ["campaign", "supplier"])
@pytest.mark.parametrize(("query", "status", "field", "words"), BAD_INPUT)
def test_bad_input(client, env, report, query, status, field, words):
    response = client.get(f"{BASE}/{report}?key={env['key']}&{query}")
    assert_failure(response, status, field, words)


def test_a_campaign_of_another_workspace_is_unknown(client, env):
    response = client.get(f"{BASE}/campaign?key={env['key']}&campaignId={env['foreign']}&{JULY}")
    assert_failure(response, 404, "campaignId", f"no campaign with id {env['foreign']}")


def test_unknown_report_type_names_the_types(client, env):
    response = client.get(f"{BASE}/buyer?key={env['key']}&{JULY}")
    body = assert_failure(response, 404, "report", "Unknown report type 'buyer'")
    assert "campaign, supplier" in body["message"]


def test_unknown_paths_and_methods_under_restapi(client, env):
    assert_failure(client.get(f"/restapi/v1.2/leads?key={env['key']}"), 404, None, "No such")
    assert_failure(client.get(f"{BASE}?key={env['key']}"), 404, None, "No such endpoint")
    response = client.post(f"{BASE}/campaign?key={env['key']}")
    assert_failure(response, 405, None, "Method not allowed")


def test_missing_key(client):
    body = assert_failure(client.get(f"{BASE}/campaign?{JULY}"), 401, "key", "key is required")
    assert body["errors"][0]["rule"] == "required"
    assert_failure(client.get(f"{BASE}/campaign?key=&{JULY}"), 401, "key", "key is required")
    assert_failure(client.get(f"{BASE}/nope?{JULY}"), 401, "key", "key is required")


@pytest.mark.parametrize("key", ["abc123456abcdef", "tk_live_nope.nope", "x" * 500])
def test_unknown_key(client, key):
    response = client.get(f"{BASE}/campaign?key={key}&{JULY}")
    body = assert_failure(response, 401, "key", "malformed or unknown")
    assert key not in response.text and body["errors"]


def test_key_given_twice(client, env):
    response = client.get(f"{BASE}/campaign?key={env['key']}&key={env['key']}&{JULY}")
    assert_failure(response, 401, "key", "once")


def test_revoked_key(client, engine, env):
    info, key = make_key(engine, env["ws"], permissions="reports:read")
    with engine.begin() as conn:
        revoke_key(conn, info.public_id)
    assert_failure(client.get(f"{BASE}/campaign?key={key}&{JULY}"), 401, None, "")


def test_key_without_the_reports_permission(client, engine, env):
    _, key = make_key(engine, env["ws"], permissions="leads:read")
    response = client.get(f"{BASE}/campaign?key={key}&{JULY}")
    assert_failure(response, 403, "permissions", "reports:read")
    _, all_key = make_key(engine, env["ws"], permissions="all")
    assert client.get(f"{BASE}/campaign?key={all_key}&{JULY}").status_code == 200


def test_key_in_the_x_key_header(client, env):
    response = client.get(f"{BASE}/campaign?{JULY}", headers={"X_KEY": env["key"]})
    assert response.status_code == 200 and response.json()["status"] == "Success"


def test_the_key_is_redacted_in_the_access_log():
    logged = redact_query("key=abc123456abcdef&campaignId=9&from=2020-07-01T00:00:00Z")
    assert "abc123456abcdef" not in logged
    assert f"key={REDACTED}".replace("[", "%5B").replace("]", "%5D") in logged
    assert "campaignId=9" in logged


def test_a_timeout_is_a_503_in_the_envelope(client, app, env, monkeypatch):
    from turnout.core.errors import Unavailable
    from turnout.dialects.leadbyte import views

    def too_slow(*args, **kwargs):
        raise Unavailable("the report did not finish within 1 seconds; narrow the window")

    monkeypatch.setattr(views, "run_report", too_slow)
    response = client.get(f"{BASE}/campaign?key={env['key']}&{JULY}")
    assert_failure(response, 503, None, "did not finish")


def test_a_bug_is_a_bare_500_in_the_envelope(engine, env, monkeypatch):
    from fastapi.testclient import TestClient

    from turnout.api.app import create_app
    from turnout.config import Settings
    from turnout.dialects.leadbyte import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views, "run_report", broken)
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(f"{BASE}/campaign?key={env['key']}&{JULY}")
    body = assert_failure(response, 500, None, "Internal server error")
    assert "secret" not in response.text and body["errors"] == []


def test_dates_far_out_are_refused_not_crashed(client, env):
    response = client.get(f"{BASE}/campaign?key={env['key']}&from=0001-01-01&to=9999-12-31")
    assert response.status_code in (200, 400)
    assert response.json()["status"] in ("Success", "Error")
    assert client.get(f"{BASE}/campaign?key={env['key']}&{JULY}").status_code == 200
