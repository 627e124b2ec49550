"""Core queries and their compilation to SQL.

`compile_query` is the one place that builds a SELECT on a tenant table, and it
adds the workspace predicate itself (also inside every join and sub-select), so
no edge can forget it. Edges build `Query` objects (the native API from its
parameters, dialects from theirs) and never write SQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter
from turnout.core.fields import Field
from turnout.core.operators import Operator
from turnout.core.paging import SortKey, after, decode_cursor, sort_signature
from turnout.core.registry import Relation, Resource
from turnout.core.values import bind_value
from turnout.core.windows import Window, day_window
from turnout.formats.base import Column


@dataclass(frozen=True, slots=True)
class FieldFilter:
    field: Field
    operator: Operator
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class RelationFilter:
    relation: Relation
    values: tuple[Any, ...]
    negate: bool = False


Predicate = FieldFilter | RelationFilter


@dataclass(frozen=True)
class Query:
    resource: Resource
    workspace_id: int
    tz: ZoneInfo
    filters: tuple[Predicate, ...] = ()
    window: Window | None = None
    time_field: str | None = None
    overlaps: bool = False
    texts: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    sort: tuple[tuple[str, bool], ...] = ()
    fields: tuple[Field, ...] | None = None
    limit: int | None = None
    cursor: str | None = None
    offset: int | None = None
    updated_since: datetime | None = None
    now: datetime = field(default_factory=utcnow)

    @property
    def projection(self) -> tuple[Field, ...]:
        return self.fields if self.fields is not None else self.resource.default_fields


@dataclass(frozen=True)
class QueryContext:
    """What flags and expressions may need to know about the running query."""

    table: sa.Table
    dialect: str
    now: datetime
    tz: ZoneInfo
    workspace_id: int

    def today(self) -> Window:
        return day_window(self.now.astimezone(self.tz).date(), self.tz)


@dataclass(frozen=True)
class CompiledQuery:
    select: sa.Select[Any]
    columns: tuple[Column, ...]
    # Trailing columns that only carry sort values for the next cursor.
    hidden: int
    sort_keys: tuple[SortKey, ...]
    sort_fields: tuple[Field, ...]
    signature: str
    where: sa.ColumnElement[bool]
    from_: sa.FromClause


@functools.cache
def _alias(table: sa.Table, name: str) -> sa.Table:
    # One alias object per join for the life of the process, so that select lists
    # built on it can be reused by every query of the same shape.
    return table.alias(f"j_{name}")  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What never changes between queries of one shape: the SELECT with its labelled
    output columns (building and coercing 40 of them is the costliest part of
    compiling) and the columns the formats are told about."""

    select: sa.Select[Any]
    columns: tuple[Column, ...]


# Per (resource, fields, sort, dialect), bounded: a client can only vary fields and sort.
_SHAPES: dict[tuple[Any, ...], _Shape] = {}
_SHAPES_MAX = 2048


def _shape(
    query: Query,
    sources: _Sources,
    spec: tuple[tuple[Field, bool], ...],
    dialect: str,
    with_cursor_columns: bool,
) -> _Shape:
    # The table object, not id(resource): an id may be reused once its object is gone.
    resource = query.resource
    sort = spec if with_cursor_columns else ()
    key = (resource.name, resource.table, query.projection, sort, dialect)
    found = _SHAPES.get(key)
    if found is not None:
        for f in query.projection:
            sources.of(f)  # the joins the cached list reads from
        return found
    selected = [output_expr(f, sources.of(f), dialect).label(f.name) for f in query.projection]
    if with_cursor_columns:
        for f, _ in spec:
            selected.append(output_expr(f, sources.of(f), dialect).label(f"_sort_{f.name}"))
    columns = tuple(Column(f.name, f.output_type) for f in query.projection)  # type: ignore[arg-type]
    if len(_SHAPES) >= _SHAPES_MAX:
        _SHAPES.clear()
    _SHAPES[key] = built = _Shape(sa.select(*selected), columns)
    return built


