"""Helpers for driving the admin UI over HTTP: sign in, read CSRF tokens, post forms."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from turnout.admin.users import create_admin

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass(frozen=True)
class Admin:
    email: str
    password: str = PASSWORD


def make_admin(engine: Engine, *, password: str = PASSWORD) -> Admin:
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    with engine.begin() as conn:
        create_admin(conn, email=email, password=password)
    return Admin(email, password)


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "no CSRF token on the page"
    return html.unescape(match[1])


def sign_in(client, admin: Admin, *, password: str | None = None, next_url: str = "/admin"):
    page = client.get("/admin/signin")
    return client.post(
        "/admin/signin",
        data={
            "csrf_token": csrf_of(page.text),
            "email": admin.email,
            "password": admin.password if password is None else password,
            "next": next_url,
        },
        follow_redirects=False,
    )


def post(client, path: str, data: dict | None = None, *, page: str = "/admin", **kwargs):
    """POST a form the way the page would: with the session's CSRF token."""
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)


def select_workspace(client, slug: str) -> None:
    response = post(
        client,
        "/admin/workspaces/switch",
        {"workspace": slug, "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def error_text(page: str) -> str:
    match = re.search(r'class="error" role="alert">([^<]*)<', page)
    return html.unescape(match[1]) if match else ""


def secret_on(page: str) -> str | None:
    match = re.search(r'id="new-key-secret" class="mono" readonly value="([^"]+)"', page)
    return html.unescape(match[1]) if match else None
