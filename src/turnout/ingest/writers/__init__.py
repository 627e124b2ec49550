"""Writing an import's checked rows, one module per database.

Each writer takes rows already in storage form (`ingest/storage.py`) and runs inside
the caller's transaction; nothing here commits. `insert` adds new rows; `update`
changes the given columns of stored rows by id and bumps `updated_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.ingest.writers import postgresql, sqlite


class Writer(Protocol):
    def insert(
        self, conn: Connection, table: sa.Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...

    def update(
        self,
        conn: Connection,
        table: sa.Table,
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        workspace_id: int,
        stamp: Any,
    ) -> None: ...


WRITERS: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgresql}


def writer_for(conn: Connection) -> Writer:
    return WRITERS[conn.dialect.name]
