"""API keys: create, list, revoke, and verify a presented key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.auth.cache import forget_everywhere
from turnout.auth.network import ip_allowed, parse_networks
from turnout.auth.permissions import parse_permissions
from turnout.auth.secrets import (
    format_key,
    hash_secret,
    new_public_id,
    new_secret,
    secret_matches,
    split_key,
)
from turnout.core import audit
from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.errors import InvalidParameter, NotFound, PermissionDenied, Unauthenticated
from turnout.core.workspaces import Workspace
from turnout.db.schema import api_keys, workspaces

# Recording every use would make each read a write; a minute's precision is plenty.
LAST_USED_PRECISION = timedelta(seconds=60)
DIALECTS_WITH_ONE_KEY = frozenset({"virbela"})
# Compared against when the public id is unknown, so both paths cost the same.
_DUMMY_HASH = hash_secret("turnout-no-such-key")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key and the workspace it belongs to."""

    key_id: int
    public_id: str
    name: str
    permissions: frozenset[str]
    workspace_id: int
    workspace_slug: str
    workspace_timezone: str
    dialect: str | None = None
    last_used_at: datetime | None = None

    @property
    def actor(self) -> str:
        return f"key:{self.public_id}"

    def as_actor(self) -> Actor:
        """The writer the core's commands take: this key in its workspace."""
        return Actor(workspace_id=self.workspace_id, name=self.actor)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    public_id: str
    name: str
    permissions: tuple[str, ...]
    allowed_ips: tuple[str, ...]
    dialect: str | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


def _key_info(row: sa.Row[tuple[object, ...]]) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        public_id=row.public_id,
        name=row.name,
        permissions=tuple(sorted(row.permissions or [])),
        allowed_ips=tuple(row.allowed_ips or []),
        dialect=row.dialect,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        created_at=row.created_at,
    )


