"""Core rows into the seed's JSON: sessions with their customer and store, and paging.

Every field the seed shows is present. A value Turnout does not hold is null,
except where the seed's type is an object (`metadata`: `{}`) or a flag with a
natural default (`employeeInside`: false). Timestamps are written as
JavaScript's `toISOString()` writes them (`2024-09-22T00:00:00.000Z`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

Row = Mapping[str, Any]

# Core fields each object is read from (projected by the query, in this order).
SESSION_FIELDS = (
    "id",
    "uuid",
    "venue_id",
    "customer_id",
    "code",
    "token",
    "status",
    "joined_at",
    "left_at",
    "last_entered_at",
    "first_exited_at",
    "code_first_scanned_at",
    "code_last_scanned_at",
    "visitors",
    "group_size",
    "satisfaction",
    "satisfaction_submitted",
    "suspected_fraud",
    "priority",
    "payment_instrument_id",
    "location_id",
    "referenced_session_id",
    "scannable_at_venue_id",
    "expires_at",
    "metadata",
    "created_at",
    "updated_at",
)
CUSTOMER_FIELDS = (
    "id",
    "external_id",
    "role",
    "metadata",
    "priority",
    "email",
    "first_name",
    "last_name",
    "phone",
)
STORE_FIELDS = ("id", "code", "external_id", "name", "status", "capacity", "address", "attributes")


def timestamp(value: Any) -> str | None:
    """Canonical `...HH:MM:SS.ffffffZ` text, cut to milliseconds."""
    if value is None:
        return None
    text = str(value)
    return text[:23] + "Z" if len(text) == 27 and text.endswith("Z") else text


def _json(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value


def _object(value: Any) -> Any:
    loaded = _json(value)
    return {} if loaded is None else loaded


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def customer(row: Row) -> dict[str, Any]:
    return {
        "externalId": row["external_id"],
        "role": row["role"],
        "metadata": _object(row["metadata"]),
        "priority": row["priority"],
        "email": row["email"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "phone": row["phone"],
        "id": _id(row["id"]),
    }


def store(row: Row) -> dict[str, Any]:
    address = _json(row["address"])
    address = address if isinstance(address, dict) else {}
    attributes = _json(row["attributes"])
    attributes = attributes if isinstance(attributes, dict) else {}
    employee_inside = attributes.get("employeeInside")
    return {
        "aifiUniqueStoreId": row["code"],
        "status": row["status"].upper() if row["status"] else None,
        "deploymentStatus": _str(attributes.get("deploymentStatus")),
        "addressLine1": _str(address.get("line1")),
        "addressCity": _str(address.get("city")),
        "addressRegion": _str(address.get("region")),
        "addressCountry": _str(address.get("country")),
        "addressPostalCode": _str(address.get("postal_code")),
        "thirdPartyId": row["external_id"],
        "storeUrl": _str(attributes.get("storeUrl")),
        "maxPeople": row["capacity"],
        "storeConfigId": _int(attributes.get("storeConfigId")),
        "name": row["name"],
        "id": _id(row["id"]),
        "employeeInside": employee_inside if isinstance(employee_inside, bool) else False,
    }


def session(
    row: Row, customers: Mapping[int, dict[str, Any]], stores: Mapping[int, dict[str, Any]]
) -> dict[str, Any]:
    customer_id, venue_id = row["customer_id"], row["venue_id"]
    return {
        "createdAt": timestamp(row["created_at"]),
        "updatedAt": timestamp(row["updated_at"]),
        "code": row["code"],
        "codeFirstSuccesfullyScannedAt": timestamp(row["code_first_scanned_at"]),
        "codeLastSuccesfullyScannedAt": timestamp(row["code_last_scanned_at"]),
        "customerFirstEnteredAt": timestamp(row["joined_at"]),
        "customerLastEnteredAt": timestamp(row["last_entered_at"]),
        "customerFirstExitedAt": timestamp(row["first_exited_at"]),
        "customerLastExitedAt": timestamp(row["left_at"]),
        "customerPaymentInstrumentId": row["payment_instrument_id"],
        "customerSatisfaction": row["satisfaction"],
        "customerSatisfactionSubmitted": bool(row["satisfaction_submitted"]),
        "groupSize": row["group_size"],
        "visitors": row["visitors"],
        "locationId": row["location_id"],
        "priority": row["priority"],
        "sessionToken": row["token"],
        "sessionId": row["uuid"],
        "referencedSessionId": _id(row["referenced_session_id"]),
        "status": row["status"],
        "storeId": venue_id,
        "storeIdScannableAt": row["scannable_at_venue_id"],
        "suspectedFraud": bool(row["suspected_fraud"]),
        "metadata": _object(row["metadata"]),
        "expiresAt": timestamp(row["expires_at"]),
        "id": _id(row["id"]),
        "customerId": _id(customer_id),
        "customer": customers.get(customer_id) if customer_id is not None else None,
        "store": stores.get(venue_id) if venue_id is not None else None,
    }


def pagination(
    *, count: int, direction: str, before: str | None, after: str | None
) -> dict[str, Any]:
    """`previous`/`next` are null when there is no page that way."""
    return {
        "previous": None
        if before is None
        else {"count": count, "before": before, "direction": direction},
        "next": None if after is None else {"count": count, "after": after, "direction": direction},
    }
