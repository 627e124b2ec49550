"""The native parameter language: query-string pairs into a core Query.

`field=value` (comma list = any of), `field[op]=value`, `field[null]=true|false`,
`from`/`to`/`preset`/`range`/`tz`/`time_field`/`overlaps`, `q`, `sort`, `cursor`,
`limit`, `offset`/`page`+`per_page`, `fields`, `updated_since`. The admin UI reads
the same language; dialects build Query objects from their own parameters instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from turnout.core.errors import InvalidParameter
from turnout.core.fields import Field
from turnout.core.operators import OPERATORS, SEARCH_OPERATORS
from turnout.core.paging import DEFAULT_LIMIT, MAX_LIMIT
from turnout.core.query import FieldFilter, Predicate, Query, RelationFilter
from turnout.core.registry import Resource
from turnout.core.search import FieldTerm, Flag, Text, parse
from turnout.core.values import MAX_VALUE_LENGTH, parse_bool, parse_value
from turnout.core.windows import parse_instant, parse_zone, resolve_window

# Parameters with a meaning of their own; everything else names a field.
RESERVED = frozenset(
    {
        "from",
        "to",
        "preset",
        "range",
        "tz",
        "time_field",
        "overlaps",
        "q",
        "sort",
        "cursor",
        "limit",
        "offset",
        "page",
        "per_page",
        "fields",
        "format",
        "include",
        "updated_since",
        "bom",
    }
)
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# Operators that order values; a yes/no field has no order.
_ORDERING = frozenset({"gt", "gte", "lt", "lte"})
_FILTER_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\- ]{0,99})(?:\[([A-Za-z_]{1,20})\])?$")
MAX_OFFSET = 10_000_000


@dataclass(frozen=True)
class ListOptions:
    """What a list request asks for besides the rows themselves."""

    query: Query
    include_total: bool
    limit_given: bool


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise InvalidParameter.for_field(name, "single", f"{name} may be given only once")
    if values and len(values[0]) > MAX_VALUE_LENGTH:
        raise InvalidParameter.for_field(
            name, "max_length", f"{name}: values are limited to {MAX_VALUE_LENGTH} characters"
        )
    return values[0] if values else None


def _int(text: str | None, name: str, *, low: int, high: int) -> int | None:
    if text is None:
        return None
    if not _WHOLE_NUMBER.fullmatch(text.strip()):
        raise InvalidParameter.for_field(name, "integer", f"{name} must be a whole number")
    number = int(text.strip())
    if not low <= number <= high:
        raise InvalidParameter.for_field(
            name, "range", f"{name} must be between {low} and {high}, not {number}"
        )
    return number


def integer_bits(resource: Resource, field: Field) -> int:
    """How wide the column behind an integer field is (PostgreSQL refuses overflow)."""
    if field.type != "integer" or field.expression is not None or field.json_path is not None:
        return 64
    table = field.join.table if field.join is not None else resource.table
    column_type = table.c[field.source_column].type
    return 64 if isinstance(column_type, sa.BigInteger) else 32


def _field_filter(resource: Resource, key: str, op_name: str, text: str, tz: ZoneInfo) -> Predicate:
    param = f"{key}[{op_name}]" if op_name != "eq" else key
    operator = OPERATORS.get(op_name)
    if operator is None:
        raise InvalidParameter.for_field(
            param,
            "unknown_operator",
            f"{param}: unknown operator {op_name!r}; use one of {', '.join(OPERATORS)}",
        )
    if key in resource.relations:
        if op_name not in {"eq", "ne"}:
            raise InvalidParameter.for_field(param, "unknown_operator", f"{param}: use = or [ne]")
        relation = resource.relations[key]
        ids = [parse_value(Field(key, "integer"), v, param=param, tz=tz) for v in text.split(",")]
        return RelationFilter(relation, tuple(ids), negate=op_name == "ne")
    field = resource.field(key, param=param)
    if not field.filterable:
        raise InvalidParameter.for_field(
            param, "not_filterable", f"{param}: {resource.name} cannot be filtered by {key!r}"
        )
    if op_name == "null":
        return FieldFilter(field, operator, (parse_bool(text, param),))
    if op_name in _ORDERING and field.type == "boolean":
        raise InvalidParameter.for_field(
            param,
            "unknown_operator",
            f"{param}: {key!r} is true or false; use =, [ne] or [null], not [{op_name}]",
        )
    parts = text.split(",") if operator.many else [text]
    bits = integer_bits(resource, field)
    values = tuple(parse_value(field, part, param=param, tz=tz, int_bits=bits) for part in parts)
    return FieldFilter(field, operator, values)


def _search(
    resource: Resource, q: str, tz: ZoneInfo
) -> tuple[list[str], list[str], list[Predicate]]:
    texts: list[str] = []
    flags: list[str] = []
    filters: list[Predicate] = []
    for term in parse(q, flags=resource.flags.keys()):
        if isinstance(term, Text):
            if term.value:
                texts.append(term.value)
        elif isinstance(term, Flag):
            flags.append(term.name)
        elif isinstance(term, FieldTerm):
            key = resource.search_keys.get(term.key, term.key)
            if key not in resource.relations and key not in resource.by_name:
                try:
                    resource.field(key)
                except InvalidParameter:
                    raise InvalidParameter.for_field(
                        "q",
                        "unknown_key",
                        f"q: unknown key {term.key!r} in term at position {term.position}",
                    ) from None
            try:
                predicate = _field_filter(resource, key, SEARCH_OPERATORS[term.op], term.value, tz)
            except InvalidParameter as exc:
                # The client wrote `q`, not the field's parameter: point at the term.
                shown = f"{term.key}{term.op}{term.value}"
                shown = shown if len(shown) <= 60 else shown[:60] + "..."
                raise InvalidParameter.for_field(
                    "q",
                    exc.rule or "invalid",
                    f"q: term {shown!r} at position {term.position}: {exc.message}",
                ) from None
            filters.append(predicate)
    return texts, flags, filters


def _sort(resource: Resource, text: str | None) -> tuple[tuple[str, bool], ...]:
    if not text:
        return ()
    out = []
    for part in text.split(","):
        name = part.strip()
        if not name:
            raise InvalidParameter.for_field("sort", "format", "sort: empty field name")
        desc = name.startswith("-")
        name = name.lstrip("-+")
        resource.field(name, param="sort")
        out.append((name, desc))
    return tuple(out)


def _fields(resource: Resource, text: str | None) -> tuple[Field, ...] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise InvalidParameter.for_field("fields", "required", "fields: name at least one field")
    return tuple(resource.field(n, param="fields") for n in dict.fromkeys(names))


def parse_list_params(
    resource: Resource,
    params: Sequence[tuple[str, str]],
    *,
    workspace_id: int,
    workspace_tz: str,
    now: datetime,
    default_limit: int | None = DEFAULT_LIMIT,
) -> ListOptions:
    tz = parse_zone(_one(params, "tz"), default=workspace_tz)
    time_field = _one(params, "time_field")
    if time_field is not None and time_field not in resource.time_fields:
        raise InvalidParameter.for_field(
            "time_field",
            "one_of",
            f"time_field must be one of {', '.join(resource.time_fields) or '(none)'}",
        )
    window = resolve_window(
        start=_one(params, "from"),
        end=_one(params, "to"),
        preset=_one(params, "preset"),
        range_=_one(params, "range"),
        tz=tz,
        now=now,
    )
    overlaps_text = _one(params, "overlaps")
    overlaps = parse_bool(overlaps_text, "overlaps") if overlaps_text is not None else False
    if overlaps and resource.interval is None:
        raise InvalidParameter.for_field(
            "overlaps", "not_interval", f"overlaps: {resource.name} rows are not intervals"
        )

    filters: list[Predicate] = []
    for key, value in params:
        if key in RESERVED:
            continue
        match = _FILTER_KEY.match(key)
        if match is None:
            shown = key[:60]
            raise InvalidParameter.for_field(
                shown, "unknown_parameter", f"unknown parameter {shown!r}"
            )
        filters.append(_field_filter(resource, match[1], (match[2] or "eq").lower(), value, tz))

    texts: list[str] = []
    flags: list[str] = []
    q = _one(params, "q")
    if q:
        texts, flags, search_filters = _search(resource, q, tz)
        filters.extend(search_filters)

    limit_name = "limit" if _one(params, "limit") is not None else "per_page"
    limit = _int(_one(params, limit_name), limit_name, low=1, high=MAX_LIMIT)
    page = _int(_one(params, "page"), "page", low=1, high=MAX_OFFSET)
    offset = _int(_one(params, "offset"), "offset", low=0, high=MAX_OFFSET)
    cursor = _one(params, "cursor")
    effective_limit = limit if limit is not None else default_limit
    if page is not None:
        if offset is not None:
            raise InvalidParameter.for_field("page", "exclusive", "give page or offset, not both")
        offset = (page - 1) * (effective_limit or DEFAULT_LIMIT)
    if cursor is not None and offset:
        raise InvalidParameter.for_field(
            "cursor", "exclusive", "give cursor or offset/page, not both"
        )

    updated_text = _one(params, "updated_since")
    updated_since = None
    if updated_text is not None:
        if "updated_at" not in resource.table.c:
            raise InvalidParameter.for_field(
                "updated_since", "supported", f"{resource.name} records are never updated"
            )
        updated_since, _ = parse_instant(updated_text.strip(), field="updated_since", tz=tz)

    # Read by the edge itself, but like every other parameter given at most once.
    _one(params, "format")
    _one(params, "bom")
    include = {i.strip() for i in (_one(params, "include") or "").split(",") if i.strip()}
    if include - {"total"}:
        raise InvalidParameter.for_field("include", "one_of", "include may only be 'total'")

    query = Query(
        resource=resource,
        workspace_id=workspace_id,
        tz=tz,
        filters=tuple(filters),
        window=window,
        time_field=time_field,
        overlaps=overlaps,
        texts=tuple(texts),
        flags=tuple(flags),
        sort=_sort(resource, _one(params, "sort")),
        fields=_fields(resource, _one(params, "fields")),
        limit=effective_limit,
        cursor=cursor,
        offset=offset,
        updated_since=updated_since,
        now=now,
    )
    return ListOptions(query=query, include_total="total" in include, limit_given=limit is not None)
