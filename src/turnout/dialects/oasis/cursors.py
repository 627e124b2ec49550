"""OASIS `after`/`before` values: a session id, or a base64 cursor (id + sort key).

The cursors this dialect hands out are base64url (no padding) of the JSON
`{"id": 42, "sortKey": "visitors", "value": 3}`: the row's id, the `orderBy` it
was issued under, and the row's value for that key. Unlike the core's own
cursors they carry no direction, so one cursor serves `after` and `before`
alike, in either direction. Whatever arrives is checked here for shape and type;
the paging itself is the core's keyset cursor (see `turnout.dialects.oasis.paging`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson

from turnout.core.fields import Field
from turnout.core.values import MAX_VALUE_LENGTH
from turnout.db.types import parse_utc
from turnout.dialects.oasis.errors import problem

MAX_CURSOR_LENGTH = 4096
MAX_ID = 2**63 - 1
_INVALID = "must be a session id or a cursor from a previous page's pagination"


@dataclass(frozen=True, slots=True)
class Position:
    """A row to page from: its id, and its sort value when a cursor carried one."""

    id: int
    sort_key: str | None = None
    value: Any = None


def encode_position(sort_key: str, row_id: int, value: Any) -> str:
    payload = orjson.dumps({"id": row_id, "sortKey": sort_key, "value": value})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID


def decode_position(param: str, text: str) -> Position:
    if text.isascii() and text.isdigit():
        row_id = int(text) if len(text) <= 19 else -1
        if not _is_id(row_id):
            raise problem(param, "any.invalid", _INVALID)
        return Position(row_id)
    if len(text) > MAX_CURSOR_LENGTH:
        raise problem(param, "any.invalid", _INVALID)
    # Accept either base64 alphabet, with or without padding, and a "+" that a
    # query string turned into a space.
    normal = text.strip().replace(" ", "+").replace("+", "-").replace("/", "_").rstrip("=")
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(normal + "=" * (-len(normal) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise problem(param, "any.invalid", _INVALID) from None
    if (
        not isinstance(payload, dict)
        or set(payload) != {"id", "sortKey", "value"}
        or not _is_id(payload["id"])
        or not isinstance(payload["sortKey"], str)
    ):
        raise problem(param, "any.invalid", _INVALID)
    return Position(payload["id"], payload["sortKey"], payload["value"])


def checked_value(param: str, field: Field, value: Any, *, bits: int) -> Any:
    """A cursor's sort value, if it has the type of `field`; else a 400 on `param`."""
    if value is None:
        return None
    ok = False
    if field.type == "integer":
        bound = 2 ** (bits - 1)
        ok = isinstance(value, int) and not isinstance(value, bool) and -bound <= value < bound
    elif field.type == "datetime":
        if isinstance(value, str) and len(value) <= 40:
            try:
                ok = parse_utc(value).tzinfo is not None
            except ValueError:
                ok = False
    else:
        ok = isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH and "\0" not in value
    if not ok:
        raise problem(param, "any.invalid", _INVALID)
    return value