class _Sources:
    """The resource table plus the joins its fields need, added on first use."""

    def __init__(self, query: Query) -> None:
        self.table = query.resource.table
        self.workspace_id = query.workspace_id
        self.from_: sa.FromClause = self.table
        self._aliases: dict[str, sa.Table] = {}

    def of(self, f: Field) -> sa.Table:
        if f.join is None:
            return self.table
        join = f.join
        if join.name not in self._aliases:
            alias = _alias(join.table, join.name)
            self._aliases[join.name] = alias
            self.from_ = self.from_.outerjoin(
                alias,
                sa.and_(
                    alias.c[join.remote_column] == self.table.c[join.local_column],
                    alias.c.workspace_id == self.workspace_id,
                ),
            )
        return self._aliases[join.name]


def value_expr(f: Field, source: sa.Table, dialect: str) -> sa.ColumnElement[Any]:
    """The field as SQL for comparing and sorting (typed like its column)."""
    if f.expression is not None:
        return f.expression(source, dialect)
    column = source.c[f.source_column]
    if f.json_path is not None:
        return column[f.json_path].as_string()
    return column


_PG_TIMESTAMP = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'


def output_expr(f: Field, source: sa.Table, dialect: str) -> sa.ColumnElement[Any]:
    """The field as SQL for output: values come back ready to write, unprocessed.

    Timestamps as canonical UTC text on both backends, money as a float of its
    exact value, JSON as text; so the hot path never builds a Python object per
    value (see turnout.formats).
    """
    expr = value_expr(f, source, dialect)
    if f.expression is not None or f.json_path is not None:
        return sa.type_coerce(expr, sa.String) if f.type == "json" else expr
    if f.type == "datetime":
        if dialect == "postgresql":
            return sa.func.to_char(sa.func.timezone("UTC", expr), _PG_TIMESTAMP)
        return sa.type_coerce(expr, sa.String)
    if f.type == "money":
        raw = sa.cast(sa.type_coerce(expr, sa.BigInteger), sa.Float)
        return sa.type_coerce(raw / 10000.0, sa.Float)
    if f.type == "json":
        return (
            sa.cast(expr, sa.Text) if dialect == "postgresql" else sa.type_coerce(expr, sa.String)
        )
    if f.type == "boolean" and dialect == "sqlite":
        return sa.type_coerce(expr, sa.Integer)
    return expr


def _text_match(query: Query, sources: _Sources, text: str, dialect: str) -> sa.ColumnElement[bool]:
    resource = query.resource
    parts: list[sa.ColumnElement[bool]] = []
    for f in resource.fields:
        if f.searchable:
            parts.append(value_expr(f, sources.of(f), dialect).icontains(text, autoescape=True))
    for via in resource.search_via:
        related = via.table
        matches = sa.or_(*(related.c[name].icontains(text, autoescape=True) for name in via.fields))
        parts.append(
            sources.table.c[via.local_column].in_(
                sa.select(related.c[via.remote_column]).where(
                    related.c.workspace_id == query.workspace_id, matches
                )
            )
        )
    return sa.or_(*parts) if parts else sa.false()


def _relation(query: Query, table: sa.Table, rel: RelationFilter) -> sa.ColumnElement[bool]:
    link = rel.relation.link_table
    exists = (
        sa.select(sa.literal(1))
        .where(
            link.c.workspace_id == query.workspace_id,
            link.c[rel.relation.local_column] == table.c.id,
            link.c[rel.relation.value_column].in_(rel.values),
        )
        .exists()
    )
    return sa.not_(exists) if rel.negate else exists


