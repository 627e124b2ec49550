"""How report numbers are rounded: once, at the end, half up.

Money is exact: shown to the cent, or to the stored ten-thousandth when a sum has
sub-cent digits (LeadByte's costs such as 0.0255), never rounded away. Minutes and
averages are rounded to two decimals from exact integer totals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
STORED = Decimal("0.0001")
_US_PER_MINUTE = 60_000_000


def money(value: Decimal | int) -> Decimal:
    exact = Decimal(value)
    cents = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return cents if cents == exact else exact.quantize(STORED, rounding=ROUND_HALF_UP)


def minutes(microseconds: int) -> Decimal:
    return (Decimal(int(microseconds)) / _US_PER_MINUTE).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(total: Decimal | int, count: int) -> Decimal | None:
    """total / count to two decimals; None when there is nothing to average."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def minutes_per(microseconds: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(int(microseconds)) / (_US_PER_MINUTE * count)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
