"""Writing an import's checked rows, one module per database.

`TableWriter` turns rows of Python values into storage form a column at a time
(`ingest/storage.py`) and hands them to the database's module: `sqlite.py`
(many-row statements on the driver connection) or `postgresql.py` (COPY). Everything runs
inside the caller's transaction; nothing here commits. Inserts set created_at and
updated_at; updates change only the columns given and bump updated_at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.types import format_utc
from turnout.ingest.storage import StoragePlan
from turnout.ingest.writers import postgresql, sqlite

WRITERS: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgresql}
# Written by the database or by the writer itself, never taken from a row's values.
MANAGED = frozenset({"id", "workspace_id", "created_at", "updated_at"})

Values = Mapping[str, Any]


class TableWriter:
    """Inserts and updates rows of one table in one workspace."""

    def __init__(self, table: sa.Table, workspace_id: int) -> None:
        self.table = table
        self.workspace_id = workspace_id
        self._columns = frozenset(table.c.keys())
        self._plans: dict[str, StoragePlan] = {}

    def _plan(self, dialect: str) -> StoragePlan:
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = StoragePlan(self.table, dialect)
        return plan

    def insert(self, conn: Connection, now: datetime, rows: Sequence[Values]) -> None:
        # One INSERT shape for all: a column some rows lack is NULL (or its server
        # default) in those, as if they had not named it.
        dialect = conn.dialect.name
        names = sorted((set().union(*rows) & self._columns) - MANAGED)
        columns = self._plan(dialect).columns(rows, names)
        stamp = format_utc(now) if dialect == "sqlite" else now.isoformat()
        n = len(rows)
        columns += [[self.workspace_id] * n, [stamp] * n, [stamp] * n]
        WRITERS[dialect].insert(
            conn,
            self.table,
            [*names, "workspace_id", "created_at", "updated_at"],
            list(zip(*columns, strict=True)),
        )

    def update(self, conn: Connection, now: datetime, rows: Sequence[tuple[int, Values]]) -> None:
        """Update stored rows, given as (id, values to set)."""
        # Rows that give the same fields update the same columns: one statement each.
        by_order: dict[tuple[str, ...], list[tuple[int, Values]]] = {}
        for row in rows:
            by_order.setdefault(tuple(row[1]), []).append(row)
        groups: dict[tuple[str, ...], list[tuple[int, Values]]] = {}
        for order, members in by_order.items():
            names = tuple(sorted((set(order) & self._columns) - MANAGED))
            groups.setdefault(names, []).extend(members)
        dialect = conn.dialect.name
        plan = self._plan(dialect)
        stamp: Any = format_utc(now) if dialect == "sqlite" else now
        for names, members in groups.items():
            columns = plan.columns([values for _, values in members], names)
            ids = [row_id for row_id, _ in members]
            WRITERS[dialect].update(
                conn,
                self.table,
                names,
                list(zip(ids, *columns, strict=True)),
                workspace_id=self.workspace_id,
                stamp=stamp,
            )
