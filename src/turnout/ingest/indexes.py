"""The bulk-load move: a big batch writes without the table's secondary indexes and
rebuilds them before it commits.

Keeping an index up to date row by row costs a random B-tree descent per row and
index; building it afterwards is one scan and one sort. For 200k sessions (seven
secondary indexes) into an empty table the writes took, on this project's 2-core
machine, SQLite 10 s with the indexes against 1.9 s without them plus 2.1 s to
rebuild them, and PostgreSQL 8.8 s against 3.7 s plus 0.9 s. A rebuild costs
O(rows in the table), so the move only pays when the batch is large next to what
the table already holds (`worth_it`).

What is dropped: only the *non-unique* indexes that `db/schema.py` declares for the
table and that the database has under the same name, and each is recreated from
the database's own definition (`sqlite_master.sql`, `pg_get_indexdef`), so the
indexes after the batch are exactly those before it, whether the schema came from
the migrations or from `create_all`. Unique indexes and the primary key stay: they
enforce the natural keys while the batch is written, and the importer looks rows
up through them.

On PostgreSQL the batch also drops the table's foreign keys to the tables whose ids
the importer checks itself (`checked`: one query a chunk) and adds them back before
the commit. A foreign key costs a trigger per row and key, run in the one backend
a transaction has; adding it back checks the whole table in one join. COPY alone
of 200k ready session rows into an empty table, secondary indexes dropped (as
`bench/import_bench.py`'s ceiling-rebuild does; a one-off script, 2026-12-07):
the server spent 19.1 µs a row with the five keys, 14.2 with the one to workspaces
only, plus 0.6 µs a row to add the four back (11.2 with no key at all). The key to
workspaces stays: dropping a key locks the table it points to, and every request
reads workspaces.

All of it happens inside the batch's transaction (both databases have
transactional DDL): a batch that fails or a process killed mid-batch leaves the
indexes, like the rows, as they were.

The price on PostgreSQL: DROP INDEX holds an ACCESS EXCLUSIVE lock on the table
until the batch commits, and DROP CONSTRAINT on the tables the keys point to as
well, so every read of those tables (in every workspace) waits for the import.
Hence the floor of `MIN_ROWS`, and a short `LOCK_WAIT_MS`: if
readers hold the table, the batch keeps its indexes rather than queue behind them
(a queued ACCESS EXCLUSIVE request would block new readers too). SQLite readers
never wait: in WAL mode they read the last committed state, indexes included.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.ingest.sources import Records

# A batch below this many rows never takes the path, however small the table.
MIN_ROWS = int(os.environ.get("TURNOUT_IMPORT_REBUILD_MIN_ROWS", "50000"))
# ... and it must bring at least as many rows as the table already holds (times
# this). Measured with 200k sessions (bench/import_bench.py, SQLite with the import's
# 256 MiB cache): into an empty table the move made the import 20% faster; into a
# table of 200k rows it was -6% to +10%, into one of 400k rows 9% slower, as the
# rebuild covers the whole table.
TABLE_SHARE = 1.0
# PostgreSQL: the longest DROP INDEX waits for the table's lock before giving up.
LOCK_WAIT_MS = 2_000
# PostgreSQL: sort memory for the rebuild (the server default, 64 MB, spills to disk
# past ~1M sessions).
REBUILD_MEMORY = "256MB"


@dataclass(frozen=True, slots=True)
class Dropped:
    name: str
    definition: str  # the statement that recreates it, from the database's own words
    drop: str  # the statement that drops it


def worth_it(batch_rows: int, table_rows: int) -> bool:
    """Whether a batch of about `batch_rows` should rebuild the indexes instead."""
    return batch_rows >= MIN_ROWS and batch_rows >= TABLE_SHARE * table_rows


def table_rows(conn: Connection, table: sa.Table) -> int:
    """About how many rows `table` holds, cheaply: its highest id (an index probe;
    deleted rows make it an overestimate, which only makes the move rarer)."""
    return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)


def declared_secondary(table: sa.Table) -> set[str]:
    """Names of the non-unique indexes the schema declares on `table`."""
    return {str(index.name) for index in table.indexes if not index.unique}


def drop_secondary(
    conn: Connection, table: sa.Table, checked: Collection[str] = ()
) -> list[Dropped]:
    """Drop `table`'s declared non-unique indexes, and on PostgreSQL its foreign keys
    to the tables named in `checked`; what was dropped, to rebuild. Empty when the
    database would not give up its locks in time (PostgreSQL)."""
    found = _found(conn, table)
    if conn.dialect.name != "postgresql":
        for index in found:
            conn.exec_driver_sql(index.drop)
        return found
    found += _foreign_keys(conn, table, checked)
    if not found:
        return []
    before = _set_local(conn, "lock_timeout", str(LOCK_WAIT_MS))
    savepoint = conn.begin_nested()
    try:
        for dropped in found:
            conn.exec_driver_sql(dropped.drop)
    except sa.exc.OperationalError as error:
        savepoint.rollback()
        _set_local(conn, "lock_timeout", before)
        # lock_not_available; deadlock_detected (a reader holding a referenced table
        # and waiting for this one)
        if getattr(error.orig, "sqlstate", None) in ("55P03", "40P01"):
            return []
        raise
    savepoint.commit()
    # Only the DROP may give up early: the rest of the batch waits for row locks
    # as any write does.
    _set_local(conn, "lock_timeout", before)
    return found


def rebuild(conn: Connection, dropped: list[Dropped]) -> None:
    if not dropped:
        return
    before = None
    if conn.dialect.name == "postgresql":
        before = _set_local(conn, "maintenance_work_mem", REBUILD_MEMORY)
    for index in dropped:
        conn.exec_driver_sql(index.definition)
    if before is not None:
        _set_local(conn, "maintenance_work_mem", before)


def _set_local(conn: Connection, name: str, value: str) -> str:
    """Set a PostgreSQL setting for the rest of the transaction; its value before."""
    before = conn.execute(sa.select(sa.func.current_setting(name))).scalar_one()
    conn.execute(sa.select(sa.func.set_config(name, value, True)))
    return str(before)


def _foreign_keys(conn: Connection, table: sa.Table, checked: Collection[str]) -> list[Dropped]:
    """PostgreSQL: `table`'s foreign keys to the tables in `checked`, as statements."""
    if not checked:
        return []
    rows = conn.execute(
        sa.text(
            "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "WHERE k.conrelid = CAST(:table AS regclass) AND k.contype = 'f' "
            "AND k.confrelid IN "
            "(SELECT CAST(t AS regclass) FROM unnest(CAST(:checked AS text[])) t)"
        ),
        {"table": table.name, "checked": sorted(checked)},
    )
    quote = conn.dialect.identifier_preparer.quote
    on = f"ALTER TABLE {quote(table.name)}"
    return sorted(
        (
            Dropped(
                name,
                f"{on} ADD CONSTRAINT {quote(name)} {definition}",
                f"{on} DROP CONSTRAINT {quote(name)}",
            )
            for name, definition in rows
        ),
        key=lambda key: key.name,
    )


