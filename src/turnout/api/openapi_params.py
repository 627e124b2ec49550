"""OpenAPI parameter lists generated from the registry, so /docs stays accurate."""

from __future__ import annotations

from typing import Any

from turnout.core.fields import Field
from turnout.core.operators import OPERATORS
from turnout.core.paging import DEFAULT_LIMIT, MAX_LIMIT
from turnout.core.registry import Resource
from turnout.core.windows import PRESETS

_ORDERED = frozenset({"integer", "decimal", "money", "datetime"})
_SCHEMAS: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "decimal": {"type": "string", "format": "decimal"},
    "money": {"type": "string", "format": "decimal"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "description": "ISO 8601 date-time, or a date (whole day)"},
    "string": {"type": "string"},
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _field_schema(f: Field) -> dict[str, Any]:
    if f.enum:
        return {"type": "string", "enum": list(f.enum)}
    return dict(_SCHEMAS.get(f.type, {"type": "string"}))


def _operators_for(f: Field) -> list[str]:
    ops = ["ne", "null"]
    if f.type in _ORDERED:
        ops = ["gt", "gte", "lt", "lte", *ops]
    return ops


def list_parameters(resource: Resource) -> list[dict[str, Any]]:
    string = {"type": "string"}
    params = [
        _query(
            "from", "Window start on the time field: a date (local midnight) or date-time.", string
        ),
        _query("to", "Window end, inclusive: a date includes that whole day.", string),
        _query(
            "preset",
            "A named window in the zone `tz`.",
            {"type": "string", "enum": [*PRESETS, "lastweek"]},
        ),
        _query(
            "range",
            "A duration counted from `from`, e.g. `1 month 5 days`, `1 day 8 hours`.",
            string,
        ),
        _query("tz", "IANA time zone for dates and presets (default: the workspace's).", string),
        _query(
            "time_field",
            "Field the window applies to.",
            {"type": "string", "enum": list(resource.time_fields)}
            if resource.time_fields
            else string,
        ),
        _query(
            "q",
            'Search: words and "phrases" match '
            + ", ".join(f.name for f in resource.fields if f.searchable)
            + "; `key:value`, `key>value`, `key<value` address fields"
            + (f"; flags: {', '.join(resource.flags)}" if resource.flags else "")
            + ".",
            string,
        ),
        _query(
            "sort",
            "Comma list of sortable fields, `-` for descending: "
            + ", ".join(f.name for f in resource.fields if f.sortable)
            + ".",
            string,
        ),
        _query("cursor", "Opaque keyset cursor from a previous page's `next_cursor`.", string),
        _query(
            "limit",
            f"Rows per page (JSON), default {DEFAULT_LIMIT}; for exports, a cap.",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        ),
        _query("offset", "Rows to skip (prefer `cursor`).", {"type": "integer", "minimum": 0}),
        _query(
            "page", "Page number with `limit` (prefer `cursor`).", {"type": "integer", "minimum": 1}
        ),
        _query(
            "fields",
            "Comma list of fields to return: " + ", ".join(f.name for f in resource.fields) + ".",
            string,
        ),
        *(
            [
                _query(
                    "updated_since",
                    "Rows changed at or after this instant (incremental sync; feed it "
                    "the previous response's X-Snapshot-Time).",
                    string,
                )
            ]
            if "updated_at" in resource.table.c
            else []
        ),
        _query(
            "include",
            "`total` adds an exact row count to JSON pages.",
            {"type": "string", "enum": ["total"]},
        ),
        _query(
            "format",
            "json (a page), or ndjson, csv, xlsx (the whole result, streamed). "
            "The Accept header works too.",
            {"type": "string", "enum": ["json", "ndjson", "csv", "xlsx"]},
        ),
        _query("bom", "CSV: start with a UTF-8 byte order mark (for Excel).", {"type": "boolean"}),
    ]
    if resource.interval:
        start, end = resource.interval
        params.append(
            _query(
                "overlaps",
                f"With a window: rows whose {start}..{end} interval overlaps it "
                f"({start} <= to AND {end} >= from; open rows count as ongoing).",
                {"type": "boolean"},
            )
        )
    for name in resource.relations:
        params.append(_query(name, f"Rows linked to any of these {name} ids (comma list).", string))
        params.append(_query(f"{name}[ne]", f"Rows linked to none of these {name} ids.", string))
    for f in resource.fields:
        if not f.filterable:
            continue
        described = f.description or f"{f.name} {OPERATORS['eq'].words}."
        params.append(_query(f.name, described + " A comma list means any of.", string))
        for op in _operators_for(f):
            schema = {"type": "boolean"} if op == "null" else _field_schema(f)
            params.append(_query(f"{f.name}[{op}]", f"{f.name} {OPERATORS[op].words}.", schema))
    return params
