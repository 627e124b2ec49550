"""What every admin page shares: templates, the signed-in admin, CSRF, error pages.

Pages are rendered on the server with Jinja2 (autoescaped: names and values are
text, never markup) and sent with a strict Content-Security-Policy: scripts and
styles only from /admin/static, so even an unescaped value could not run.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from turnout import __version__
from turnout.admin import sessions
from turnout.admin.sessions import AdminSession
from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.errors import NotFound, PermissionDenied, TurnoutError, Unauthenticated
from turnout.core.workspaces import Workspace, list_workspaces
from turnout.db.engine import write_transaction

log = logging.getLogger("turnout.admin")

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
PREFIX = "/admin"
SIGNIN_PATH = f"{PREFIX}/signin"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


class SignInRequired(Unauthenticated):
    """No live admin session: pages redirect to the sign-in form."""


class CsrfRefused(PermissionDenied):
    """A form without this session's CSRF token: refused, nothing changed."""


class NoWorkspace(NotFound):
    """The page needs a workspace and none exists yet."""


@dataclass(frozen=True)
class AdminContext:
    """The signed-in admin, the workspace being looked at, and all the others."""

    session: AdminSession
    workspace: Workspace | None
    workspaces: list[Workspace] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.session.email

    @property
    def actor_name(self) -> str:
        return f"admin:{self.email}"

    def require_workspace(self) -> Workspace:
        if self.workspace is None:
            raise NoWorkspace.for_field(
                "workspace", "exists", "there is no workspace yet: create one first"
            )
        return self.workspace

    def actor(self) -> Actor:
        return Actor(workspace_id=self.require_workspace().id, name=self.actor_name)


@dataclass(frozen=True)
class AdminForm:
    """A POSTed form whose CSRF token has been checked, and who sent it."""

    admin: AdminContext
    form: FormData

    def text(self, name: str, default: str = "") -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else default

    def all(self, name: str) -> list[str]:
        return [v for v in self.form.getlist(name) if isinstance(v, str)]


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def safe_next(target: str | None) -> str:
    """Only paths inside the admin UI, never another site (`//host`, `/\\host`)."""
    if (
        not target
        or not target.startswith(PREFIX)
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return PREFIX
    return target


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    admin: AdminContext | None = getattr(request.state, "admin", None)
    body = _env.get_template(template).render(
        request=request,
        admin=admin,
        csrf_token=admin.session.csrf_token if admin else "",
        path=request.url.path,
        here=_here(request),
        version=__version__,
        **context,
    )
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)


def redirect(url: str, **params: str) -> RedirectResponse:
    if params:
        url = f"{url}?{urlencode(params)}"
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def current_admin(request: Request) -> AdminContext:
    """Dependency: the signed-in admin, or SignInRequired."""
    token = request.cookies.get(sessions.COOKIE_NAME)
    engine = request.app.state.engine
    now = utcnow()
    with engine.connect() as conn:
        session = sessions.load_session(conn, token, now=now)
        if session is None:
            raise SignInRequired.for_field(
                "session",
                "expired" if token else "required",
                "your session has expired: sign in again" if token else "sign in first",
            )
        found = list_workspaces(conn)
    if sessions.needs_touch(session, now):
        try:
            with write_transaction(engine, lock_timeout_ms=200) as conn:
                sessions.touch(conn, session, now)
        except OperationalError:
            log.info("last-seen time of an admin session not recorded: database busy")
    selected = next((w for w in found if w.id == session.selected_workspace_id), None)
    admin = AdminContext(
        session=session,
        workspace=selected or (found[0] if found else None),
        workspaces=found,
    )
    request.state.admin = admin
    return admin


async def read_form(request: Request) -> FormData:
    return await request.form()


def checked_form(
    admin: AdminContext = Depends(current_admin), form: FormData = Depends(read_form)
) -> AdminForm:
    """Dependency for every POST: the session's CSRF token must come back with the form."""
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), admin.session.csrf_token.encode()
    ):
        raise CsrfRefused.for_field(
            "csrf_token",
            "valid",
            "this form is out of date or was not sent from this site; nothing was changed. "
            "Reload the page and try again.",
        )
    return AdminForm(admin=admin, form=form)


def render_error(request: Request, exc: TurnoutError) -> Response:
    """Errors under /admin: a sign-in redirect, or a page saying what went wrong."""
    if isinstance(exc, Unauthenticated):
        params = {"next": _here(request) if request.method == "GET" else PREFIX}
        if exc.rule == "expired":
            params["notice"] = "expired"
        response: Response = redirect(SIGNIN_PATH, **params)
        if exc.rule == "expired":
            response.delete_cookie(sessions.COOKIE_NAME, path=sessions.COOKIE_PATH)
        return response
    if exc.status >= 500:
        message = "something went wrong on the server; the details are in its log"
    else:
        message = exc.message
    return render(
        request,
        "error.html",
        status_code=exc.status,
        title=_ERROR_TITLES.get(exc.status, "Error"),
        message=message,
        no_workspace=isinstance(exc, NoWorkspace),
    )


_ERROR_TITLES = {
    400: "That did not work",
    403: "Refused",
    404: "Not found",
    405: "Not allowed",
    409: "Already exists",
    429: "Busy",
    500: "Server error",
    503: "Unavailable",
}
