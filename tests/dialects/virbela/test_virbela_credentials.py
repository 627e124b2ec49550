"""Client credentials: V-Client-Id and V-Client-Secret, one pair per workspace."""

from __future__ import annotations

import re

import pytest

from tests.dialects.virbela.virbela_data import assert_error, assert_success, make_credentials
from tests.factories import make_key, make_workspace
from turnout.auth.keys import revoke_key
from turnout.dialects.virbela.routes import ROUTES


def _sample_path(path: str, slug: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: slug if m[0] == "{clientName}" else "x1", path)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_needs_the_client_credentials(client, engine, route):
    ws = make_workspace(engine)
    response = client.request(route.method, _sample_path(route.path, ws.slug), json={})
    body = assert_error(response, 401, "V-Client-Id")
    assert "V-Client-Id and V-Client-Secret" in body["detail"]


@pytest.mark.parametrize(
    "headers",
    [
        {"V-Client-Secret": "s"},
        {"V-Client-Id": "abc"},
        {"V-Client-Id": "", "V-Client-Secret": ""},
        {"V-Client-Id": "nosuchid0000", "V-Client-Secret": "nope"},
        {"V-Client-Id": "x" * 500, "V-Client-Secret": "y"},
    ],
)
def test_missing_or_unknown_credentials_are_401(client, headers):
    assert_error(client.get("/User", headers=headers), 401)


def test_header_names_are_case_insensitive(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    lower = {"v-client-id": creds.info.public_id, "v-client-secret": creds.secret}
    assert_success(client.get("/User", headers=lower))


def test_wrong_secret_is_401(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    headers = creds.headers | {"V-Client-Secret": creds.secret + "x"}
    assert_error(client.get("/User", headers=headers), 401, "api_key")


def test_a_native_key_is_not_a_virbela_credential(client, engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    headers = {"V-Client-Id": info.public_id, "V-Client-Secret": key.split("_", 2)[2]}
    body = assert_error(client.get("/User", headers=headers), 401, "V-Client-Id")
    assert "--dialect virbela" in body["detail"]


def test_new_credentials_stop_the_old_ones_at_once(client, engine):
    ws = make_workspace(engine)
    old = make_credentials(engine, ws)
    assert_success(client.get("/User", headers=old.headers))
    new = make_credentials(engine, ws)
    body = assert_error(client.get("/User", headers=old.headers), 401, "api_key")
    assert "revoked" in body["detail"]
    assert_success(client.get("/User", headers=new.headers))
    # Another workspace's pair is untouched.
    other = make_workspace(engine)
    theirs = make_credentials(engine, other)
    make_credentials(engine, ws)
    assert_success(client.get("/User", headers=theirs.headers))


def test_revoked_credentials_are_401(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    with engine.begin() as conn:
        revoke_key(conn, creds.info.public_id)
    assert_error(client.get("/User", headers=creds.headers), 401)


def test_credentials_without_the_permission_are_403(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws, permissions="customers:read")
    assert_success(client.get("/User", headers=creds.headers))
    response = client.post(
        "/User/Membership/suspend", headers=creds.headers, json={"email": "a@b.co"}
    )
    body = assert_error(response, 403, "permissions")
    assert "customers:write" in body["detail"]
    rooms = client.get(f"/Rooms/World/{ws.slug}", headers=creds.headers)
    assert_error(rooms, 403)


def test_unknown_paths_and_methods_answer_in_the_envelope(client, engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    assert_error(client.get("/User/Nothing/here/at/all", headers=creds.headers), 404)
    assert_error(client.delete("/User", headers=creds.headers), 405)
    assert_error(client.get("/Activity/Waitlist/Other", headers=creds.headers), 404)
    assert_error(client.get("/api/purchase", headers=creds.headers), 405)
