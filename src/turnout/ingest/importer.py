"""Bulk import: read → validate a chunk → check it → write a batch.

A *batch* is the unit of all-or-nothing: by default the whole file, else
`batch_size` records. Each batch is one write transaction; when any of its rows
is rejected, the batch is rolled back and its valid rows are counted as skipped,
and the import goes on with the next batch. Inside a batch, rows are handled in
chunks of `CHUNK` so memory stays flat however big the batch is, and nothing is
done once per row that can be done once per chunk:

1. the chunk is validated with the resource's API model in one call
   (`validation.py`), then the resource's own rules run on each row
   (`importables.py`) with what both databases can store;
2. the ids it points at must exist in the workspace (one query per table,
   `lookups.py`);
3. natural keys (email, external_uuid, code) may appear once in a file; the
   stored rows with those keys are fetched (one query), making those rows updates;
4. the hours the rows touch are marked for the report rollups
   (`reports.rollups.mark_import`, in the same transaction);
5. values are converted a column at a time (`storage.py`) and written by the
   database's writer (`writers/`): COPY on PostgreSQL, many-row INSERTs on SQLite,
   on a second thread while the next chunk is checked (`write_behind.py`).

This module runs those steps and keeps the report; it holds no SQL of its own.

Every insert sets created_at and updated_at; every update bumps updated_at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.errors import Conflict, InvalidParameter
from turnout.db.engine import write_transaction
from turnout.ingest import indexes
from turnout.ingest.importables import IMPORTABLES, Batch, Importable, Row
from turnout.ingest.lookups import existing_ids, stored_by_key
from turnout.ingest.readers import Record
from turnout.ingest.report import ImportReport, Rejected
from turnout.ingest.sources import Records, batches, read_records
from turnout.ingest.storage import server_defaults
from turnout.ingest.validation import ChunkValidator, Given, StorableCheck
from turnout.ingest.write_behind import WriteBehind
from turnout.ingest.writers import TableWriter, sqlite
from turnout.reports.rollups import mark_import

__all__ = [
    "CHUNK",
    "MAX_REJECTED",
    "ImportReport",
    "Importer",
    "Rejected",
    "read_records",
    "run_import",
]

CHUNK = 5_000
# Past this many rejected rows the file is taken to be the wrong file, and reading stops.
MAX_REJECTED = 1_000

Progress = Callable[[int], None]


class _RollBack(Exception):
    """A batch had rejected rows: undo it (raised through write_transaction)."""


def run_import(
    engine: Engine,
    *,
    actor: Actor,
    resource: str,
    stream: Any,
    fmt: str,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file; each batch commits in its own transaction or not at all."""
    importer = Importer(importable(resource), actor)
    source = read_records(importer.spec, stream, fmt)
    if batch_size is not None and batch_size < 1:
        raise InvalidParameter.for_field("batch_size", "min", "batch_size must be at least 1")
    importer.source, importer.batch_limit = source, batch_size
    records = iter(source)
    try:
        for batch in batches(records, batch_size):
            try:
                with write_transaction(engine) as conn:
                    if not importer.write_batch(conn, batch, progress):
                        raise _RollBack
            except _RollBack:
                pass
            except sa.exc.IntegrityError:
                importer.abandon_batch()
                raise _race(importer.spec) from None
            except Exception as error:
                importer.abandon_batch()
                if _is_integrity_error(engine, error):
                    raise _race(importer.spec) from None
                raise
    except InvalidParameter as error:
        # A file problem (or too many rejected rows): the batch in hand was rolled
        # back; the ones before it stay.
        importer.report.error = error
    return importer.report


def importable(resource: str) -> Importable:
    spec = IMPORTABLES.get(resource)
    if spec is None:
        names = ", ".join(IMPORTABLES)
        raise InvalidParameter.for_field(
            "resource", "one_of", f"cannot import {resource!r}: importable are {names}"
        )
    return spec


def _is_integrity_error(engine: Engine, error: Exception) -> bool:
    dbapi = engine.dialect.loaded_dbapi
    return isinstance(error, dbapi.IntegrityError)


def _race(spec: Importable) -> Conflict:
    key = spec.key or "id"
    return Conflict.for_field(
        key,
        "unique",
        f"another writer stored a row with the same {key} while this batch was written; "
        "nothing of the batch was written: import it again",
    )


