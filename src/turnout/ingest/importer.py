"""Bulk import: read → validate each row → check a chunk at a time → write a batch.

A *batch* is the unit of all-or-nothing: by default the whole file, else
`batch_size` records. Each batch is one write transaction; when any of its rows
is rejected, the batch is rolled back and its valid rows are counted as skipped,
and the import goes on with the next batch. Inside a batch, rows are handled in
chunks of `CHUNK` so memory stays flat however big the batch is, and every
lookup is one query per chunk, never one per row:

1. each record is validated with the resource's API model and its rules
   (`importables.py`);
2. the ids it points at must exist in the workspace (one query per table);
3. natural keys (email, external_uuid, code) may appear once in a file; the
   stored rows with those keys are fetched (one query), making those rows updates;
4. new rows go in through `bulk.insert_rows` (COPY on PostgreSQL, executemany on
   SQLite); updates are one executemany per set of columns given.

Every insert sets created_at and updated_at; every update bumps updated_at.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.commands.validation import problems_of
from turnout.core.errors import Conflict, FieldProblem, InvalidParameter
from turnout.db.engine import write_transaction
from turnout.db.types import Money, UTCDateTime, format_utc
from turnout.ingest.bulk import Converter, insert_rows
from turnout.ingest.bulk import storage_converters as bulk_converters
from turnout.ingest.importables import IMPORTABLES, Batch, Importable, Row
from turnout.ingest.readers import READERS, BadRecord, Record
from turnout.reports.rollups import mark_import

CHUNK = 5_000
# Lookups send at most this many values in one IN (...) list.
LOOKUP_CHUNK = 5_000
# Past this many rejected rows the file is taken to be the wrong file, and reading stops.
MAX_REJECTED = 1_000

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    problems: tuple[FieldProblem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "errors": [
                {"field": p.field, "rule": p.rule, "message": p.message} for p in self.problems
            ],
        }


@dataclass
class ImportReport:
    resource: str
    rows: int = 0  # records read
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    skipped: int = 0  # valid rows of batches that were rolled back
    batches: int = 0  # committed
    failed_batches: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    error: InvalidParameter | None = None  # reading stopped here

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and self.error is None

    def problems(self) -> list[FieldProblem]:
        """Every problem, each field named with its line (`line 12: email`)."""
        out = [
            FieldProblem(f"line {r.line}: {p.field}", p.rule, p.message)
            for r in self.rejections
            for p in r.problems
        ]
        if self.error is not None:
            out.extend(self.error.problems)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "batches": self.batches,
            "failed_batches": self.failed_batches,
            "rejections": [r.as_dict() for r in self.rejections],
            "error": self.error.message if self.error is not None else None,
        }


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
    records = iter(read_records(importer.spec, stream, fmt))
    if batch_size is not None and batch_size < 1:
        raise InvalidParameter.for_field("batch_size", "min", "batch_size must be at least 1")
    try:
        for batch in _batches(records, batch_size):
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


def read_records(spec: Importable, stream: Any, fmt: str) -> Iterator[Record]:
    reader = READERS.get(fmt)
    if reader is None:
        raise InvalidParameter.for_field(
            "format", "one_of", f"unknown import format {fmt!r}: use ndjson, csv or json"
        )
    return reader(stream, spec.columns)


def _batches(records: Iterator[Record], size: int | None) -> Iterator[Iterator[Record]]:
    while True:
        first = next(records, None)
        if first is None:
            return
        rest = records if size is None else islice(records, size - 1)
        yield chain((first,), rest)


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
        fields = spec.model.model_fields
        self.spec = spec
        self.actor = actor
        self.report = ImportReport(spec.name)
        self._seen_keys: dict[Any, int] = {}
        self._known_ids: dict[str, set[int]] = {}
        self._pending = (0, 0, 0)  # inserted, updated, valid rows of the open batch
        self._columns = set(spec.table.c.keys())
        self._limits = _unchecked_lengths(spec)
        self._json_columns = {c.name for c in spec.table.c if isinstance(c.type, sa.JSON)}
        self._timestamps = [
            c.name for c in spec.table.c if isinstance(c.type, UTCDateTime) and c.name in fields
        ]
        self._fill = _server_defaults(spec.table)
        self._required = {
            c.name for c in spec.table.c if not c.nullable and c.server_default is None
        }

    # -- a batch -------------------------------------------------------------------

    def write_batch(
        self, conn: Connection, records: Iterable[Record], progress: Progress | None = None
    ) -> bool:
        """Write one batch inside `conn`'s transaction; False when it must be rolled back."""
        batch = Batch(actor=self.actor, now=utcnow(), dialect=conn.dialect.name)
        self._pending = (0, 0, 0)
        failed = False
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK)):
            batch.now = utcnow()
            rows = self._check_chunk(conn, batch, chunk)
            if rows is None:
                failed = True
            elif not failed:
                self._write(conn, batch, rows)
            if progress is not None:
                progress(len(chunk))
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

    def _check_chunk(self, conn: Connection, batch: Batch, chunk: list[Record]) -> list[Row] | None:
        """The chunk's rows ready to write, or None when any of them was rejected."""
        self.report.rows += len(chunk)
        rows: list[Row] = []
        bad: list[Rejected] = []
        for line, record in chunk:
            if isinstance(record, BadRecord):
                problem = FieldProblem(record.field, record.rule, record.message)
                bad.append(Rejected(line, (problem,)))
                continue
            row = self._row(conn, batch, line, record)
            if row.problems:
                bad.append(Rejected(line, tuple(row.problems)))
            else:
                rows.append(row)
        checks = (self._check_references, self._check_keys, self._find_existing, self._finish)
        for check in checks:
            check(conn, batch, rows)
            bad.extend(Rejected(r.line, tuple(r.problems)) for r in rows if r.problems)
            rows = [r for r in rows if not r.problems]
        self._final_values(batch, rows)
        bad.extend(Rejected(r.line, tuple(r.problems)) for r in rows if r.problems)
        rows = [r for r in rows if not r.problems]
        inserted, updated, valid = self._pending
        self._pending = (inserted, updated, valid + len(rows))
        if bad:
            self._reject(sorted(bad, key=lambda r: r.line))
            return None
        return rows

    def _row(self, conn: Connection, batch: Batch, line: int, record: dict[str, Any] | str) -> Row:
        spec = self.spec
        try:
            if isinstance(record, str):
                model = spec.model.model_validate_json(record)
            else:
                model = spec.model.model_validate(record)
        except ValidationError as error:
            row = Row(line, None, {})
            row.problems.extend(_row_problems(error))
            return row
        columns = self._columns
        values = {name: getattr(model, name) for name in model.model_fields_set if name in columns}
        # pydantic's own tzinfo makes every comparison and offset call slow: UTC once.
        for name in self._timestamps:
            value = values.get(name)
            if value is not None:
                values[name] = value.astimezone(UTC)
        row = Row(line, model, values)
        try:
            if spec.prepare is not None:
                spec.prepare(row, batch, conn)
        except InvalidParameter as error:
            row.problems.extend(error.problems)
            return row
        for name, limit in self._limits:
            value = values.get(name)
            if isinstance(value, str) and len(value) > limit:
                row.reject(name, "max_length", f"{name} is limited to {limit} characters")
        self._check_storable(row)
        return row

    def _check_storable(self, row: Row) -> None:
        """What both databases can store: no NUL characters, JSON that encodes."""
        json_columns = self._json_columns
        for name, value in row.values.items():
            if value.__class__ is str:
                if "\x00" in value:
                    row.reject(name, "nul", f"{name}: text may not contain NUL characters")
            elif name in json_columns and value is not None:
                try:
                    text = orjson.dumps(value)
                except TypeError as error:
                    row.reject(name, "json", f"{name}: cannot be stored as JSON ({error})")
                    continue
                if b"\\u0000" in text:
                    row.reject(name, "nul", f"{name}: text may not contain NUL characters")

    def _check_references(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        for field_name, table in self.spec.references.items():
            known = self._known_ids.setdefault(table.name, set())
            wanted = {r.values[field_name] for r in rows if r.values.get(field_name) is not None}
            unknown = wanted - known
            if unknown:
                known.update(_existing_ids(conn, table, self.actor.workspace_id, unknown))
            for row in rows:
                value = row.values.get(field_name)
                if value is not None and value not in known:
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
        spec = self.spec
        keyed = {r.key: r for r in rows if r.key is not None}
        if not keyed:
            return
        table = spec.table
        key = spec.key_column().label("_key")
        columns = [key, table.c.id, *(table.c[name] for name in spec.current)]
        query = sa.select(*columns).where(
            table.c.workspace_id == self.actor.workspace_id,
            spec.key_column().in_(sa.bindparam("keys", expanding=True)),
        )
        if spec.key_where is not None:
            query = query.where(spec.key_where)
        keys = list(keyed)
        for start in range(0, len(keys), LOOKUP_CHUNK):
            for found in conn.execute(query, {"keys": keys[start : start + LOOKUP_CHUNK]}):
                keyed[found._key].existing = found

    def _finish(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        if self.spec.finish is not None and rows:
            self.spec.finish(conn, batch, rows)

    def _final_values(self, batch: Batch, rows: list[Row]) -> None:
        """Each row's values as written: defaults and extras on insert, or its update."""
        spec = self.spec
        for row in rows:
            try:
                values = row.values
                if row.existing is None:
                    for name in spec.always:
                        if name not in values:
                            values[name] = getattr(row.model, name)
                    values.update(spec.on_insert(row, batch))
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
        # (Only called when some value is None: most rows skip it.)
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

    def _write(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        new = [r for r in rows if r.existing is None]
        old = [r for r in rows if r.existing is not None]
        mark_import(conn, self.actor.workspace_id, self.spec.table, rows)
        if new:
            self._insert(conn, batch, new)
        if old:
            self._update(conn, batch, old)
        inserted, updated, valid = self._pending
        self._pending = (inserted + len(new), updated + len(old), valid)

    def _insert(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        names: set[str] = set()
        for row in rows:
            names.update(row.values)
        names &= self._columns
        names -= {"id", "workspace_id", "created_at", "updated_at"}
        columns = sorted(names)
        table = self.spec.table
        dialect = conn.dialect.name
        fill = [(i, self._fill[name]) for i, name in enumerate(columns) if name in self._fill]
        convert = [
            (i, fn)
            for i, fn in enumerate(storage_converters(table, columns, dialect))
            if fn is not None
        ]
        stamp = batch.now if dialect == "postgresql" else format_utc(batch.now)
        tail = (self.actor.workspace_id, stamp, stamp)

        def tuples() -> Iterator[Sequence[Any]]:
            for row in rows:
                get = row.values.get
                values = [get(name) for name in columns]
                for i, default in fill:
                    if values[i] is None:
                        values[i] = default
                for i, fn in convert:
                    value = values[i]
                    if value is not None:
                        values[i] = fn(value)
                values.extend(tail)
                yield values

        all_columns = [*columns, "workspace_id", "created_at", "updated_at"]
        insert_rows(conn, table, all_columns, tuples())

    def _update_postgresql(
        self, conn: Connection, batch: Batch, names: tuple[str, ...], group: list[dict[str, Any]]
    ) -> None:
        _update_postgresql_rows(
            conn, self.spec.table, self.actor.workspace_id, batch.now, names, group
        )

    def _update(self, conn: Connection, batch: Batch, rows: list[Row]) -> None:
        table = self.spec.table
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            names = tuple(sorted(n for n in row.values if n in self._columns))
            params = {f"v_{n}": row.values[n] for n in names}
            params["k_id"] = row.existing.id
            groups.setdefault(names, []).append(params)
        for names, group in groups.items():
            if conn.dialect.name == "postgresql" and len(group) > 50:
                self._update_postgresql(conn, batch, names, group)
                continue
            statement = (
                table.update()
                .where(
                    table.c.workspace_id == self.actor.workspace_id,
                    table.c.id == sa.bindparam("k_id"),
                )
                .values(
                    {n: sa.bindparam(f"v_{n}", type_=table.c[n].type) for n in names}
                    | {"updated_at": batch.now}
                )
            )
            conn.execute(statement, group)


def _update_postgresql_rows(
    conn: Connection,
    table: sa.Table,
    workspace_id: int,
    now: datetime,
    names: tuple[str, ...],
    group: list[dict[str, Any]],
) -> None:
    """Many updates as one statement: COPY them into a temporary table, UPDATE … FROM it."""
    scratch = sa.Table(
        "_turnout_import_update",
        sa.MetaData(),
        sa.Column("_id", sa.BigInteger),
        *(sa.Column(n, table.c[n].type) for n in names),
    )
    conn.exec_driver_sql("DROP TABLE IF EXISTS _turnout_import_update")
    scratch.create(conn)
    columns = ["_id", *names]
    converters = storage_converters(scratch, columns, "postgresql")
    rows = (
        [
            params[f"v_{n}"] if fn is None or params[f"v_{n}"] is None else fn(params[f"v_{n}"])
            for n, fn in zip(names, converters[1:], strict=True)
        ]
        for params in group
    )
    insert_rows(conn, scratch, columns, ([p["k_id"], *r] for p, r in zip(group, rows, strict=True)))
    changes = {n: scratch.c[n] for n in names} | {"updated_at": now}
    conn.execute(
        table.update()
        .where(table.c.workspace_id == workspace_id, table.c.id == scratch.c._id)
        .values(changes)
    )
    scratch.drop(conn)


def _row_problems(error: ValidationError) -> list[FieldProblem]:
    problems = problems_of(error)
    for i, problem in enumerate(problems):
        if problem.rule == "json_invalid":
            problems[i] = FieldProblem("line", "json", f"not a JSON object: {problem.message}")
        elif problem.rule == "model_type":
            problems[i] = FieldProblem("line", "object", "each line must be a JSON object")
    return problems


def _unchecked_lengths(spec: Importable) -> list[tuple[str, int]]:
    """Text columns whose length limit the model does not already enforce."""
    out = []
    fields = spec.model.model_fields
    for column in spec.table.c:
        limit = getattr(column.type, "length", None)
        if not isinstance(column.type, sa.String) or not limit:
            continue
        info = fields.get(column.name)
        if info is not None:
            longest = _longest_text(info.annotation, info.metadata)
            if longest is not None and longest <= limit:
                continue
        out.append((column.name, limit))
    return out


def _longest_text(annotation: Any, metadata: Sequence[Any] = ()) -> int | None:
    """The longest string a field can hold (None: no limit known; 0: no strings)."""
    limits = [m.max_length for m in metadata if getattr(m, "max_length", None) is not None]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _longest_text(base, [*metadata, *extra])
    if origin is typing.Literal:
        return max(len(str(value)) for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        longest = [_longest_text(arg, metadata) for arg in typing.get_args(annotation)]
        return None if None in longest else max(n for n in longest if n is not None)
    if annotation is str:
        return min(limits) if limits else None
    if annotation in _NOT_TEXT or origin in (dict, list):
        return 0
    return None  # a type of its own (EmailStr…): check the stored length


_NOT_TEXT = (int, float, bool, Decimal, datetime, dict, list, type(None))


def _existing_ids(conn: Connection, table: sa.Table, workspace_id: int, ids: set[int]) -> set[int]:
    found: set[int] = set()
    wanted = sorted(ids)
    query = sa.select(table.c.id).where(
        table.c.workspace_id == workspace_id, table.c.id.in_(sa.bindparam("ids", expanding=True))
    )
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(conn.execute(query, {"ids": wanted[start : start + LOOKUP_CHUNK]}).scalars())
    return found


def storage_converters(
    table: sa.Table, columns: Sequence[str], dialect: str
) -> list[Converter | None]:
    """bulk's converters, with a faster path for timestamps (already datetimes here).

    PostgreSQL's COPY takes aware datetimes as they are; SQLite stores UTC text.
    """
    converters = bulk_converters(table, columns, dialect)
    for i, name in enumerate(columns):
        if isinstance(table.c[name].type, UTCDateTime):
            converters[i] = None if dialect == "postgresql" else utc_text
    return converters


def utc_text(value: datetime) -> str:
    """`value` in SQLite's stored form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def _server_defaults(table: sa.Table) -> dict[str, Any]:
    """Python values of the NOT NULL columns' server defaults (what an omitted value gets)."""
    out: dict[str, Any] = {}
    for column in table.c:
        default = column.server_default
        if column.nullable or default is None:
            continue
        arg = getattr(default, "arg", None)
        if isinstance(arg, sa.sql.elements.False_):
            out[column.name] = False
        elif isinstance(arg, sa.sql.elements.True_):
            out[column.name] = True
        elif isinstance(arg, str):
            if isinstance(column.type, Money):
                out[column.name] = Decimal(arg)
            elif isinstance(column.type, sa.Integer):
                out[column.name] = int(arg)
            else:
                out[column.name] = arg
    return out
