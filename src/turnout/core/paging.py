"""Keyset paging: sort keys always end in the primary key; cursors are opaque.

A cursor is the last row's sort values, the table and sort it belongs to, and a
checksum, base64url-encoded. It is not a secret (every query is still scoped to the
caller's workspace); the checksum only makes a damaged or edited cursor a clear 400,
and the table makes a cursor from another resource one too.
NULL sorts as the smallest value on both backends (SQLite's own rule).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from turnout.core.errors import InvalidParameter, TurnoutError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CURSOR_VERSION = 1
_CHECKSUM_KEY = b"turnout-cursor-v1"
_MAX_CURSOR_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class SortKey:
    name: str
    expr: sa.ColumnElement[Any]
    descending: bool
    nullable: bool

    def order_by(self, dialect: str) -> list[sa.ColumnElement[Any]]:
        ordered = self.expr.desc() if self.descending else self.expr.asc()
        if self.nullable and dialect == "postgresql":
            # PostgreSQL sorts NULL as largest; match SQLite, where it is smallest.
            ordered = ordered.nulls_last() if self.descending else ordered.nulls_first()
        return [ordered]


def sort_signature(keys: Sequence[SortKey]) -> str:
    """``table:sort``; the table is that of the primary key every sort ends with."""
    sort = ",".join(("-" if k.descending else "") + k.name for k in keys)
    table = next((getattr(k.expr, "table", None) for k in keys if k.name == "id"), None)
    name = getattr(table, "name", None)
    return f"{name}:{sort}" if isinstance(name, str) else sort


def _split(signature: str) -> tuple[str, str]:
    table, _, sort = signature.rpartition(":")
    return table, sort


def encode_cursor(signature: str, values: Sequence[Any]) -> str:
    payload = orjson.dumps([_CURSOR_VERSION, signature, list(values)])
    digest = hmac.new(_CHECKSUM_KEY, payload, hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest + payload).rstrip(b"=").decode("ascii")


def decode_cursor(text: str, signature: str, *, field: str = "cursor") -> list[Any]:
    def bad(reason: str) -> TurnoutError:
        return InvalidParameter.for_field(field, "cursor", f"{field} is not valid: {reason}")

    if len(text) > _MAX_CURSOR_LENGTH:
        raise bad("too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise bad("not a cursor this server issued") from None
    digest, payload = raw[:8], raw[8:]
    expected = hmac.new(_CHECKSUM_KEY, payload, hashlib.sha256).digest()[:8]
    if len(digest) != 8 or not hmac.compare_digest(digest, expected):
        raise bad("not a cursor this server issued")
    try:
        version, cursor_signature, values = orjson.loads(payload)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        raise bad("not a cursor this server issued") from None
    if version != _CURSOR_VERSION or not isinstance(values, list):
        raise bad("from an incompatible version")
    if cursor_signature != signature:
        if not isinstance(cursor_signature, str):
            raise bad("not a cursor this server issued")
        (table, sort), (wanted_table, wanted_sort) = _split(cursor_signature), _split(signature)
        if not table:
            raise bad("from an incompatible version")
        if table != wanted_table:
            raise bad("it belongs to another resource")
        raise bad(f"it belongs to sort={sort!r}, not sort={wanted_sort!r}")
    return values


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows strictly after the row whose sort values are `values`."""
    if len(keys) != len(values):
        raise InvalidParameter.for_field("cursor", "cursor", "cursor is not valid: wrong shape")
    same_direction = len({k.descending for k in keys}) == 1
    if same_direction and not any(k.nullable for k in keys):
        # A row-value comparison lets both backends seek straight to the position.
        left = sa.tuple_(*(k.expr for k in keys))
        right = sa.tuple_(
            *(sa.literal(v, type_=k.expr.type) for k, v in zip(keys, values, strict=True))
        )
        return left < right if keys[0].descending else left > right
    return _after(list(keys), list(values))


def _after(keys: list[SortKey], values: list[Any]) -> sa.ColumnElement[bool]:
    if not keys:
        return sa.false()
    key, value, rest = keys[0], values[0], _after(keys[1:], values[1:])
    expr = key.expr
    if value is None:
        # NULL is the smallest value: ascending, everything non-null comes after it.
        same = sa.and_(expr.is_(None), rest)
        return sa.or_(expr.is_not(None), same) if not key.descending else same
    beyond = expr < value if key.descending else expr > value
    parts = [beyond, sa.and_(expr == value, rest)]
    if key.nullable and key.descending:
        parts.append(expr.is_(None))
    return sa.or_(*parts)
