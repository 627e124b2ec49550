"""The home page, and workspaces: list, create, switch."""

from __future__ import annotations

from zoneinfo import available_timezones

from fastapi import Depends, Request
from starlette.responses import Response

from turnout.admin import sessions
from turnout.admin.web import (
    PREFIX,
    AdminContext,
    AdminForm,
    checked_form,
    current_admin,
    redirect,
    render,
    safe_next,
)
from turnout.core.errors import NotFound, TurnoutError
from turnout.core.resources import REGISTRY
from turnout.core.workspaces import create_workspace
from turnout.db.engine import write_transaction

COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo")


def home(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    return render(request, "home.html", resources=list(REGISTRY))


def _page(
    request: Request,
    *,
    status_code: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
    created: str = "",
) -> Response:
    return render(
        request,
        "workspaces.html",
        status_code=status_code,
        error=error,
        values=values or {"timezone": "UTC"},
        created=created,
        zones=sorted(available_timezones()),
        common_zones=COMMON_ZONES,
    )


def workspaces_page(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    return _page(request, created=request.query_params.get("created", "")[:64])


def create(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    values = {name: posted.text(name) for name in ("slug", "name", "timezone")}
    try:
        with write_transaction(request.app.state.engine) as conn:
            workspace = create_workspace(
                conn,
                slug=values["slug"],
                name=values["name"] or None,
                timezone=values["timezone"] or "UTC",
            )
            sessions.select_workspace(conn, posted.admin.session, workspace.id)
    except TurnoutError as exc:
        return _page(request, status_code=exc.status, error=exc.message, values=values)
    return redirect(f"{PREFIX}/workspaces", created=workspace.slug)


def switch(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    slug = posted.text("workspace")
    chosen = next((w for w in posted.admin.workspaces if w.slug == slug), None)
    if chosen is None:
        raise NotFound.for_field("workspace", "exists", f"no workspace with slug {slug[:64]!r}")
    with write_transaction(request.app.state.engine) as conn:
        sessions.select_workspace(conn, posted.admin.session, chosen.id)
    return redirect(safe_next(posted.text("next")))
