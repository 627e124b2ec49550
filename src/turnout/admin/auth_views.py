"""Sign-in and sign-out pages.

The sign-in form has no session yet, so its CSRF token is a double-submit cookie:
a random value set with the form and expected back in it (a forged cross-site
form cannot read the cookie to copy it).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from turnout.admin import sessions
from turnout.admin.users import sign_in
from turnout.admin.web import (
    PREFIX,
    SIGNIN_PATH,
    AdminForm,
    checked_form,
    is_https,
    read_form,
    redirect,
    render,
    safe_next,
)
from turnout.core.clock import utcnow
from turnout.core.errors import TurnoutError
from turnout.db.engine import write_transaction

SIGNIN_COOKIE = "turnout_admin_signin"

NOTICES = {
    "expired": "Your session has expired. Sign in again.",
    "signed_out": "You are signed out.",
}


def _signed_in(request: Request) -> bool:
    token = request.cookies.get(sessions.COOKIE_NAME)
    with request.app.state.engine.connect() as conn:
        return sessions.load_session(conn, token, now=utcnow()) is not None


def _signin_form(
    request: Request, *, status_code: int = 200, error: str = "", email: str = ""
) -> Response:
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "signin.html",
        status_code=status_code,
        signin_token=token,
        next=safe_next(request.query_params.get("next")),
        notice=NOTICES.get(request.query_params.get("notice") or "", ""),
        error=error,
        email=email,
    )
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        max_age=3600,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    return response


def signin_page(request: Request) -> Response:
    if _signed_in(request):
        return redirect(safe_next(request.query_params.get("next")))
    return _signin_form(request)


def signin(request: Request, form: FormData = Depends(read_form)) -> Response:
    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    email = text("email").strip()
    cookie = request.cookies.get(SIGNIN_COOKIE) or ""
    sent = text("csrf_token")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        return _signin_form(
            request,
            status_code=403,
            error="This sign-in form is out of date or was not sent from this site. Try again.",
            email=email,
        )
    engine = request.app.state.engine
    try:
        user = sign_in(engine, email, text("password"))
    except TurnoutError as exc:
        return _signin_form(request, status_code=401, error=exc.message, email=email)
    with write_transaction(engine) as conn:
        token, _ = sessions.start_session(conn, user.id)
    response = redirect(safe_next(text("next")))
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        path=sessions.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    response.delete_cookie(SIGNIN_COOKIE, path=PREFIX)
    return response


def signout(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    with write_transaction(request.app.state.engine) as conn:
        sessions.end_session(conn, posted.admin.session)
    response = redirect(SIGNIN_PATH, notice="signed_out")
    response.delete_cookie(sessions.COOKIE_NAME, path=sessions.COOKIE_PATH)
    return response