def _found(conn: Connection, table: sa.Table) -> list[Dropped]:
    wanted = declared_secondary(table)
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = CAST(:table AS regclass) "
                "AND NOT i.indisunique AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            ),
            {"table": table.name},
        )
    else:
        rows = conn.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = :table AND sql IS NOT NULL "
                "AND upper(substr(sql, 1, 13)) = 'CREATE INDEX '"
            ),
            {"table": table.name},
        )
    quote = conn.dialect.identifier_preparer.quote
    return sorted(
        (
            Dropped(name, definition, f"DROP INDEX {quote(name)}")
            for name, definition in rows
            if name in wanted
        ),
        key=lambda index: index.name,
    )


class IndexPause:
    """One batch's use of the move: decided before a chunk is written, once the
    batch is known to be big enough; undone by `finish` before the commit."""

    def __init__(
        self,
        table: sa.Table,
        source: Records | None,
        limit: int | None,
        checked: Collection[str] = (),
    ) -> None:
        self.table = table
        self.checked = checked
        self.source = source
        self.limit = limit
        self.dropped: list[Dropped] | None = None  # None: not (yet) dropped
        self._table_rows: int | None = None

    def before_write(self, conn: Connection, in_batch: int, read: int) -> None:
        """`in_batch`: records of this batch read so far; `read`: of the whole file."""
        if self.dropped is not None or "id" not in self.table.c:
            return
        more = self.source.still_to_come(read) if self.source is not None else None
        expected = in_batch + (more or 0)
        if self.limit is not None:
            expected = min(expected, self.limit)
        if expected < MIN_ROWS:
            return
        if self._table_rows is None:
            self._table_rows = table_rows(conn, self.table)
        if worth_it(expected, self._table_rows):
            self.dropped = drop_secondary(conn, self.table, self.checked)

    def finish(self, conn: Connection) -> None:
        if self.dropped:
            rebuild(conn, self.dropped)
