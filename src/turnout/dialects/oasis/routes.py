"""The OASIS admin API v2 surface, readable in one table."""

from __future__ import annotations

from fastapi import APIRouter

from turnout.dialects.oasis import views

PREFIX = "/api/admin/v2"


def build_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        f"{PREFIX}/sessions",
        views.list_sessions,
        methods=["GET"],
        operation_id="oasis_list_sessions",
        summary="AiFi OASIS: list sessions",
        # The OpenAPI document describes the native API and its error envelope;
        # this dialect is documented in docs/dialects/oasis.md.
        include_in_schema=False,
    )
    return router
