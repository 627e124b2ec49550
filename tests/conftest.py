"""Fixtures shared by the whole suite.

`engine` is parametrized over SQLite and PostgreSQL: every test that takes it runs
on both. Each backend gets one migrated database for the session; tests isolate
themselves by creating their own workspace (`workspace` fixture), which is also how
Turnout isolates tenants in production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from tests.postgres_server import throwaway_cluster, wait_for
from turnout.db import migrate
from turnout.db.engine import make_engine

BACKENDS = ("sqlite", "postgresql")


class PostgresServer:
    """One server URL for the session, and scratch databases on it."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.skip_reason = ""
        self._stack = ExitStack()
        self._databases: list[str] = []

    def start(self) -> None:
        given = os.environ.get("TURNOUT_TEST_POSTGRES_URL")
        if given:
            self.url = str(make_url(given).set(drivername="postgresql+psycopg"))
            return
        try:
            self.url = self._stack.enter_context(throwaway_cluster())
            wait_for(self.url)
        except Exception as exc:
            self.skip_reason = (
                "PostgreSQL tests skipped: TURNOUT_TEST_POSTGRES_URL is not set and no "
                f"throwaway cluster could be started ({exc})"
            )

    def new_database(self) -> str:
        assert self.url
        name = f"turnout_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self._databases.append(name)
        return str(make_url(self.url).set(database=name).render_as_string(hide_password=False))

    def stop(self) -> None:
        if self.url:
            admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for name in self._databases:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        self._stack.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


def require_postgres(server: PostgresServer) -> None:
    if server.url:
        return
    if os.environ.get("TURNOUT_REQUIRE_POSTGRES") == "1":
        pytest.fail(server.skip_reason + " — and TURNOUT_REQUIRE_POSTGRES=1 forbids skipping")
    pytest.skip(server.skip_reason)


@pytest.fixture(scope="session")
def database_url_factory(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory):
    """Make an empty database of either backend and return its URL."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path: Path = tmp_path_factory.mktemp("sqlite") / "turnout.db"
            return f"sqlite:///{path}"
        require_postgres(postgres_server)
        return postgres_server.new_database()

    return make


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, database_url_factory):
    """A new migrated database of each backend, for tests that run the CLI in another
    process: (url, engine, workspace)."""
    from tests.factories import make_workspace

    url = database_url_factory(request.param)
    db_engine = make_engine(url)
    migrate.upgrade(db_engine)
    yield url, db_engine, make_workspace(db_engine)
    db_engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, database_url_factory) -> Iterator[Engine]:
    """A migrated engine, one per backend for the whole session."""
    db_engine = make_engine(database_url_factory(request.param))
    migrate.upgrade(db_engine)
    yield db_engine
    db_engine.dispose()


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def workspace(engine: Engine):
    from tests.factories import make_workspace

    return make_workspace(engine)


@pytest.fixture
def app(engine: Engine):
    from turnout.api.app import create_app
    from turnout.config import Settings

    return create_app(Settings(database_url=str(engine.url)), engine=engine)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    # A real-looking peer address, so allowed-IP rules can be exercised.
    with TestClient(app, client=("127.0.0.1", 50000)) as test_client:
        yield test_client
