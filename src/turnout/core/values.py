"""Typed values: text from a client into Python values a column can bind."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from turnout.core.errors import InvalidParameter, TurnoutError
from turnout.core.fields import Field
from turnout.core.operators import Day
from turnout.core.windows import day_window, parse_instant
from turnout.db.types import parse_utc

MAX_VALUE_LENGTH = 1000
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _bad(param: str, rule: str, message: str) -> TurnoutError:
    return InvalidParameter.for_field(param, rule, f"{param}: {message}")


def parse_bool(text: str, param: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _bad(param, "boolean", "must be true or false")


def parse_value(field: Field, text: str, *, param: str, tz: ZoneInfo, int_bits: int = 64) -> Any:
    """One value for a filter on `field`, typed; a 400 naming `param` otherwise."""
    if len(text) > MAX_VALUE_LENGTH:
        raise _bad(param, "max_length", f"values are limited to {MAX_VALUE_LENGTH} characters")
    kind = field.type
    if kind == "integer":
        try:
            number = int(text.strip())
        except ValueError:
            raise _bad(param, "integer", f"must be a whole number, not {text[:40]!r}") from None
        bound = 2 ** (int_bits - 1)
        if not -bound <= number < bound:
            raise _bad(param, "integer", f"must be between {-bound} and {bound - 1}")
        return number
    if kind in {"decimal", "money"}:
        try:
            amount = Decimal(text.strip())
        except InvalidOperation:
            raise _bad(param, "decimal", f"must be a number, not {text[:40]!r}") from None
        if not amount.is_finite():
            raise _bad(param, "decimal", "must be a finite number")
        exponent = amount.as_tuple().exponent
        if kind == "money" and isinstance(exponent, int) and exponent < -4:
            raise _bad(param, "decimal_places", "money has at most 4 decimal places")
        if abs(amount) >= Decimal(10) ** 14:
            raise _bad(param, "decimal", "is out of range")
        return amount
    if kind == "boolean":
        return parse_bool(text, param)
    if kind == "datetime":
        instant, is_date = parse_instant(text.strip(), field=param, tz=tz)
        if is_date:
            window = day_window(instant.astimezone(tz).date(), tz)
            assert window.start is not None and window.end is not None
            return Day(window.start, window.end)
        return instant
    if kind == "enum":
        if field.enum is not None and text not in field.enum:
            raise _bad(param, "one_of", f"must be one of {', '.join(field.enum)}")
        return text
    return text


def cursor_value(field: Field, value: Any) -> Any:
    """A row's output value, as it is kept inside a cursor (JSON-safe)."""
    if isinstance(value, Decimal):
        return str(value)
    if field.type == "money" and isinstance(value, float):
        return repr(value)
    if field.type == "boolean" and value is not None:
        return bool(value)
    return value


def bind_value(field: Field, value: Any) -> Any:
    """A cursor value, turned back into what the column compares against."""
    if value is None:
        return None
    try:
        if field.type == "datetime":
            return parse_utc(value)
        if field.type in {"money", "decimal"}:
            return Decimal(str(value))
    except (ValueError, TypeError, InvalidOperation):
        raise InvalidParameter.for_field("cursor", "cursor", "cursor is not valid") from None
    if field.type == "integer" and not isinstance(value, int):
        raise InvalidParameter.for_field("cursor", "cursor", "cursor is not valid")
    return value
