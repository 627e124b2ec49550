"""The SynthesisVR surface, readable in one table.

Each row: path, handler, method, operation id and the permission the key in the
path must hold. The key is read from the path (`key_from_path`) and verified like
any other key; handlers live in `views.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import APIRouter, Depends

from turnout.auth.scopes import Scope
from turnout.dialects.synthesisvr import views, writes
from turnout.dialects.synthesisvr.errors import key_from_path

TAG = "SynthesisVR"


class Route(NamedTuple):
    path: str
    handler: Callable[..., Any]
    method: str
    operation_id: str
    permission: str
    summary: str


def _list_routes(endpoint: str, permission: str) -> list[Route]:
    with_criteria, with_range, bare = views.make_list_views(endpoint)
    base = f"/data/{endpoint}/{{key}}/{{type}}"
    return [
        Route(
            f"{base}/{{range}}/{{criteria:path}}",
            with_criteria,
            "GET",
            f"synthesisvr_{endpoint}",
            permission,
            f"{endpoint.title()} in RANGE from the main date, filtered by SEARCH CRITERIA",
        ),
        Route(
            f"{base}/{{range}}",
            with_range,
            "GET",
            f"synthesisvr_{endpoint}_range",
            permission,
            f"{endpoint.title()} in RANGE from today",
        ),
        Route(
            base,
            bare,
            "GET",
            f"synthesisvr_{endpoint}_today",
            permission,
            f"{endpoint.title()} of today",
        ),
    ]


ROUTES: tuple[Route, ...] = (
    *_list_routes("sessions", "sessions:read"),
    *_list_routes("goods", "sales:read"),
    Route(
        "/data/customers/{key}/json",
        views.customers_json,
        "GET",
        "synthesisvr_customers",
        "customers:read",
        "Every customer as JSON",
    ),
    Route(
        "/data/customers/{key}/search/{text:path}",
        views.customers_search,
        "GET",
        "synthesisvr_customers_search",
        "customers:read",
        "Customers matching free text",
    ),
    Route(
        "/data/customers/{key}/csv/{columns:path}",
        views.customers_csv,
        "GET",
        "synthesisvr_customers_csv",
        "customers:read",
        "Customers as CSV with the columns asked for, in that order",
    ),
    Route(
        "/data/customers/{key}/csv",
        views.customers_csv_default,
        "GET",
        "synthesisvr_customers_csv_default",
        "customers:read",
        "Customers as CSV with the standard columns",
    ),
    Route(
        "/data/sessions/{key}/update/{uuid}",
        writes.update_session,
        "POST",
        "synthesisvr_sessions_update",
        "sessions:write",
        "Move a session (date, time) and change its duration, people or experience",
    ),
    Route(
        "/data/sessions/{key}/delete/{uuid}",
        writes.delete_session,
        "POST",
        "synthesisvr_sessions_delete",
        "sessions:write",
        "Cancel a session (kept, marked cancelled)",
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
            dependencies=[Depends(Scope(route.permission, extract=key_from_path))],
            tags=[TAG],
            summary=route.summary,
        )
    return router
