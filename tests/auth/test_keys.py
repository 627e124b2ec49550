"""API key lifecycle on both backends: create, use, revoke, expire, IP rules, workspaces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_key, make_workspace
from turnout.auth.keys import authenticate, authenticate_parts, list_keys, revoke_key
from turnout.auth.secrets import split_key
from turnout.core.errors import InvalidParameter, NotFound, PermissionDenied, Unauthenticated
from turnout.db.schema import api_keys, audit_log


def auth(engine, key, ip="127.0.0.1", now=None):
    with engine.begin() as conn:
        return authenticate(conn, key, client_ip=ip, now=now)


def test_key_is_shown_once_and_stored_hashed(engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws, permissions="sessions:read,reports:read")
    public_id, secret = split_key(key)
    assert public_id == info.public_id
    with engine.connect() as conn:
        row = conn.execute(sa.select(api_keys).where(api_keys.c.public_id == public_id)).one()
    assert secret not in str(tuple(row)) and key not in str(tuple(row))
    assert len(row.secret_hash) == 64
    principal = auth(engine, key)
    assert principal.workspace_id == ws.id
    assert principal.permissions == {"sessions:read", "reports:read"}


def test_wrong_secret_and_unknown_id_are_refused_alike(engine):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws)
    for bad in (
        key[:-2] + "zz",
        "tk_aaaaaaaaaaaa_secret",
        "tk_short_x",
        "",
        "nonsense",
        "x" * 10_000,
    ):
        with pytest.raises(Unauthenticated) as caught:
            auth(engine, bad)
        assert caught.value.message == "the API key is malformed or unknown"


def test_revocation_takes_effect_on_the_next_request(engine):
    ws = make_workspace(engine)
    info, key = make_key(engine, ws)
    auth(engine, key)
    with engine.begin() as conn:
        revoke_key(conn, info.public_id)
    with pytest.raises(Unauthenticated, match="revoked"):
        auth(engine, key)
    with engine.connect() as conn:
        actions = (
            conn.execute(sa.select(audit_log.c.action).where(audit_log.c.workspace_id == ws.id))
            .scalars()
            .all()
        )
    assert actions == ["key.create", "key.revoke"]


def test_revoking_an_unknown_key_is_not_found(engine):
    with pytest.raises(NotFound), engine.begin() as conn:
        revoke_key(conn, "doesnotexist")


def test_expiry(engine):
    ws = make_workspace(engine)
    expires = datetime.now(UTC) + timedelta(hours=1)
    _, key = make_key(engine, ws, expires_at=expires)
    auth(engine, key)
    with pytest.raises(Unauthenticated, match="expired"):
        auth(engine, key, now=expires + timedelta(seconds=1))
    with pytest.raises(InvalidParameter, match="future"):
        make_key(engine, ws, expires_at=datetime.now(UTC) - timedelta(days=1))


@pytest.mark.parametrize(
    ("ranges", "ip", "allowed"),
    [
        (["10.0.0.0/8"], "10.1.2.3", True),
        (["10.0.0.0/8"], "192.168.1.1", False),
        (["192.168.1.7"], "192.168.1.7", True),
        (["2001:db8::/32"], "2001:db8::1", True),
        (["2001:db8::/32"], "10.0.0.1", False),
        (["127.0.0.0/8"], "::ffff:127.0.0.1", True),
        (["10.0.0.0/8"], None, False),
        (["10.0.0.0/8"], "not-an-ip", False),
    ],
)
def test_allowed_ip_ranges(engine, ranges, ip, allowed):
    ws = make_workspace(engine)
    _, key = make_key(engine, ws, allowed_ips=ranges)
    if allowed:
        auth(engine, key, ip=ip)
    else:
        with pytest.raises(PermissionDenied):
            auth(engine, key, ip=ip)


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "300.1.1.1", "example.com", ""])
def test_malformed_cidr_is_refused_and_nothing_is_created(engine, bad):
    ws = make_workspace(engine)
    with pytest.raises(InvalidParameter) as caught:
        make_key(engine, ws, allowed_ips=[bad])
    assert caught.value.field == "allowed_ips" and caught.value.rule == "cidr"
    with engine.connect() as conn:
        assert list_keys(conn, ws) == []


def test_unknown_permission_is_refused(engine):
    ws = make_workspace(engine)
    with pytest.raises(InvalidParameter) as caught:
        make_key(engine, ws, permissions="sessions:read,sessions:delete")
    assert caught.value.rule == "one_of" and "sessions:delete" in caught.value.message


def test_a_key_only_sees_its_own_workspace(engine):
    first, second = make_workspace(engine), make_workspace(engine)
    _, key = make_key(engine, first)
    assert auth(engine, key).workspace_id == first.id != second.id


def test_last_used_is_recorded_at_most_once_a_minute(engine):
    ws = make_workspace(engine)
    _info, key = make_key(engine, ws)
    t0 = datetime.now(UTC)
    auth(engine, key, now=t0)
    auth(engine, key, now=t0 + timedelta(seconds=30))
    with engine.connect() as conn:
        (used,) = [k.last_used_at for k in list_keys(conn, ws)]
    assert abs(used - t0) < timedelta(milliseconds=1)
    auth(engine, key, now=t0 + timedelta(seconds=61))
    with engine.connect() as conn:
        (used,) = [k.last_used_at for k in list_keys(conn, ws)]
    assert used > t0 + timedelta(seconds=60)


def test_a_new_virbela_pair_kills_the_old_one_at_once(engine):
    ws = make_workspace(engine)
    _old_info, old_key = make_key(engine, ws, dialect="virbela")
    _, new_key = make_key(engine, ws, dialect="virbela")
    with pytest.raises(Unauthenticated, match="revoked"):
        auth(engine, old_key)
    public_id, secret = split_key(new_key)
    with engine.begin() as conn:
        assert authenticate_parts(conn, public_id, secret, client_ip=None).dialect == "virbela"
    other_ws = make_workspace(engine)
    make_key(engine, other_ws, dialect="virbela")  # other workspaces keep theirs
    auth(engine, new_key)