def _window(query: Query, sources: _Sources, dialect: str) -> list[sa.ColumnElement[bool]]:
    window = query.window
    if window is None or (window.start is None and window.end is None):
        return []
    resource = query.resource
    if query.overlaps:
        if resource.interval is None:
            raise InvalidParameter.for_field(
                "overlaps", "not_interval", f"{resource.name} rows are not intervals"
            )
        start_f, end_f = (resource.field(n) for n in resource.interval)
        start = value_expr(start_f, sources.of(start_f), dialect)
        end = value_expr(end_f, sources.of(end_f), dialect)
        # start <= window end AND end >= window start; open rows (no end) extend to now.
        out: list[sa.ColumnElement[bool]] = [start.is_not(None)]
        if window.end is not None:
            out.append(start < window.end)
        if window.start is not None:
            out.append(sa.or_(end >= window.start, end.is_(None)))
        return out
    name = query.time_field or resource.time_field
    if name is None:
        raise InvalidParameter.for_field(
            "from", "no_time_field", f"{resource.name} has no time field"
        )
    time_f = resource.field(name)
    expr = value_expr(time_f, sources.of(time_f), dialect)
    bounds: list[sa.ColumnElement[bool]] = []
    if window.start is not None:
        bounds.append(expr >= window.start)
    if window.end is not None:
        bounds.append(expr < window.end)
    return bounds


def sort_spec(query: Query) -> tuple[tuple[Field, bool], ...]:
    resource = query.resource
    requested = query.sort or tuple(
        (name.lstrip("-"), name.startswith("-")) for name in resource.default_sort
    )
    spec = [(resource.field(name, param="sort"), desc) for name, desc in requested]
    for f, _ in spec:
        if not f.sortable:
            raise InvalidParameter.for_field(
                "sort", "not_sortable", f"sort: {resource.name} cannot be sorted by {f.name!r}"
            )
    if all(f.name != "id" for f, _ in spec):
        # The primary key makes the order total; same direction keeps it index-friendly.
        spec.append((resource.field("id"), spec[-1][1] if spec else False))
    return tuple(spec)


def _nullable(f: Field, table: sa.Table) -> bool:
    if f.join is not None or f.expression is not None or f.json_path is not None:
        return True
    return bool(table.c[f.source_column].nullable)


def compile_query(query: Query, dialect: str, *, with_cursor_columns: bool = True) -> CompiledQuery:
    resource = query.resource
    table = resource.table
    sources = _Sources(query)
    ctx = QueryContext(table, dialect, query.now, query.tz, query.workspace_id)

    conditions: list[sa.ColumnElement[bool]] = [table.c.workspace_id == query.workspace_id]
    for predicate in query.filters:
        if isinstance(predicate, RelationFilter):
            conditions.append(_relation(query, table, predicate))
        else:
            f = predicate.field
            expr = value_expr(f, sources.of(f), dialect)
            conditions.append(predicate.operator.compile(expr, predicate.values))
    conditions.extend(_window(query, sources, dialect))
    for text in query.texts:
        conditions.append(_text_match(query, sources, text, dialect))
    for name in query.flags:
        conditions.append(resource.flags[name](ctx))
    if query.updated_since is not None:
        conditions.append(table.c.updated_at >= query.updated_since)

    spec = sort_spec(query)
    keys = tuple(
        SortKey(f.name, value_expr(f, sources.of(f), dialect), desc, _nullable(f, table))
        for f, desc in spec
    )
    signature = sort_signature(keys)
    where = sa.and_(*conditions)
    if query.cursor is not None:
        raw = decode_cursor(query.cursor, signature)
        if len(raw) != len(spec):
            raise InvalidParameter.for_field("cursor", "cursor", "cursor is not valid: wrong shape")
        values = [bind_value(f, v) for (f, _), v in zip(spec, raw, strict=True)]
        where = sa.and_(where, after(keys, values))

    shape = _shape(query, sources, spec, dialect, with_cursor_columns)
    hidden = len(spec) if with_cursor_columns else 0
    order_by = [clause for key in keys for clause in key.order_by(dialect)]
    select = shape.select.select_from(sources.from_).where(where).order_by(*order_by)
    if query.limit is not None:
        select = select.limit(query.limit)
    if query.offset:
        select = select.offset(query.offset)
    return CompiledQuery(
        select=select,
        columns=shape.columns,
        hidden=hidden,
        sort_keys=keys,
        sort_fields=tuple(f for f, _ in spec),
        signature=signature,
        where=where,
        from_=sources.from_,
    )


def count_select(compiled: CompiledQuery) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(compiled.from_).where(compiled.where)
