"""One report of a type at a time per workspace, across every server process.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection
held for the run. The server drops it the moment that connection goes away, so a
request (or a whole process) that dies releases it at once.

SQLite: a row in ``report_locks`` claimed in one short write transaction, with an
expiry. The row is deleted when the run ends; a holder that died without deleting it
is taken over once its expiry has passed (the report timeout plus a margin).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from turnout.core.clock import utcnow
from turnout.core.errors import FieldProblem, TooManyRequests
from turnout.db.schema import report_locks

BUSY_MESSAGE = "Another report request is currently being processed, please wait and try again"
RETRY_AFTER_SECONDS = 2
# How long past its run's deadline an abandoned SQLite lock row still counts.
EXPIRY_MARGIN = timedelta(seconds=5)


class LockBusy(TooManyRequests):
    """The same report is already running for this workspace."""


def busy_error(name: str) -> LockBusy:
    error = LockBusy(BUSY_MESSAGE, [FieldProblem("report", "one_at_a_time", BUSY_MESSAGE)])
    error.retry_after = RETRY_AFTER_SECONDS
    return error


def advisory_key(workspace_id: int, name: str) -> int:
    """A signed 64-bit key for (workspace, lock name)."""
    digest = hashlib.blake2b(f"turnout:{workspace_id}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _try_postgres(conn: Connection, key: int) -> bool:
    return bool(conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar_one())


def _try_sqlite(
    engine: Engine, workspace_id: int, name: str, holder: str, hold_for: timedelta
) -> bool:
    now = utcnow()
    statement = sqlite_insert(report_locks).values(
        workspace_id=workspace_id,
        name=name,
        holder=holder,
        acquired_at=now,
        expires_at=now + hold_for,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "name"],
        set_={
            "holder": statement.excluded.holder,
            "acquired_at": statement.excluded.acquired_at,
            "expires_at": statement.excluded.expires_at,
        },
        where=report_locks.c.expires_at < statement.excluded.acquired_at,
    )
    with engine.begin() as conn:
        conn.execute(statement)
        current = conn.execute(
            sa.select(report_locks.c.holder).where(
                report_locks.c.workspace_id == workspace_id, report_locks.c.name == name
            )
        ).scalar_one_or_none()
    return current == holder


def _release_sqlite(engine: Engine, workspace_id: int, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            report_locks.delete().where(
                report_locks.c.workspace_id == workspace_id,
                report_locks.c.name == name,
                report_locks.c.holder == holder,
            )
        )


@contextmanager
def one_at_a_time(
    engine: Engine,
    workspace_id: int,
    name: str,
    *,
    hold_for: timedelta,
    wait: float = 0.0,
) -> Iterator[None]:
    """Hold the (workspace, name) lock for the block, or raise LockBusy.

    ``wait`` seconds are spent retrying before giving up (0: try once).
    ``hold_for`` bounds how long a dead SQLite holder blocks others.
    """
    give_up = time.monotonic() + wait
    if engine.dialect.name == "postgresql":
        key = advisory_key(workspace_id, name)
        conn = engine.connect()
        try:
            while not _try_postgres(conn, key):
                conn.rollback()
                if time.monotonic() >= give_up:
                    raise busy_error(name)
                time.sleep(0.05)
            conn.commit()  # the lock is session-level: it outlives this transaction
            try:
                yield
            finally:
                try:
                    conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                    conn.commit()
                except sa.exc.DBAPIError:
                    conn.invalidate()  # closing the server session drops the lock
        finally:
            conn.close()
        return

    holder = uuid.uuid4().hex
    ttl = hold_for + EXPIRY_MARGIN
    while not _try_sqlite(engine, workspace_id, name, holder, ttl):
        if time.monotonic() >= give_up:
            raise busy_error(name)
        time.sleep(0.05)
    try:
        yield
    finally:
        _release_sqlite(engine, workspace_id, name, holder)
