"""Core rows into the dialect's JSON: one item shape per list, one page shape for all.

    {"items": [...], "total": 42, "page": 1, "per_page": 20, "pages": 3}

Names are the seed's where it has them (`code`, `venue_id`, `number_of_days`,
`upspeed`, `downspeed`, `volumecap`, `max_devices`) and plain snake_case
otherwise. Times are UTC, ISO 8601 to the second (`2024-05-01T10:00:00Z`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

Row = Mapping[str, Any]

# Core fields each item is read from (the query's projection, in this order).
CUSTOMER_FIELDS = (
    "id",
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "source",
    "profile",
    "created_at",
    "updated_at",
)
VISIT_FIELDS = (
    "id",
    "customer_id",
    "customer_name",
    "customer_email",
    "customer_phone",
    "venue_id",
    "venue_name",
    "status",
    "joined_at",
    "left_at",
    "attributes",
)
VENUE_FIELDS = (
    "id",
    "name",
    "code",
    "group_name",
    "capacity",
    "status",
    "timezone",
    "address",
    "created_at",
    "updated_at",
)
VOUCHER_FIELDS = (
    "id",
    "code",
    "venue_id",
    "validity_days",
    "upspeed_mbps",
    "downspeed_mbps",
    "volume_cap_gb",
    "max_devices",
    "status",
    "expires_at",
    "created_at",
    "updated_at",
)


def timestamp(value: Any) -> str | None:
    """The core's canonical UTC text (`...HH:MM:SS.ffffffZ`) cut to the second."""
    if value is None:
        return None
    text = str(value)
    head, dot, _ = text.partition(".")
    return head + "Z" if dot and text.endswith("Z") else text


def _object(value: Any) -> dict[str, Any]:
    if isinstance(value, str | bytes):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return {}
    return value if isinstance(value, dict) else {}


def _seconds(start: Any, end: Any) -> int | None:
    if start is None or end is None:
        return None
    elapsed = datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))
    return max(int(elapsed.total_seconds()), 0)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def customer(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "external_id": row["external_id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "phone": row["phone"],
        "status": row["status"],
        "source": row["source"],
        "profile": _object(row["profile"]),
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def visit(row: Row) -> dict[str, Any]:
    """A hotspot session: who, where, login to logout, and the device it came from."""
    device = _object(row["attributes"])
    return {
        "id": row["id"],
        "customer_id": row["customer_id"],
        "customer_name": row["customer_name"] or None,
        "customer_email": row["customer_email"],
        "customer_phone": row["customer_phone"],
        "venue_id": row["venue_id"],
        "venue_name": row["venue_name"],
        "status": row["status"],
        "login_at": timestamp(row["joined_at"]),
        "logout_at": timestamp(row["left_at"]),
        "duration_seconds": _seconds(row["joined_at"], row["left_at"]),
        "mac_address": _text(device.get("mac")),
        "device_type": _text(device.get("deviceType")),
        "os": _text(device.get("os")),
        "browser": _text(device.get("browser")),
        "data_mb": _number(device.get("dataMb")),
    }


def venue(row: Row) -> dict[str, Any]:
    address = _object(row["address"])
    return {
        "id": row["id"],
        "name": row["name"],
        "code": row["code"],
        "group_name": row["group_name"],
        "capacity": row["capacity"],
        "status": row["status"],
        "timezone": row["timezone"],
        "address": address or None,
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def voucher(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "code": row["code"],
        "venue_id": row["venue_id"],
        "number_of_days": row["validity_days"],
        "upspeed": row["upspeed_mbps"],
        "downspeed": row["downspeed_mbps"],
        "volumecap": row["volume_cap_gb"],
        "max_devices": row["max_devices"],
        "status": row["status"],
        "expires_at": timestamp(row["expires_at"]),
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def envelope(
    items: Sequence[dict[str, Any]], *, total: int, page: int, per_page: int
) -> dict[str, Any]:
    """The one page shape: the items, then how many in all and where this page is."""
    return {
        "items": list(items),
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": -(-total // per_page),
    }
