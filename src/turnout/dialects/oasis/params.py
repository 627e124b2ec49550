"""OASIS query parameters, checked the way the product's Joi schema checks them.

Each parameter is looked up in one of three small tables (exact matches,
min/max pairs, and the paging/sorting parameters) and becomes a core
`FieldFilter`; nothing here knows SQL. The first broken rule is a 400 that names
the parameter (Joi stops at the first error too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from turnout.core.errors import InvalidParameter
from turnout.core.operators import OPERATORS, Day
from turnout.core.params import integer_bits
from turnout.core.query import FieldFilter
from turnout.core.resources.sessions import SESSIONS
from turnout.core.values import MAX_VALUE_LENGTH, parse_value
from turnout.dialects.oasis.cursors import Position, decode_position
from turnout.dialects.oasis.errors import problem

DEFAULT_COUNT = 20
MAX_COUNT = 200
UTC_ZONE = ZoneInfo("UTC")

# orderBy value -> core field (the seed lists storeId twice; once is enough).
ORDER_BY: dict[str, str] = {
    "id": "id",
    "code": "code",
    "storeId": "venue_id",
    "visitors": "visitors",
    "groupSize": "group_size",
    "expiresAt": "expires_at",
    "customerId": "customer_id",
    "codeLastSuccesfullyScannedAt": "code_last_scanned_at",
    "customerLastEnteredAt": "last_entered_at",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}
DIRECTIONS = ("asc", "desc")
# Session statuses a filter may name (Turnout's session vocabulary).
STATUSES = ("booked", "active", "completed", "cancelled", "expired", "no-show")

Kind = Literal["integer", "string", "date"]


@dataclass(frozen=True, slots=True)
class Equals:
    """`param=value`: rows whose field equals the value."""

    param: str
    field: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Between:
    """`min<Name>` / `max<Name>`: inclusive bounds on one field."""

    name: str
    field: str
    kind: Kind
    lowest_min: int | None = None
    lowest_max: int | None = None

    @property
    def low(self) -> str:
        return f"min{self.name}"

    @property
    def high(self) -> str:
        return f"max{self.name}"


EQUALS = (
    Equals("id", "id", "integer"),
    Equals("code", "code", "string"),
    Equals("sessionToken", "token", "string"),
    Equals("storeId", "venue_id", "integer"),
    Equals("customerId", "customer_id", "integer"),
)
BETWEENS = (
    Between("CreatedAt", "created_at", "date"),
    Between("UpdatedAt", "updated_at", "date"),
    Between("Visitors", "visitors", "integer", lowest_min=0, lowest_max=1),
    Between("GroupSize", "group_size", "integer", lowest_min=0, lowest_max=1),
    Between("ExpiresAt", "expires_at", "date"),
    Between("CodeLastSuccesfullyScannedAt", "code_last_scanned_at", "date"),
    Between("CustomerLastEnteredAt", "last_entered_at", "date"),
)
PAGING = ("count", "after", "before", "orderBy", "direction")
KNOWN = frozenset(
    [*PAGING, *(e.param for e in EQUALS), *(b.low for b in BETWEENS), *(b.high for b in BETWEENS)]
)
# `status`, `status[]`, `status[0]`: repeated keys and qs-style arrays alike.
_STATUS_KEY = re.compile(r"^status(?:\[[0-9]{0,4}\])?$")
_BASE = {
    "integer": ("number.base", "must be a number"),
    "date": ("date.base", "must be a valid date"),
}
_STRING_BASE = ("string.base", "must be a string")
# ASCII numbers only: Decimal() alone would also take "1_000" or non-ASCII digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class ListRequest:
    filters: tuple[FieldFilter, ...]
    order_by: str
    descending: bool
    count: int
    after: Position | None
    before: Position | None


def _single(params: Sequence[tuple[str, str]], name: str, kind: str = "string") -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        # qs would hand Joi an array here, which fails the parameter's type.
        raise problem(name, *_BASE.get(kind, _STRING_BASE))
    return values[0] if values else None


def parse_number(param: str, text: str, *, low: int | None, bits: int = 64) -> int:
    stripped = text.strip()
    if len(stripped) > 40 or not _NUMBER.fullmatch(stripped):
        raise problem(param, "number.base", "must be a number")
    number = Decimal(stripped)
    if number.adjusted() > 30:
        raise problem(param, "number.unsafe", "must be a safe number")
    if number != number.to_integral_value():
        raise problem(param, "number.integer", "must be an integer")
    value = int(number)
    if low is not None and value < low:
        raise problem(param, "number.min", f"must be greater than or equal to {low}")
    bound = 2 ** (bits - 1)
    if not -bound <= value < bound:
        raise problem(param, "number.unsafe", "must be a safe number")
    return value


def _string(param: str, text: str) -> str:
    if text == "":
        raise problem(param, "string.empty", "is not allowed to be empty")
    if len(text) > MAX_VALUE_LENGTH:
        raise problem(
            param,
            "string.max",
            f"length must be less than or equal to {MAX_VALUE_LENGTH} characters long",
        )
    if "\0" in text:
        # No stored value holds a NUL, and PostgreSQL cannot bind one.
        raise problem(param, "any.invalid", "contains an invalid value")
    return text


def _date(param: str, text: str, field_name: str) -> datetime | Day:
    if not text.strip():
        raise problem(param, "date.base", "must be a valid date")
    try:
        value: datetime | Day = parse_value(
            SESSIONS.field(field_name), text, param=param, tz=UTC_ZONE
        )
    except InvalidParameter as exc:
        if exc.rule == "date_format":
            raise problem(param, "date.format", "must be in ISO 8601 date format") from None
        raise problem(param, "date.base", "must be a valid date") from None
    return value


def _value(param: str, text: str, field_name: str, kind: Kind, low: int | None = None) -> Any:
    if kind == "integer":
        bits = integer_bits(SESSIONS, SESSIONS.field(field_name))
        return parse_number(param, text, low=low, bits=bits)
    if kind == "date":
        return _date(param, text, field_name)
    return _string(param, text)


def _filter(field_name: str, op: str, *values: Any) -> FieldFilter:
    return FieldFilter(SESSIONS.field(field_name), OPERATORS[op], tuple(values))


def _exclusive_end(value: Any) -> Any:
    """The first value past an inclusive upper bound (a whole day ends at its end)."""
    if isinstance(value, Day):
        return value.end
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    return value + 1


def _start(value: Any) -> Any:
    return value.start if isinstance(value, Day) else value


def _between(params: Sequence[tuple[str, str]], spec: Between) -> list[FieldFilter]:
    out: list[FieldFilter] = []
    low_text = _single(params, spec.low, spec.kind)
    high_text = _single(params, spec.high, spec.kind)
    low = high = None
    if low_text is not None:
        low = _value(spec.low, low_text, spec.field, spec.kind, spec.lowest_min)
        out.append(_filter(spec.field, "gte", low))
    if high_text is not None:
        high = _value(spec.high, high_text, spec.field, spec.kind, spec.lowest_max)
        out.append(_filter(spec.field, "lte", high))
    if low is not None and high is not None and _start(low) >= _exclusive_end(high):
        rule = "date.min" if spec.kind == "date" else "number.min"
        raise problem(spec.high, rule, f"must be greater than or equal to ref:{spec.low}")
    return out


def _statuses(params: Sequence[tuple[str, str]]) -> list[FieldFilter]:
    wanted: list[str] = []
    for key, text in params:
        if not _STATUS_KEY.match(key):
            continue
        for part in text.split(","):
            label = f"status[{len(wanted)}]"
            value = part.strip()
            if not value:
                raise problem(label, "string.empty", "is not allowed to be empty")
            if value not in STATUSES:
                raise problem(label, "any.only", f"must be one of [{', '.join(STATUSES)}]")
            wanted.append(value)
    return [_filter("status", "eq", *dict.fromkeys(wanted))] if wanted else []


def _one_of(param: str, text: str | None, allowed: Sequence[str], default: str) -> str:
    if text is None:
        return default
    if text not in allowed:
        raise problem(param, "any.only", f"must be one of [{', '.join(allowed)}]")
    return text


def _position(param: str, text: str | None) -> Position | None:
    if text is None:
        return None
    return decode_position(param, _string(param, text))


def parse_request(params: Sequence[tuple[str, str]]) -> ListRequest:
    for key, _ in params:
        if key not in KNOWN and not _STATUS_KEY.match(key):
            raise problem(key[:60], "object.unknown", "is not allowed")

    count_text = _single(params, "count", "integer")
    count = DEFAULT_COUNT
    if count_text is not None:
        count = parse_number("count", count_text, low=1)
        if count > MAX_COUNT:
            raise problem("count", "number.max", f"must be less than or equal to {MAX_COUNT}")

    after_text, before_text = _single(params, "after"), _single(params, "before")
    if after_text is not None and before_text is not None:
        raise problem("after", "object.nand", "must not exist simultaneously with [before]")
    order_by = _one_of("orderBy", _single(params, "orderBy"), tuple(ORDER_BY), "id")
    direction = _one_of("direction", _single(params, "direction"), DIRECTIONS, "asc")

    filters: list[FieldFilter] = []
    for spec in EQUALS:
        text = _single(params, spec.param, spec.kind)
        if text is not None:
            filters.append(
                _filter(spec.field, "eq", _value(spec.param, text, spec.field, spec.kind))
            )
    filters.extend(_statuses(params))
    for between in BETWEENS:
        filters.extend(_between(params, between))

    return ListRequest(
        filters=tuple(filters),
        order_by=order_by,
        descending=direction == "desc",
        count=count,
        after=_position("after", after_text),
        before=_position("before", before_text),
    )


__all__ = ["DEFAULT_COUNT", "MAX_COUNT", "ORDER_BY", "ListRequest", "parse_request"]
