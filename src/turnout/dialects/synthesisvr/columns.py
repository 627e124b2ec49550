"""The columns SynthesisVR clients read, and how each is made from a core field.

Each output column reads one core field. JSON gets local dates, times and ISO 8601
timestamps with the workspace's offset; XLSX gets typed cells (dates, numbers,
booleans, datetimes shown in the workspace's zone by the writer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from turnout.core.fields import Field
from turnout.core.registry import Resource
from turnout.core.resources.sessions import ONLINE_CHANNELS
from turnout.formats import Column, ColumnType

# One argument per source field.
Convert = Callable[..., Any]


def _same(value: Any) -> Any:
    return value


def _instant(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _or_none(value: Any) -> Any:
    return value or None


def _online(channel: Any) -> bool | None:
    return None if channel is None else channel in ONLINE_CHANNELS


def _ids(value: Any) -> list[Any]:
    if value is None:
        return []
    loaded = orjson.loads(value) if isinstance(value, str | bytes) else value
    return list(loaded) if isinstance(loaded, list) else []


def _id_list_text(value: Any) -> str:
    return ",".join(str(v) for v in _ids(value))


def _json_object(value: Any) -> Any:
    if value is None:
        return {}
    return orjson.loads(value) if isinstance(value, str | bytes) else value


class _Local:
    """Converters that show an instant in the workspace's zone."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def date(self, value: Any) -> str | None:
        return None if value is None else _instant(value).astimezone(self.tz).date().isoformat()

    def time(self, value: Any) -> str | None:
        return None if value is None else _instant(value).astimezone(self.tz).strftime("%H:%M")

    def iso(self, value: Any) -> str | None:
        if value is None:
            return None
        return _instant(value).astimezone(self.tz).isoformat(timespec="seconds")


@dataclass(frozen=True)
class OutColumn:
    """An output column: its name, XLSX cell type, the core field(s) it reads and
    how their values become its value (converters take one argument per source)."""

    name: str
    sources: tuple[str, ...]
    type: ColumnType
    to_json: Convert = _same
    to_xlsx: Convert = _same


def column(
    name: str, source: str, kind: ColumnType, to_json: Convert = _same, to_xlsx: Convert = _same
) -> OutColumn:
    return OutColumn(name, (source,), kind, to_json, to_xlsx)


@dataclass(frozen=True)
class Layout:
    """The columns of one response, and the core fields they are read from."""

    columns: tuple[OutColumn, ...]
    fields: tuple[Field, ...]

    def writer_columns(self) -> tuple[Column, ...]:
        return tuple(Column(c.name, c.type) for c in self.columns)

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def rows(self, source: Iterable[Sequence[Any]], *, xlsx: bool) -> Iterator[tuple[Any, ...]]:
        """Core rows (one value per field) into output rows (one per column)."""
        index = {f.name: i for i, f in enumerate(self.fields)}
        plan = [
            (tuple(index[s] for s in c.sources), c.to_xlsx if xlsx else c.to_json)
            for c in self.columns
        ]
        for row in source:
            yield tuple(convert(*(row[i] for i in at)) for at, convert in plan)


def layout(resource: Resource, columns: Sequence[OutColumn]) -> Layout:
    names = dict.fromkeys(s for c in columns for s in c.sources)
    return Layout(tuple(columns), tuple(resource.field(n) for n in names))


def _customer(phone: bool) -> list[OutColumn]:
    columns = [
        column("customer_id", "customer_id", "integer"),
        # The core joins the name as "" when a row has no customer; say null instead.
        column("customer_name", "customer_name", "string", _or_none, _or_none),
        column("customer_email", "customer_email", "string"),
    ]
    if phone:
        columns.append(column("customer_phone", "customer_phone", "string"))
    return columns


def session_columns(tz: ZoneInfo, *, phone: bool, comments: bool) -> list[OutColumn]:
    local = _Local(tz)
    columns = [
        column("uuid", "uuid", "string"),
        column("external_uuid", "external_uuid", "string"),
        column("date", "start_at", "date", local.date, local.date),
        column("time", "start_at", "string", local.time, local.time),
        column("duration", "duration_minutes", "integer"),
        column("people", "people", "integer"),
        column("stations", "stations", "integer"),
        column("experience", "experience", "string"),
        column("venue", "venue_name", "string"),
        column("status", "status", "string"),
        column("booked_online", "channel", "boolean", _online, _online),
        column("channel", "channel", "string"),
        *_customer(phone),
        column("labels", "label_ids", "string", _ids, _id_list_text),
        column("created", "created_at", "datetime", local.iso),
    ]
    if comments:
        columns.append(column("comments", "comments", "string"))
    return columns


def goods_columns(tz: ZoneInfo, *, phone: bool) -> list[OutColumn]:
    local = _Local(tz)
    return [
        column("id", "id", "integer"),
        column("item", "item", "string"),
        column("category", "category", "string"),
        column("quantity", "quantity", "integer"),
        column("price", "unit_price", "decimal"),
        column("total", "amount", "decimal"),
        column("currency", "currency", "string"),
        column("date", "sold_at", "date", local.date, local.date),
        column("time", "sold_at", "string", local.time, local.time),
        column("sold_at", "sold_at", "datetime", local.iso),
        column("session_uuid", "session_uuid", "string"),
        column("venue", "venue_name", "string"),
        *_customer(phone),
    ]


def full_name(first: Any, last: Any) -> str:
    return " ".join(part for part in (first, last) if part)


def customer_columns(tz: ZoneInfo) -> dict[str, OutColumn]:
    """Every customer column, by name, in the order of the JSON export."""
    local = _Local(tz)
    columns = [
        column("id", "id", "integer"),
        column("email", "email", "string"),
        OutColumn("fullname", ("first_name", "last_name"), "string", full_name, full_name),
        column("phone", "phone", "string"),
        column("balance", "balance", "decimal"),
        column("widget", "source", "string"),
        column("sessions", "session_count", "integer"),
        column("regdate", "created_at", "string", local.iso, local.iso),
        column("custom_fields", "profile", "json", _json_object),
    ]
    return {c.name: c for c in columns}


__all__ = [
    "Layout",
    "OutColumn",
    "column",
    "customer_columns",
    "full_name",
    "goods_columns",
    "layout",
    "session_columns",
]
