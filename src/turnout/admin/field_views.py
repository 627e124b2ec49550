"""Custom profile fields of the workspace's customers: define, list, delete."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Path, Request
from starlette.responses import Response

from turnout.admin.web import (
    PREFIX,
    AdminContext,
    AdminForm,
    checked_form,
    current_admin,
    redirect,
    render,
)
from turnout.core.clock import utcnow
from turnout.core.commands.models import ProfileFieldCreate
from turnout.core.commands.profiles import create_field, delete_field
from turnout.core.commands.validation import validate
from turnout.core.errors import TurnoutError
from turnout.core.execute import fetch_page
from turnout.core.paging import MAX_LIMIT
from turnout.core.query import Query
from turnout.core.resources.people import PROFILE_FIELD_TYPES, PROFILE_FIELDS
from turnout.db.engine import write_transaction

NOTICES = {
    "created": "The field is defined: customers may now carry it in their profile.",
    "deleted": "The field is deleted; values already stored stay on customers until unset.",
}


def _fields(request: Request, admin: AdminContext) -> list[dict[str, Any]]:
    workspace = admin.require_workspace()
    query = Query(
        resource=PROFILE_FIELDS,
        workspace_id=workspace.id,
        tz=workspace.zone,
        sort=(("name", False),),
        limit=MAX_LIMIT,
        now=utcnow(),
    )
    with request.app.state.engine.connect() as conn:
        page = fetch_page(conn, query)
    names = [c.name for c in page.columns]
    return [dict(zip(names, row, strict=True)) for row in page.rows]


def _page(
    request: Request,
    admin: AdminContext,
    *,
    status_code: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "fields.html",
        status_code=status_code,
        fields=_fields(request, admin),
        types=PROFILE_FIELD_TYPES,
        values=values or {"type": "string"},
        error=error,
        notice=NOTICES.get(request.query_params.get("notice") or "", ""),
    )


def fields_page(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    return _page(request, admin)


def create(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    admin = posted.admin
    values = {name: posted.text(name) for name in ("name", "label", "type", "description")}
    data = {k: v for k, v in values.items() if v}
    try:
        model = validate(ProfileFieldCreate, data)
        with write_transaction(request.app.state.engine) as conn:
            create_field(conn, admin.actor(), model)
    except TurnoutError as exc:
        return _page(request, admin, status_code=exc.status, error=exc.message, values=values)
    return redirect(f"{PREFIX}/fields", notice="created")


def delete(
    request: Request,
    field_id: int = Path(ge=1, le=2**63 - 1),
    posted: AdminForm = Depends(checked_form),
) -> Response:
    with write_transaction(request.app.state.engine) as conn:
        delete_field(conn, posted.admin.actor(), field_id)
    return redirect(f"{PREFIX}/fields", notice="deleted")
