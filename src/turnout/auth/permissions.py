"""Permission names (scopes) an API key can carry."""

from __future__ import annotations

from collections.abc import Iterable

from turnout.core.errors import InvalidParameter

ALL = "all"

PERMISSIONS: tuple[str, ...] = (
    "customers:read",
    "customers:write",
    "sessions:read",
    "sessions:write",
    "sales:read",
    "sales:write",
    "vouchers:read",
    "vouchers:write",
    "leads:read",
    "leads:write",
    "reports:read",
    "events:read",
    "events:write",
    "admin",
)


def parse_permissions(value: str | Iterable[str], *, field: str = "permissions") -> frozenset[str]:
    """Read `all` or a comma list of permission names; unknown names are an error."""
    names = value.split(",") if isinstance(value, str) else list(value)
    cleaned = [n.strip() for n in names if n.strip()]
    if not cleaned:
        raise InvalidParameter.for_field(
            field, "required", f"{field}: give 'all' or at least one name"
        )
    unknown = sorted({n for n in cleaned if n != ALL and n not in PERMISSIONS})
    if unknown:
        raise InvalidParameter.for_field(
            field,
            "one_of",
            f"{field}: unknown permission {', '.join(map(repr, unknown))}; "
            f"use 'all' or any of {', '.join(PERMISSIONS)}",
        )
    return frozenset(cleaned)


def grants(held: frozenset[str], needed: str) -> bool:
    return ALL in held or needed in held
