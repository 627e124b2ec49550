"""`Idempotency-Key` on POST/PATCH/DELETE: a retried write returns the first answer.

A key is claimed in its own short transaction before the write runs; the write
and the stored answer then commit together. So a duplicate that arrives while
the first is running waits for its answer, one that arrives later gets a replay,
and the same key with another request is a 409. Only successful answers are
remembered: after an error the client may fix the request and retry with the key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.errors import Conflict, InvalidParameter
from turnout.db.engine import write_transaction
from turnout.db.schema import idempotency_keys

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
KEEP_FOR = timedelta(hours=24)
# A claim whose write never finished (the process died) is taken over after this.
ABANDONED_AFTER = timedelta(seconds=60)
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05
_TABLE = idempotency_keys


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    media_type: str = "application/json"
    replayed: bool = False


Write = Callable[[Connection], Answer]


def check_key(value: str) -> str:
    if not 1 <= len(value) <= 255 or not value.isascii() or not value.isprintable():
        raise InvalidParameter.for_field(
            HEADER, "format", f"{HEADER} must be 1-255 printable ASCII characters"
        )
    return value


def request_hash(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def run(
    engine: Engine,
    principal: Principal,
    key: str | None,
    fingerprint: str,
    write: Write,
    *,
    method: str,
    path: str,
) -> Answer:
    """Run `write` in one transaction, at most once per (API key, idempotency key)."""
    if key is None:
        with write_transaction(engine) as conn:
            return write(conn)
    key = check_key(key)
    where = sa.and_(
        _TABLE.c.workspace_id == principal.workspace_id,
        _TABLE.c.api_key_id == principal.key_id,
        _TABLE.c.idempotency_key == key,
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        owned, earlier = _claim(
            engine, principal, key, fingerprint, where, method=method, path=path
        )
        if owned:
            break
        if earlier is not None and earlier.response_status is not None:
            return Answer(
                earlier.response_status,
                earlier.response_body or b"",
                earlier.response_type or "application/json",
                replayed=True,
            )
        if time.monotonic() > deadline:
            raise Conflict.for_field(
                HEADER, "in_progress", f"a request with this {HEADER} is still being processed"
            )
        time.sleep(_POLL_SECONDS)
    try:
        with write_transaction(engine) as conn:
            answer = write(conn)
            conn.execute(
                _TABLE.update()
                .where(where)
                .values(
                    response_status=answer.status,
                    response_body=answer.body,
                    response_type=answer.media_type,
                )
            )
    except BaseException:
        with write_transaction(engine) as conn:
            conn.execute(_TABLE.delete().where(where, _TABLE.c.response_status.is_(None)))
        raise
    return answer


def _claim(
    engine: Engine,
    principal: Principal,
    key: str,
    fingerprint: str,
    where: sa.ColumnElement[bool],
    *,
    method: str,
    path: str,
) -> tuple[bool, Any]:
    """(True, None) when this request now owns the key, else (False, earlier claim)."""
    now = utcnow()
    with write_transaction(engine) as conn:
        earlier = conn.execute(sa.select(_TABLE).where(where)).first()
        if earlier is not None:
            abandoned = (
                earlier.response_status is None and earlier.created_at < now - ABANDONED_AFTER
            )
            if earlier.expires_at > now and not abandoned:
                if earlier.request_hash != fingerprint:
                    raise Conflict.for_field(
                        HEADER,
                        "reused",
                        f"this {HEADER} was used for a different request; use a new key",
                    )
                return False, earlier
            conn.execute(_TABLE.delete().where(where))
        try:
            with conn.begin_nested():
                conn.execute(
                    _TABLE.insert().values(
                        workspace_id=principal.workspace_id,
                        api_key_id=principal.key_id,
                        idempotency_key=key,
                        method=method,
                        path=path[:2000],
                        request_hash=fingerprint,
                        created_at=now,
                        expires_at=now + KEEP_FOR,
                    )
                )
        except IntegrityError:
            # A concurrent duplicate claimed it first (None: and already gave up).
            return False, conn.execute(sa.select(_TABLE).where(where)).first()
    return True, None


def sweep(conn: Connection) -> int:
    """Forget answers older than KEEP_FOR; returns how many were removed."""
    result = conn.execute(_TABLE.delete().where(_TABLE.c.expires_at <= utcnow()))
    return int(result.rowcount or 0)
