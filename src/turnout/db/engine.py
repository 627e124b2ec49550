"""Engines for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url


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


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers stream exports while a writer commits; NORMAL is durable
    # across application crashes under WAL; the busy timeout makes concurrent
    # writers wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


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