def create_key(
    conn: Connection,
    *,
    workspace: Workspace,
    name: str | None = None,
    permissions: str | Iterable[str] = "all",
    allowed_ips: Iterable[str] = (),
    expires_at: datetime | None = None,
    dialect: str | None = None,
    actor: str = "cli",
) -> tuple[KeyInfo, str]:
    """Store a new key and return it with its one-time plaintext."""
    perms = parse_permissions(permissions)
    networks = parse_networks(allowed_ips)
    now = utcnow()
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidParameter.for_field("expires", "timezone", "expires needs a time zone")
        if expires_at <= now:
            raise InvalidParameter.for_field("expires", "future", "expires must be in the future")
    if dialect is not None and dialect not in DIALECTS_WITH_ONE_KEY:
        raise InvalidParameter.for_field(
            "dialect",
            "one_of",
            f"dialect must be one of {', '.join(sorted(DIALECTS_WITH_ONE_KEY))}",
        )
    if dialect in DIALECTS_WITH_ONE_KEY:
        # One credential set per workspace for this product: the new one replaces the old.
        replaced = (
            conn.execute(
                api_keys.update()
                .where(
                    api_keys.c.workspace_id == workspace.id,
                    api_keys.c.dialect == dialect,
                    api_keys.c.revoked_at.is_(None),
                )
                .values(revoked_at=now, updated_at=now)
                .returning(api_keys.c.public_id)
            )
            .scalars()
            .all()
        )
        forget_everywhere(replaced)
        for public_id in replaced:
            audit.record(
                conn,
                workspace_id=workspace.id,
                actor=actor,
                action="key.revoke",
                resource="api_key",
                resource_id=public_id,
                details={"replaced": True},
            )
    public_id, secret = new_public_id(), new_secret()
    row = conn.execute(
        api_keys.insert()
        .values(
            workspace_id=workspace.id,
            public_id=public_id,
            secret_hash=hash_secret(secret),
            name=name or f"key {public_id}",
            permissions=sorted(perms),
            allowed_ips=networks or None,
            dialect=dialect,
            expires_at=expires_at,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        .returning(*api_keys.c)
    ).one()
    audit.record(
        conn,
        workspace_id=workspace.id,
        actor=actor,
        action="key.create",
        resource="api_key",
        resource_id=public_id,
        details={"name": row.name, "permissions": sorted(perms)},
    )
    return _key_info(row), format_key(public_id, secret)


def list_keys(conn: Connection, workspace: Workspace) -> list[KeyInfo]:
    rows = conn.execute(
        sa.select(*api_keys.c)
        .where(api_keys.c.workspace_id == workspace.id)
        .order_by(api_keys.c.created_at, api_keys.c.id)
    )
    return [_key_info(r) for r in rows]


def revoke_key(conn: Connection, public_id: str, *, actor: str = "cli") -> KeyInfo:
    row = conn.execute(sa.select(*api_keys.c).where(api_keys.c.public_id == public_id)).first()
    if row is None:
        raise NotFound.for_field("key_id", "exists", f"no API key with id {public_id!r}")
    if row.revoked_at is None:
        now = utcnow()
        forget_everywhere([public_id])
        conn.execute(
            api_keys.update().where(api_keys.c.id == row.id).values(revoked_at=now, updated_at=now)
        )
        audit.record(
            conn,
            workspace_id=row.workspace_id,
            actor=actor,
            action="key.revoke",
            resource="api_key",
            resource_id=public_id,
        )
        row = conn.execute(sa.select(*api_keys.c).where(api_keys.c.id == row.id)).one()
    return _key_info(row)


def key_from_headers(authorization: str | None, x_api_key: str | None) -> str:
    """The key presented as `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    if authorization is not None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise Unauthenticated.for_field(
                "authorization", "format", "Authorization header must be 'Bearer <API key>'"
            )
        return credentials.strip()
    if x_api_key is not None and x_api_key.strip():
        return x_api_key.strip()
    raise Unauthenticated.for_field(
        "authorization",
        "required",
        "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
    )


def authenticate(
    conn: Connection,
    key: str,
    *,
    client_ip: str | None,
    now: datetime | None = None,
    touch: bool = True,
) -> Principal:
    parts = split_key(key)
    if parts is None:
        raise Unauthenticated.for_field("api_key", "valid", "the API key is malformed or unknown")
    return authenticate_parts(conn, *parts, client_ip=client_ip, now=now, touch=touch)


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What verifying a presented key needs from its row (and its workspace's)."""

    principal: Principal
    secret_hash: str
    allowed_ips: tuple[str, ...]
    expires_at: datetime | None
    revoked_at: datetime | None


# Built once: a reused statement keeps SQLAlchemy's cache key, so a lookup costs
# one compiled-cache hit instead of building and hashing a new SELECT per request.
_KEY_BY_PUBLIC_ID = (
    sa.select(
        api_keys.c.id,
        api_keys.c.public_id,
        api_keys.c.name,
        api_keys.c.secret_hash,
        api_keys.c.permissions,
        api_keys.c.allowed_ips,
        api_keys.c.dialect,
        api_keys.c.expires_at,
        api_keys.c.revoked_at,
        api_keys.c.last_used_at,
        workspaces.c.id.label("workspace_id"),
        workspaces.c.slug,
        workspaces.c.timezone,
    )
    .join(workspaces, workspaces.c.id == api_keys.c.workspace_id)
    .where(api_keys.c.public_id == sa.bindparam("public_id"))
)


def load_key(conn: Connection, public_id: str) -> StoredKey | None:
    row = conn.execute(_KEY_BY_PUBLIC_ID, {"public_id": public_id}).first()
    if row is None:
        return None
    principal = Principal(
        key_id=row.id,
        public_id=row.public_id,
        name=row.name,
        permissions=frozenset(row.permissions or ()),
        workspace_id=row.workspace_id,
        workspace_slug=row.slug,
        workspace_timezone=row.timezone,
        dialect=row.dialect,
        last_used_at=row.last_used_at,
    )
    return StoredKey(
        principal=principal,
        secret_hash=row.secret_hash,
        allowed_ips=tuple(row.allowed_ips or ()),
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def check_key(
    stored: StoredKey | None, secret: str, *, client_ip: str | None, now: datetime
) -> Principal:
    """The principal of a stored key if `secret` is its secret and it may be used now."""
    matches = secret_matches(secret, stored.secret_hash if stored else _DUMMY_HASH)
    if stored is None or not matches:
        raise Unauthenticated.for_field("api_key", "valid", "the API key is malformed or unknown")
    if stored.revoked_at is not None and stored.revoked_at <= now:
        raise Unauthenticated.for_field("api_key", "revoked", "the API key has been revoked")
    if stored.expires_at is not None and stored.expires_at <= now:
        raise Unauthenticated.for_field("api_key", "expired", "the API key has expired")
    if not ip_allowed(client_ip, stored.allowed_ips):
        raise PermissionDenied.for_field(
            "client_ip", "allowed_ips", "this API key may not be used from this IP address"
        )
    return stored.principal


def authenticate_parts(
    conn: Connection,
    public_id: str,
    secret: str,
    *,
    client_ip: str | None,
    now: datetime | None = None,
    touch: bool = True,
) -> Principal:
    """Verify a (public id, secret) pair; with `touch`, record its use in `conn`
    (the caller commits); without, the caller may call `touch_last_used` later.
    """
    now = now or utcnow()
    principal = check_key(load_key(conn, public_id), secret, client_ip=client_ip, now=now)
    if touch and needs_touch(principal.last_used_at, now):
        touch_last_used(conn, principal.key_id, now)
    return principal


def needs_touch(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USED_PRECISION


def touch_last_used(conn: Connection, key_id: int, now: datetime) -> None:
    """Record a use, at most once per LAST_USED_PRECISION even when racing."""
    conn.execute(
        api_keys.update()
        .where(
            api_keys.c.id == key_id,
            sa.or_(
                api_keys.c.last_used_at.is_(None),
                api_keys.c.last_used_at <= now - LAST_USED_PRECISION,
            ),
        )
        .values(last_used_at=now)
    )
