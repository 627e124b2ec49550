"""Column types that store the same value the same way on SQLite and PostgreSQL.

Timestamps: always UTC. PostgreSQL keeps `timestamptz`; SQLite keeps fixed-width
ISO 8601 text (`2024-05-01T09:30:00.000000Z`) so that text order is time order,
SQLite's date functions read it, and exports can send it without parsing.

Money: an exact integer count of ten-thousandths of the currency unit (4 decimal
places, as LeadByte's costs such as 0.0255 need) on both backends, so sums in SQL
are exact integer sums; the edges see `Decimal`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = 10_000
ISO_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are refused rather than guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: give a time zone (Turnout stores UTC)")
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    return to_utc(value).strftime(ISO_UTC_FORMAT)


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on both backends."""

    impl = sa.String(27)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True))
        return dialect.type_descriptor(sa.String(27))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_utc(value)
        if dialect.name == "postgresql":
            return to_utc(value)
        return format_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return parse_utc(value)
        return to_utc(value)


class Money(TypeDecorator[Decimal]):
    """Exact money: Decimal at the edges, integer ten-thousandths in the database."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * MONEY_SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"money has more than 4 decimal places: {value}")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)) / MONEY_SCALE


def money_to_db(value: Decimal | int | str | float) -> int:
    """The stored integer for a money amount (used by bulk loaders that skip SQLAlchemy)."""
    return int((Decimal(str(value)) * MONEY_SCALE).to_integral_value())


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
