"""Health and identity: what a monitor and a new integrator call first."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import Request

from turnout import __version__
from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal
from turnout.auth.scopes import AnyKey


def health(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JSONResponse(
        {
            "status": "ok" if status == 200 else "degraded",
            "database": database,
            "backend": engine.dialect.name,
            "version": __version__,
        },
        status_code=status,
    )


def me(principal: AnyKey) -> dict[str, Any]:
    return describe_principal(principal)


def describe_principal(principal: Principal) -> dict[str, Any]:
    return {
        "workspace": {
            "id": principal.workspace_id,
            "slug": principal.workspace_slug,
            "timezone": principal.workspace_timezone,
        },
        "key": {"id": principal.public_id, "name": principal.name, "dialect": principal.dialect},
        "permissions": sorted(principal.permissions),
    }
