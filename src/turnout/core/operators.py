"""Filter operators: a table of small objects.

Each operator compiles to a SQLAlchemy expression and describes itself in words;
the same words feed error messages, the OpenAPI text and the docs. A value for a
datetime field may be a whole day (`Day`): `eq` then means "during that day",
`lte` "up to the end of that day", and so on, the same inclusive rule as `to=`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

Expr = sa.ColumnElement[Any]


@dataclass(frozen=True, slots=True)
class Day:
    """A whole local day as a half-open UTC interval."""

    start: datetime
    end: datetime


def _lower(value: Any) -> Any:
    return value.start if isinstance(value, Day) else value


def _upper(value: Any) -> Any:
    return value.end if isinstance(value, Day) else value


def _eq(expr: Expr, values: Sequence[Any]) -> Expr:
    days = [v for v in values if isinstance(v, Day)]
    plain = [v for v in values if not isinstance(v, Day)]
    parts: list[Expr] = [sa.and_(expr >= d.start, expr < d.end) for d in days]
    if len(plain) == 1:
        parts.append(expr == plain[0])
    elif plain:
        parts.append(expr.in_(plain))
    return parts[0] if len(parts) == 1 else sa.or_(*parts)


def _ne(expr: Expr, values: Sequence[Any]) -> Expr:
    # "not equal" keeps rows where the value is missing, as a person would expect.
    return sa.or_(sa.not_(_eq(expr, values)), expr.is_(None))


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    words: str
    many: bool
    build: Callable[[Expr, Sequence[Any]], Expr]

    def compile(self, expr: Expr, values: Sequence[Any]) -> Expr:
        return self.build(expr, values)


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("eq", "equals (a comma list means any of)", True, _eq),
        Operator("ne", "does not equal (rows without a value are kept)", True, _ne),
        Operator(
            "gt",
            "is greater than",
            False,
            lambda e, v: e >= _upper(v[0]) if isinstance(v[0], Day) else e > v[0],
        ),
        Operator("gte", "is greater than or equal to", False, lambda e, v: e >= _lower(v[0])),
        Operator("lt", "is less than", False, lambda e, v: e < _lower(v[0])),
        Operator(
            "lte",
            "is less than or equal to",
            False,
            lambda e, v: e < _upper(v[0]) if isinstance(v[0], Day) else e <= v[0],
        ),
        Operator(
            "null",
            "is empty (true) or present (false)",
            False,
            lambda e, v: e.is_(None) if v[0] else e.is_not(None),
        ),
    )
}

# How the search language's operators map onto the table above.
SEARCH_OPERATORS = {
    ":": "eq",
    "=": "eq",
    "!=": "ne",
    ">": "gt",
    ">=": "gte",
    "<": "lt",
    "<=": "lte",
}
