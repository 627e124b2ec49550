"""Typed values: text from a client into Python values a column can bind."""

from __future__ import annotations

import re
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
# ASCII only: int() and Decimal() would also take "1_000" and non-ASCII digits.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_CURSOR_INT = 2**63


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
    if "\0" in text:
        # PostgreSQL cannot bind a NUL in text; no stored value contains one either.
        raise _bad(param, "invalid_character", "must not contain a NUL character")
    kind = field.type
    if kind == "integer":
        if not _INTEGER.fullmatch(text.strip()):
            raise _bad(param, "integer", f"must be a whole number, not {text[:40]!r}")
        number = int(text.strip())
        bound = 2 ** (int_bits - 1)
        if not -bound <= number < bound:
            raise _bad(param, "integer", f"must be between {-bound} and {bound - 1}")
        return number
    if kind in {"decimal", "money"}:
        if not _DECIMAL.fullmatch(text.strip()):
            raise _bad(param, "decimal", f"must be a number, not {text[:40]!r}")
        try:
            amount = Decimal(text.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise _bad(param, "decimal", f"must be a number, not {text[:40]!r}") from None
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
            window = day_window(instant.astimezone(tz).date(), tz, field=param)
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
    """A cursor value, turned back into what the column compares against.

    Cursors can be hand-made (the checksum is not a secret), so every value is
    checked for the type its field needs; anything else is a 400 on `cursor`.
    """
    if value is None:
        return None
    kind = field.type
    try:
        if kind == "datetime" and isinstance(value, str):
            return parse_utc(value)
        if kind in {"money", "decimal"} and isinstance(value, str | int | float):
            amount = Decimal(str(value))
            if amount.is_finite() and not isinstance(value, bool):
                return amount
        integer = isinstance(value, int) and not isinstance(value, bool)
        if kind == "integer" and integer and -_MAX_CURSOR_INT <= value < _MAX_CURSOR_INT:
            return value
        if kind == "boolean" and isinstance(value, bool):
            return value
        textual = kind not in {"datetime", "money", "decimal", "integer", "boolean"}
        if textual and isinstance(value, str) and "\0" not in value:
            return value
    except (ValueError, TypeError, InvalidOperation, OverflowError):
        pass
    raise InvalidParameter.for_field("cursor", "cursor", "cursor is not valid")
