"""Core report rows in LeadByte's field names and envelope.

    {"status": "Success", "message": "OK", "data": [{"campaign": {...}, "leads": 82, ...}]}

Ids are strings (`"id": "9"`), counts integers, and money JSON numbers spelled
exactly as the core's decimal without trailing zeros (`37.5`, `250`, `0.0255`):
never a float round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

from turnout.dialects.leadbyte.errors import SUCCESS
from turnout.dialects.leadbyte.reports import METRICS, ReportType
from turnout.formats import Column

OK = "OK"


def number(value: Any) -> Any:
    """A count as is; a Decimal as a JSON number without trailing zeros or exponent."""
    if not isinstance(value, Decimal):
        return value
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return orjson.Fragment(str(int(value)))
    text = format(value, "f").rstrip("0").rstrip(".")
    return orjson.Fragment(text)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def row_object(kind: ReportType, row: Mapping[str, Any]) -> dict[str, Any]:
    key = {name: _text(row.get(column)) for name, column in kind.object_fields}
    out: dict[str, Any] = {kind.dimension: key}
    for name, metric in METRICS:
        out[name] = number(row[metric])
    out["currency"] = row.get("currency")
    return out


def rows_as_dicts(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    names = [column.name for column in columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def zero_row(kind: ReportType, labels: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """The row of a named campaign that received no leads in the window."""
    row: dict[str, Any] = dict(labels)
    for _, metric in METRICS:
        row[metric] = 0
    row["currency"] = currency
    return row_object(kind, row)


def success(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"status": SUCCESS, "message": OK, "data": data}
