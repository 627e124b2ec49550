"""Permissions as data on each route, checked in one place.

Every route declares exactly one of these as a dependency: `public()` or
`require(permission)` (or `authenticated()`, any valid key). A test walks
`app.routes` and fails on a route that declares none. Edges whose products put the
key elsewhere (a path segment, a query parameter, two headers) pass their own
`extract` function; verification is the same for all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from turnout.auth.cache import KeyCache
from turnout.auth.keys import (
    Principal,
    check_key,
    key_from_headers,
    load_key,
    needs_touch,
    touch_last_used,
)
from turnout.auth.permissions import grants
from turnout.auth.secrets import split_key
from turnout.core.clock import utcnow
from turnout.core.errors import PermissionDenied, Unauthenticated
from turnout.db.engine import write_transaction

log = logging.getLogger("turnout.auth")

# Given the request, return either a whole key or a (public id, secret) pair.
KeyExtractor = Callable[[Request], "str | tuple[str, str]"]


def native_key(request: Request) -> str:
    return key_from_headers(request.headers.get("authorization"), request.headers.get("x-api-key"))


def client_ip(request: Request) -> str | None:
    settings = getattr(request.app.state, "settings", None)
    if settings is not None and settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


def presented_parts(request: Request, extract: KeyExtractor) -> tuple[str, str]:
    """(public id, secret) as presented; a malformed whole key is a 401 here."""
    presented = extract(request)
    if isinstance(presented, tuple):
        return presented
    parts = split_key(presented)
    if parts is None:
        raise Unauthenticated.for_field("api_key", "valid", "the API key is malformed or unknown")
    return parts


def key_cache(request: Request) -> KeyCache | None:
    return getattr(request.app.state, "key_cache", None)


def verify_request(request: Request, extract: KeyExtractor = native_key) -> Principal:
    """Look the key up in the database (blocking: run it in a worker thread)."""
    public_id, secret = presented_parts(request, extract)
    engine = request.app.state.engine
    with engine.connect() as conn:
        stored = load_key(conn, public_id)
    principal = check_key(stored, secret, client_ip=client_ip(request), now=utcnow())
    cache = key_cache(request)
    if cache is not None and stored is not None:
        cache.put(public_id, stored)
    _record_use(engine, principal, cache)
    request.state.principal = principal
    return principal


def _record_use(engine: Engine, principal: Principal, cache: KeyCache | None = None) -> None:
    """Best effort, in its own short write: a busy database must not fail the request."""
    now = utcnow()
    if not needs_touch(principal.last_used_at, now):
        return
    try:
        with write_transaction(engine, lock_timeout_ms=200) as conn:
            touch_last_used(conn, principal.key_id, now)
    except OperationalError:
        log.info("last-used time of key %s not recorded: database busy", principal.public_id)
        return
    if cache is not None:
        cache.note_use(principal.public_id, now)


async def verify_cached(request: Request, extract: KeyExtractor = native_key) -> Principal:
    """`verify_request` without a database lookup or a thread when the key's row
    was loaded less than the cache's ttl ago; every check on the secret still runs."""
    cache = key_cache(request)
    if cache is None:
        return await run_in_threadpool(verify_request, request, extract)
    public_id, secret = presented_parts(request, extract)
    stored = cache.get(public_id)
    if stored is None:
        return await run_in_threadpool(verify_request, request, extract)
    now = utcnow()
    principal = check_key(stored, secret, client_ip=client_ip(request), now=now)
    if needs_touch(principal.last_used_at, now):
        await run_in_threadpool(_record_use, request.app.state.engine, principal, cache)
    request.state.principal = principal
    return principal


class Scope:
    """Dependency: a verified key holding `permission` (None: any valid key)."""

    def __init__(self, permission: str | None, extract: KeyExtractor = native_key) -> None:
        self.permission = permission
        self.extract = extract

    async def __call__(self, request: Request) -> Principal:
        principal = await verify_cached(request, self.extract)
        if self.permission and not grants(principal.permissions, self.permission):
            raise PermissionDenied.for_field(
                "permissions",
                "requires",
                f"this API key lacks the '{self.permission}' permission",
            )
        return principal

    def __repr__(self) -> str:
        return f"Scope({self.permission!r})"


class Public:
    """Dependency marker for routes that need no key (health, docs)."""

    def __call__(self) -> None:
        return None

    def __repr__(self) -> str:
        return "Public()"


def require(permission: str, extract: KeyExtractor = native_key) -> Any:
    return Depends(Scope(permission, extract))


def authenticated(extract: KeyExtractor = native_key) -> Any:
    return Depends(Scope(None, extract))


def public() -> Any:
    return Depends(Public())


AnyKey = Annotated[Principal, authenticated()]
