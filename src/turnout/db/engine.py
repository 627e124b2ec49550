"""Engines for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url


class DatabaseUnreachable(RuntimeError):
    """The database URL is malformed or nothing answers at it."""


def normalize_url(url: str | URL) -> URL:
    """Plain `postgresql://` URLs use psycopg 3; everything else stays as given."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseUnreachable(f"not a database URL: {url!r}") from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseUnreachable(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
        )
    return parsed


# Per connection, and the pool keeps up to 24: a modest page cache keeps the
# server's memory flat during long exports (the OS page cache does the rest).
CACHE_SIZE_KIB = 8192


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers stream exports while a writer commits; NORMAL is durable
    # across application crashes under WAL; the busy timeout makes concurrent
    # writers wait instead of failing at once.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite's own transaction handling would let a SAVEPOINT or a read escape
    # the transaction, so the driver is put in autocommit mode (below) and
    # SQLAlchemy's BEGIN is emitted here instead. Writers take the write lock at
    # once (IMMEDIATE), so the busy timeout applies instead of a lock upgrade
    # failing; readers stay DEFERRED so that long exports never block writes.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    # Straight to the driver: a statement through SQLAlchemy costs more than BEGIN.
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")  # type: ignore[union-attr]


WRITE_OPTION = "turnout_write"


BUSY_TIMEOUT_MS = 10_000


@contextmanager
def write_transaction(
    engine: Engine, *, lock_timeout_ms: int | None = None
) -> Iterator[Connection]:
    """A transaction meant to write: committed on success, rolled back on error.

    `lock_timeout_ms` bounds the wait for SQLite's write lock (PostgreSQL: for
    row locks) for writes that may rather be skipped than wait.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})
        sqlite = engine.dialect.name == "sqlite"
        # Straight to the driver: through SQLAlchemy the PRAGMA would begin (and
        # wait for) the very transaction whose wait it is meant to bound.
        raw = conn.connection.driver_connection if sqlite else None
        if lock_timeout_ms is not None and raw is not None:
            raw.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        try:
            with conn.begin():
                if lock_timeout_ms is not None and not sqlite:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                yield conn
        finally:
            if lock_timeout_ms is not None and raw is not None:
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=8,
            max_overflow=16,
            **kwargs,
        )
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = sa.create_engine(
            parsed, pool_pre_ping=True, pool_size=8, max_overflow=16, **kwargs
        )
    return engine


def check_reachable(engine: Engine) -> None:
    """Raise DatabaseUnreachable with a one-line reason when the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnreachable(
            f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{reason}"
        ) from exc


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
