"""Resources: each declared once, and the registry that holds them all."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from turnout.core.errors import InvalidParameter
from turnout.core.fields import Field, Join

if TYPE_CHECKING:
    from turnout.core.query import QueryContext

# A bare word in `q` that selects rows by a rule rather than by text (e.g. `upcoming`).
Flag = Callable[["QueryContext"], sa.ColumnElement[bool]]

_JSON_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_ -]{0,63}$")
MAX_JSON_DEPTH = 3


@dataclass(frozen=True, slots=True)
class SearchVia:
    """Free text that also matches rows of a related table (sessions by customer name)."""

    local_column: str
    table: sa.Table
    fields: tuple[str, ...]
    remote_column: str = "id"


@dataclass(frozen=True)
class Resource:
    name: str
    table: sa.Table
    fields: tuple[Field, ...]
    permission: str
    description: str = ""
    time_field: str | None = None
    time_fields: tuple[str, ...] = ()
    # (start, end) of the interval a row covers, for `overlaps=true`.
    interval: tuple[str, str] | None = None
    default_sort: tuple[str, ...] = ("id",)
    flags: Mapping[str, Flag] = field(default_factory=dict)
    # `q` keys that name something other than a field (e.g. label:ID on sessions).
    search_keys: Mapping[str, str] = field(default_factory=dict)
    search_via: tuple[SearchVia, ...] = ()
    # JSON columns whose any key may be addressed as `column.key` (strings).
    open_json: tuple[str, ...] = ()
    # Extra predicates on the related-table side of a filter (labels on sessions).
    relations: Mapping[str, Relation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        assert len(names) == len(set(names)), f"duplicate field in {self.name}"
        assert "id" in names, f"{self.name} needs an id field"
        if self.time_field:
            assert self.time_field in self.time_fields, self.name

    @property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def default_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.default)

    def field(self, name: str, *, param: str | None = None) -> Field:
        """The declared field, or an open JSON path field; else a 400 naming it."""
        found = self.by_name.get(name)
        if found is not None:
            return found
        column, _, rest = name.partition(".")
        if column in self.open_json and rest:
            path = tuple(rest.split("."))
            if len(path) <= MAX_JSON_DEPTH and all(_JSON_KEY.match(p) for p in path):
                return Field(name, "string", column=column, json_path=path, sortable=True)
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise InvalidParameter.for_field(
            param or shown,
            "unknown_field",
            f"{self.name} has no field {shown!r}; fields: {', '.join(self.by_name)}",
        )

    def joins(self) -> tuple[Join, ...]:
        seen: dict[str, Join] = {}
        for f in self.fields:
            if f.join is not None:
                seen.setdefault(f.join.name, f.join)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Relation:
    """A many-to-many filter: rows that have a link to any of the given ids."""

    link_table: sa.Table
    local_column: str  # column of the link table pointing at this resource
    value_column: str  # column of the link table holding the filtered id
    type: str = "integer"


class Registry:
    def __init__(self, resources: tuple[Resource, ...]) -> None:
        self._resources = {r.name: r for r in resources}

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._resources.values())

    def __contains__(self, name: object) -> bool:
        return name in self._resources

    def get(self, name: str) -> Resource:
        return self._resources[name]

    def names(self) -> tuple[str, ...]:
        return tuple(self._resources)