class Importer:
    """Writes batches of one resource into one workspace and keeps the report."""

    def __init__(self, spec: Importable, actor: Actor) -> None:
        self.spec = spec
        self.actor = actor
        self.report = ImportReport(spec.name)
        self.validator = ChunkValidator(spec.model)
        self.storable = StorableCheck(spec.table, spec.model)
        self._defaults = spec.defaults
        self._seen_keys: dict[Any, int] = {}
        self._known_ids: dict[str, set[int]] = {}
        self._pending = (0, 0, 0)  # inserted, updated, valid rows of the open batch
        self._columns = frozenset(spec.table.c.keys())
        # The model's fields that are no column (sessions: labels); few or none, so
        # a row is checked against them, not its every field against the columns.
        # (A model that took fields it does not declare: every field is checked.)
        fields = frozenset(spec.model.model_fields)
        forbids = spec.model.model_config.get("extra") == "forbid"
        self._not_columns = fields - self._columns if forbids else None
        self._fill = server_defaults(spec.table)
        self._required = {
            c.name for c in spec.table.c if not c.nullable and c.server_default is None
        }
        self.writer = TableWriter(spec.table, actor.workspace_id)
        # What the file holds, to size a batch before it is all read (`indexes.py`).
        self.source: Records | None = None
        self.batch_limit: int | None = None

    # -- a batch -------------------------------------------------------------------

    def write_batch(
        self, conn: Connection, records: Iterable[Record], progress: Progress | None = None
    ) -> bool:
        """Write one batch inside `conn`'s transaction; False when it must be rolled back."""
        if isinstance(records, Records):
            self.source = records
        batch = Batch(actor=self.actor, now=utcnow(), dialect=conn.dialect.name)
        self._pending = (0, 0, 0)
        failed = False
        iterator = iter(records)
        pause = indexes.IndexPause(
            self.spec.table, self.source, self.batch_limit, self.spec.checked_tables
        )
        in_batch = 0
        if self.spec.setup is not None:
            self.spec.setup(conn, batch)
        # A batch of one chunk has nothing to overlap its write with.
        behind = WriteBehind(self.batch_limit is None or self.batch_limit > CHUNK)
        with sqlite.bigger_cache(conn), behind:
            # CHUNK is read here, not bound at import time, so tests can make it small.
            while chunk := list(islice(iterator, CHUNK)):
                batch.now = now = utcnow()
                in_batch += len(chunk)
                self.report.rows += len(chunk)
                # Checked without the database while the previous chunk is written.
                given, bad = self.validator.validate(chunk)
                prepared = self._rows(batch, given, bad)
                behind.wait()
                rows = self._check_chunk(conn, batch, prepared, bad)
                if rows is None:
                    failed = True
                elif not failed:
                    pause.before_write(conn, in_batch, self.report.rows)
                    new = [r for r in rows if r.existing is None]
                    old = [r for r in rows if r.existing is not None]
                    self._count_written(len(new), len(old))
                    behind.submit(self._write, conn, now, rows, new, old)
                if progress is not None:
                    progress(len(chunk))
            behind.wait()
            if not failed:
                pause.finish(conn)
        inserted, updated, valid = self._pending
        if failed:
            self.report.failed_batches += 1
            self.report.skipped += valid
            return False
        self.report.inserted += inserted
        self.report.updated += updated
        self.report.batches += 1
        return True

    def abandon_batch(self) -> None:
        self.report.failed_batches += 1
        self.report.skipped += self._pending[2]

    # -- checking ------------------------------------------------------------------

    def _check_chunk(
        self, conn: Connection, batch: Batch, rows: list[Row], bad: list[Rejected]
    ) -> list[Row] | None:
        """The chunk's rows ready to write, or None when any of them was rejected."""
        checks = (self._check_references, self._check_keys, self._find_existing, self._finish)
        for check in checks:
            check(conn, batch, rows)
            rows = self._without_problems(rows, bad)
        self._final_values(batch, rows)
        rows = self._without_problems(rows, bad)
        inserted, updated, valid_rows = self._pending
        self._pending = (inserted, updated, valid_rows + len(rows))
        if bad:
            self._reject(sorted(bad, key=lambda r: r.line))
            return None
        return rows

    @staticmethod
    def _without_problems(rows: list[Row], bad: list[Rejected]) -> list[Row]:
        if not any(row.problems for row in rows):
            return rows
        bad.extend(Rejected(r.line, tuple(r.problems)) for r in rows if r.problems)
        return [r for r in rows if not r.problems]

    def _rows(self, batch: Batch, valid: list[tuple[int, Given]], bad: list[Rejected]) -> list[Row]:
        """Rows of the validated records, after the resource's own per-row rules."""
        prepare = self.spec.prepare
        columns = self._columns
        not_columns = self._not_columns
        defaults = self._defaults
        rows: list[Row] = []
        for line, given in valid:
            if not_columns is None:
                all_columns = given.keys() <= columns
            else:
                all_columns = not_columns.isdisjoint(given)
            if all_columns:
                values = dict(given)
            else:
                values = {name: value for name, value in given.items() if name in columns}
            row = Row(line, given, values, defaults)
            try:
                if prepare is not None:
                    prepare(row, batch)
            except InvalidParameter as error:
                bad.append(Rejected(line, (*row.problems, *error.problems)))
                continue
            rows.append(row)
        storable = self.storable
        for index in storable.suspects([row.values for row in rows]):
            row = rows[index]
            row.problems.extend(storable.problems(row.values))
        return self._without_problems(rows, bad)

    def _check_references(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        for field_name, table in self.spec.references.items():
            wanted = {v for r in rows if (v := r.values.get(field_name)) is not None}
            if not wanted:
                continue
            known = self._known_ids.setdefault(table.name, set())
            unknown = wanted - known
            if not unknown:
                continue
            known.update(existing_ids(conn, table, self.actor.workspace_id, unknown))
            missing = unknown - known
            for row in rows if missing else ():
                value = row.values.get(field_name)
                if value in missing:
                    row.reject(
                        field_name,
                        "exists",
                        f"{field_name}: no {table.name} with id {value} in this workspace",
                    )

    def _check_keys(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        seen = self._seen_keys
        name = self.spec.key
        for row in rows:
            if row.key is None:
                continue
            first = seen.setdefault(row.key, row.line)
            if first != row.line:
                message = f"{name}: the same {name} is on line {first}"
                row.reject(name or "key", "duplicate", message)

    def _find_existing(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        keyed = {r.key: r for r in rows if r.key is not None}
        if keyed:
            stored = stored_by_key(conn, self.spec, self.actor.workspace_id, keyed)
            for key, found in stored.items():
                keyed[key].existing = found

    def _finish(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        if self.spec.finish is not None and rows:
            self.spec.finish(conn, batch, rows)

    def _final_values(self, batch: Batch, rows: list[Row]) -> None:
        """Each row's values as written: defaults and extras on insert, or its update."""
        spec = self.spec
        always, on_insert = spec.always, spec.on_insert
        for row in rows:
            try:
                values = row.values
                if row.existing is None:
                    for name in always:
                        if name not in values:
                            values[name] = row.get(name)
                    values.update(on_insert(row, batch))
                    if None in values.values():
                        self._fill_nulls(row)
                else:
                    changes = {
                        k: v
                        for k, v in values.items()
                        if k not in spec.insert_only and k != spec.key
                    }
                    row.values = changes | dict(spec.on_update(row, batch))
                    self._fill_nulls(row)
            except InvalidParameter as error:
                row.problems.extend(error.problems)

    def _fill_nulls(self, row: Row) -> None:
        """null for a column that cannot be null: its default, or a rejection."""
        for name, value in row.values.items():
            if value is None:
                if name in self._fill:
                    row.values[name] = self._fill[name]
                elif name in self._required:
                    row.reject(name, "required", f"{name}: cannot be null")

    def _reject(self, rejected: list[Rejected]) -> None:
        report = self.report
        report.rejected += len(rejected)
        room = MAX_REJECTED - len(report.rejections)
        report.rejections.extend(rejected[: max(room, 0)])
        if report.rejected > MAX_REJECTED:
            last = rejected[-1].line
            raise InvalidParameter.for_field(
                f"line {last}",
                "max_rejected",
                f"line {last}: stopped after more than {MAX_REJECTED} rejected rows "
                "(is this the right file and resource?)",
            )

    # -- writing ---------------------------------------------------------------------

    def _count_written(self, new: int, old: int) -> None:
        inserted, updated, valid = self._pending
        self._pending = (inserted + new, updated + old, valid)

    def _write(
        self, conn: Connection, now: datetime, rows: list[Row], new: list[Row], old: list[Row]
    ) -> None:
        """Write a chunk's `rows`: `new` inserted, `old` updating stored ones. May run
        on the write-behind thread: it reads nothing the next chunk changes."""
        mark_import(conn, self.actor.workspace_id, self.spec.table, rows)
        if new:
            self.writer.insert(conn, now, [r.values for r in new])
        if old:
            self.writer.update(conn, now, [(r.existing.id, r.values) for r in old])
