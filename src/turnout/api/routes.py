"""The native API surface, readable in one table.

Each row: path, handler, method, operation id, and the permission dependency.
Handlers live in their own modules; nothing here but the table.
"""

from __future__ import annotations

from fastapi import APIRouter

from turnout.api import meta
from turnout.auth.scopes import public


def build_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        "/healthz",
        meta.health,
        methods=["GET"],
        operation_id="health",
        dependencies=[public()],
        tags=["meta"],
        summary="Is the server up and its database reachable",
    )
    router.add_api_route(
        "/v1/me",
        meta.me,
        methods=["GET"],
        operation_id="me",
        tags=["meta"],
        summary="Who this API key is: workspace, key id, permissions",
    )
    return router
