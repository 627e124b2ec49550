"""Fields: what one resource exposes, declared once.

A field knows where its value lives (a column, a JSON path inside a column, a
column of a joined table, or a SQL expression), its type, and whether clients may
filter, sort and search on it. The query engine, the native API's parameters, the
OpenAPI description, exports and the admin UI are all read from these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

FieldType = Literal[
    "string", "integer", "decimal", "money", "boolean", "datetime", "date", "json", "enum"
]


@dataclass(frozen=True, slots=True)
class Join:
    """A table reached from the resource through a foreign key (LEFT OUTER JOIN).

    The join is added only when a projected, filtered or sorted field needs it, and
    its ON clause repeats the workspace predicate.
    """

    name: str
    table: sa.Table
    local_column: str
    remote_column: str = "id"


# Builds an expression from the resource's table (and the dialect name, since
# some expressions differ between SQLite and PostgreSQL).
Expression = Callable[[sa.Table, str], sa.ColumnElement[object]]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType = "string"
    column: str | None = None
    json_path: tuple[str, ...] | None = None
    join: Join | None = None
    expression: Expression | None = None
    filterable: bool = True
    sortable: bool = False
    searchable: bool = False
    default: bool = True
    enum: tuple[str, ...] | None = None
    description: str = ""

    @property
    def source_column(self) -> str:
        return self.column or self.name

    @property
    def output_type(self) -> str:
        """The type a format writer sees (see turnout.formats.base.ColumnType)."""
        return {"money": "decimal", "enum": "string"}.get(self.type, self.type)


def string(name: str, **kw: object) -> Field:
    return Field(name, "string", **kw)  # type: ignore[arg-type]


def integer(name: str, **kw: object) -> Field:
    return Field(name, "integer", **kw)  # type: ignore[arg-type]


def money(name: str, **kw: object) -> Field:
    return Field(name, "money", **kw)  # type: ignore[arg-type]


def boolean(name: str, **kw: object) -> Field:
    return Field(name, "boolean", **kw)  # type: ignore[arg-type]


def timestamp(name: str, **kw: object) -> Field:
    kw.setdefault("sortable", True)
    return Field(name, "datetime", **kw)  # type: ignore[arg-type]


def enum(name: str, values: tuple[str, ...], **kw: object) -> Field:
    return Field(name, "enum", enum=values, **kw)  # type: ignore[arg-type]


def json(name: str, **kw: object) -> Field:
    kw.setdefault("filterable", False)
    return Field(name, "json", **kw)  # type: ignore[arg-type]


def ident(name: str = "id", **kw: object) -> Field:
    kw.setdefault("sortable", True)
    return Field(name, "integer", **kw)  # type: ignore[arg-type]
