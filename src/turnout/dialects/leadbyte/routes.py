"""The LeadByte REST reports surface, readable in one table.

Each row: path, handler, operation id, the permission the `?key=` must hold, and
a summary. The last row catches every other report type, after the key is
checked, to answer with the list of types. Not in `/openapi.json` (its envelope
differs from v1); docs/dialects/leadbyte.md is its reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import APIRouter, Depends

from turnout.auth.scopes import Scope
from turnout.dialects.leadbyte import views
from turnout.dialects.leadbyte.errors import PREFIX, query_key
from turnout.dialects.leadbyte.reports import REPORT_TYPES

BASE = f"{PREFIX}/v1.2/reports"
PERMISSION = "reports:read"


class Route(NamedTuple):
    path: str
    handler: Callable[..., Any]
    operation_id: str
    permission: str
    summary: str


ROUTES: tuple[Route, ...] = (
    *(
        Route(
            f"{BASE}/{kind.name}",
            views.make_view(kind),
            f"leadbyte_{kind.name}_report",
            PERMISSION,
            kind.summary,
        )
        for kind in REPORT_TYPES
    ),
    Route(
        f"{BASE}/{{report}}",
        views.unknown_report,
        "leadbyte_unknown_report",
        PERMISSION,
        "LeadByte: any other report type (a 404 naming the types offered)",
    ),
)


def build_router() -> APIRouter:
    router = APIRouter()
    for route in ROUTES:
        router.add_api_route(
            route.path,
            route.handler,
            methods=["GET"],
            operation_id=route.operation_id,
            dependencies=[Depends(Scope(route.permission, extract=query_key))],
            summary=route.summary,
            include_in_schema=False,
        )
    return router
