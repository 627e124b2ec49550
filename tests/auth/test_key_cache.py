"""The verified-key cache: what a hit still checks, and how long a change takes to show."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import make_key, make_workspace
from turnout.api.app import create_app
from turnout.auth.cache import KeyCache
from turnout.auth.keys import StoredKey, check_key, load_key, revoke_key
from turnout.auth.secrets import split_key
from turnout.config import Settings
from turnout.core.clock import utcnow
from turnout.core.errors import PermissionDenied, Unauthenticated
from turnout.db.schema import api_keys


def client_for(engine, ttl: float) -> TestClient:
    settings = Settings(database_url=str(engine.url), key_cache_seconds=ttl)
    return TestClient(create_app(settings, engine=engine), client=("127.0.0.1", 50000))


def me(client: TestClient, key: str) -> int:
    return client.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code


def revoke_behind_the_apps_back(engine, key: str) -> None:
    public_id, _ = split_key(key)
    with engine.begin() as conn:
        conn.execute(
            api_keys.update().where(api_keys.c.public_id == public_id).values(revoked_at=utcnow())
        )


def test_a_hit_reuses_the_row_until_the_ttl_runs_out(engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws)
    with client_for(engine, ttl=0.3) as client:
        assert me(client, key) == 200
        revoke_behind_the_apps_back(engine, key)
        assert me(client, key) == 200  # the remembered row, within the ttl
        time.sleep(0.35)
        assert me(client, key) == 401


def test_ttl_zero_reads_the_row_every_time(engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws)
    with client_for(engine, ttl=0) as client:
        assert me(client, key) == 200
        revoke_behind_the_apps_back(engine, key)
        assert me(client, key) == 401


def test_revoking_through_the_core_forgets_at_once(engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    with client_for(engine, ttl=60) as client:
        assert me(client, key) == 200
        with engine.begin() as conn:
            revoke_key(conn, info.public_id)
        assert me(client, key) == 401


def test_a_hit_still_checks_the_secret(engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws)
    with client_for(engine, ttl=60) as client:
        assert me(client, key) == 200
        assert me(client, key[:-3] + "abc") == 401
        assert me(client, key) == 200


def test_a_hit_still_checks_allowed_ips(engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws, allowed_ips=["127.0.0.1/32"])
    app = create_app(Settings(database_url=str(engine.url), key_cache_seconds=60), engine=engine)
    with TestClient(app, client=("127.0.0.1", 1)) as inside:
        assert me(inside, key) == 200
    with TestClient(app, client=("10.9.9.9", 1)) as outside:
        assert me(outside, key) == 403


def test_check_key_applies_expiry_and_revocation_to_a_remembered_row(engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    public_id, secret = split_key(key)
    with engine.connect() as conn:
        stored = load_key(conn, public_id)
    assert isinstance(stored, StoredKey)
    now = utcnow()
    assert check_key(stored, secret, client_ip=None, now=now).key_id == info.id
    expired = replace(stored, expires_at=now - timedelta(seconds=1))
    with pytest.raises(Unauthenticated) as caught:
        check_key(expired, secret, client_ip=None, now=now)
    assert caught.value.problems[0].rule == "expired"
    revoked = replace(stored, revoked_at=now)
    with pytest.raises(Unauthenticated):
        check_key(revoked, secret, client_ip=None, now=now)
    fenced = replace(stored, allowed_ips=("192.0.2.0/24",))
    with pytest.raises(PermissionDenied):
        check_key(fenced, secret, client_ip="198.51.100.1", now=now)


def test_cache_bounds_and_forgets():
    cache = KeyCache(ttl=60, max_entries=2)
    stored = object()
    cache.put("a", stored)  # type: ignore[arg-type]
    cache.put("b", stored)  # type: ignore[arg-type]
    cache.put("c", stored)  # full: starts over rather than growing
    assert cache.get("a") is None and cache.get("c") is stored
    cache.forget(["c"])
    assert cache.get("c") is None


def test_last_used_is_recorded_once_through_the_cache(engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    with client_for(engine, ttl=60) as client:
        for _ in range(3):
            assert me(client, key) == 200
    with engine.connect() as conn:
        used = conn.execute(
            sa.select(api_keys.c.last_used_at).where(api_keys.c.id == info.id)
        ).scalar_one()
    assert used is not None


@pytest.mark.parametrize("text", ["-1", "61", "soon"])
def test_setting_is_validated(text):
    with pytest.raises(ValueError, match="TURNOUT_KEY_CACHE_SECONDS"):
        Settings.from_env({"TURNOUT_KEY_CACHE_SECONDS": text})
    assert Settings.from_env({"TURNOUT_KEY_CACHE_SECONDS": "2.5"}).key_cache_seconds == 2.5
