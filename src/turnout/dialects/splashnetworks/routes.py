"""The Splash Networks surface, readable in one table.

Each row: path, handler, method, operation id, the permission the key in the
`X-API-Key` header must hold, and the parameters the seed documents for it
(described in the OpenAPI document; the handlers read them themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import APIRouter, Depends

from turnout.auth.scopes import Scope
from turnout.dialects.splashnetworks import views, vouchers
from turnout.dialects.splashnetworks.errors import x_api_key
from turnout.dialects.splashnetworks.params import DEFAULT_PER_PAGE, MAX_PER_PAGE

TAG = "Splash Networks"


def _query(name: str, kind: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": kind},
    }


SLUG = _query(
    "slug", "string", "Team identifier, or `default` for the key's own team.", required=True
)
PAGE = _query("page", "integer", "Page number, from 1.")
PER_PAGE = _query(
    "per_page", "integer", f"Items per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE})."
)
START = _query("start_date", "string", "Records since this date or datetime (workspace zone).")
END = _query("end_date", "string", "Records till this date (the whole day) or datetime.")
PAGED = (SLUG, PER_PAGE, PAGE)
DATED = (*PAGED, START, END)

_INTEGER = {"type": "integer", "minimum": 0}
VOUCHER_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["slug", "code", "venue_id", "number_of_days"],
                "properties": {
                    "slug": {"type": "string"},
                    "code": {"type": "string"},
                    "venue_id": {"type": "integer", "minimum": 1},
                    "number_of_days": {"type": "integer", "minimum": 1},
                    "upspeed": _INTEGER,
                    "downspeed": _INTEGER,
                    "volumecap": _INTEGER,
                    "max_devices": _INTEGER,
                },
            }
        }
    },
}


class Route(NamedTuple):
    path: str
    handler: Callable[..., Any]
    method: str
    operation_id: str
    permission: str
    summary: str
    extra: dict[str, Any]


ROUTES: tuple[Route, ...] = (
    Route(
        "/api/customers",
        views.list_customers,
        "GET",
        "splashnetworks_customers",
        "customers:read",
        "Customers, a page at a time",
        {"parameters": list(DATED)},
    ),
    Route(
        "/api/customer-visits",
        views.list_customer_visits,
        "GET",
        "splashnetworks_customer_visits",
        "sessions:read",
        "Customer visits (sessions at hotspot venues), a page at a time",
        {"parameters": list(DATED)},
    ),
    Route(
        "/api/venues",
        views.list_venues,
        "GET",
        "splashnetworks_venues",
        "sessions:read",
        "Hotspot venues, a page at a time",
        {"parameters": list(PAGED)},
    ),
    Route(
        "/api/vouchers",
        views.list_vouchers,
        "GET",
        "splashnetworks_vouchers",
        "vouchers:read",
        "Vouchers, a page at a time",
        {"parameters": list(PAGED)},
    ),
    Route(
        "/api/vouchers",
        vouchers.create_voucher,
        "POST",
        "splashnetworks_create_voucher",
        "vouchers:write",
        "Create a voucher from a form",
        {"requestBody": VOUCHER_FORM},
    ),
    Route(
        "/api/vouchers/{voucher_id}",
        vouchers.delete_voucher,
        "DELETE",
        "splashnetworks_delete_voucher",
        "vouchers:write",
        "Delete a voucher",
        {"parameters": [SLUG]},
    ),
)


def build_router() -> APIRouter:
    router = APIRouter()
    for route in ROUTES:
        router.add_api_route(
            route.path,
            route.handler,
            methods=[route.method],
            operation_id=route.operation_id,
            dependencies=[Depends(Scope(route.permission, extract=x_api_key))],
            tags=[TAG],
            summary=route.summary,
            openapi_extra=route.extra,
        )
    return router
