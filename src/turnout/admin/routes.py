"""The admin UI's surface, readable in one table, and `install_admin(app)`.

Every route is left out of the OpenAPI document. They take no API key (`public()`
says so to the route check in tests/api/test_auth_api.py); the admin session is
checked by each handler's `current_admin` or `checked_form` dependency instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from turnout.admin import (
    auth_views,
    browser,
    field_views,
    key_views,
    report_views,
    workspace_views,
)
from turnout.admin.web import PREFIX, STATIC_DIR, render_error
from turnout.api.errors import register_error_renderer
from turnout.auth.scopes import public

# (method, path under /admin, handler, name)
ROUTES: tuple[tuple[str, str, Callable[..., Any], str], ...] = (
    ("GET", "", workspace_views.home, "admin_home"),
    ("GET", "/signin", auth_views.signin_page, "admin_signin_page"),
    ("POST", "/signin", auth_views.signin, "admin_signin"),
    ("POST", "/signout", auth_views.signout, "admin_signout"),
    ("GET", "/workspaces", workspace_views.workspaces_page, "admin_workspaces"),
    ("POST", "/workspaces", workspace_views.create, "admin_workspace_create"),
    ("POST", "/workspaces/switch", workspace_views.switch, "admin_workspace_switch"),
    ("GET", "/keys", key_views.keys_page, "admin_keys"),
    ("POST", "/keys", key_views.create, "admin_key_create"),
    ("POST", "/keys/virbela", key_views.regenerate_virbela, "admin_key_virbela"),
    ("POST", "/keys/{public_id}/revoke", key_views.revoke, "admin_key_revoke"),
    ("GET", "/fields", field_views.fields_page, "admin_fields"),
    ("POST", "/fields", field_views.create, "admin_field_create"),
    ("POST", "/fields/{field_id}/delete", field_views.delete, "admin_field_delete"),
    ("GET", "/browse", browser.browse_index, "admin_browse_index"),
    ("GET", "/browse/{name}", browser.browse, "admin_browse"),
    ("GET", "/browse/{name}/export", browser.export, "admin_browse_export"),
    ("GET", "/reports", report_views.reports_index, "admin_reports"),
    ("GET", "/reports/{name}", report_views.report_page, "admin_report"),
    ("GET", "/reports/{name}/export", report_views.export, "admin_report_export"),
)


def build_admin_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False, dependencies=[public()])
    for method, path, handler, name in ROUTES:
        router.add_api_route(path, handler, methods=[method], name=name)
    return router


def install_admin(app: FastAPI) -> None:
    app.include_router(build_admin_router())
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="admin_static")
    register_error_renderer(app, PREFIX, render_error)
