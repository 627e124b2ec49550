"""Sign-in, the session cookie, sign-out, expiry and lock-out, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.admin.admin_web import csrf_of, error_text, make_admin, post, sign_in
from tests.factories import make_key, make_workspace
from turnout.admin.users import LOCKOUT, MAX_FAILURES
from turnout.core.clock import utcnow
from turnout.db.schema import admin_sessions, admin_users


@pytest.mark.parametrize(
    "path", ["/admin", "/admin/keys", "/admin/browse/sessions?q=x", "/admin/reports"]
)
def test_signed_out_pages_redirect_to_sign_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/signin?next=")


def test_an_api_key_is_not_an_admin_session(client, engine):
    _, key = make_key(engine, make_workspace(engine))
    response = client.get("/admin/keys", headers={"X-API-Key": key}, follow_redirects=False)
    assert response.status_code == 303 and "/admin/signin" in response.headers["location"]


def test_sign_in_sets_a_strict_session_cookie_and_lands_on_next(client, admin, engine):
    response = sign_in(client, admin, next_url="/admin/keys")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/keys"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("turnout_admin=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    page = client.get("/admin")
    assert page.status_code == 200 and admin.email in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(admin_sessions.c.id)
            .join(admin_users)
            .where(admin_users.c.email == admin.email)
        ).scalar_one()
    token = response.cookies["turnout_admin"]
    assert stored != token and len(stored) == 64  # only the hash is stored


def test_cookie_is_secure_over_https(app, admin):
    with TestClient(app, base_url="https://testserver") as secure:
        response = sign_in(secure, admin)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("turnout_admin=")
    )
    assert "Secure" in cookie


def test_next_never_leaves_the_admin_ui(client, admin):
    response = sign_in(client, admin, next_url="//evil.example/steal")
    assert response.headers["location"] == "/admin"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, admin):
    wrong = sign_in(client, admin, password="not the password")
    assert wrong.status_code == 401
    assert error_text(wrong.text) == "wrong email or password"
    assert "turnout_admin" not in wrong.cookies
    unknown = client.post(
        "/admin/signin",
        data={
            "csrf_token": csrf_of(client.get("/admin/signin").text),
            "email": "nobody@example.com",
            "password": "whatever it is",
        },
    )
    assert unknown.status_code == 401 and error_text(unknown.text) == "wrong email or password"
    assert admin.email in wrong.text  # the email is kept in the form


def test_sign_in_without_the_form_token_is_refused(client, admin):
    client.get("/admin/signin")
    response = client.post(
        "/admin/signin",
        data={"csrf_token": "forged", "email": admin.email, "password": admin.password},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "out of date" in error_text(response.text)
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_lock_out_after_five_failures_for_fifteen_minutes(client, admin, engine):
    for attempt in range(MAX_FAILURES):
        response = sign_in(client, admin, password=f"wrong {attempt}")
        assert response.status_code == 401
    locked = sign_in(client, admin)  # the right password, but locked
    assert locked.status_code == 401
    assert "locked" in error_text(locked.text) and "15" in error_text(locked.text)
    with engine.connect() as conn:
        until = conn.execute(
            sa.select(admin_users.c.locked_until).where(admin_users.c.email == admin.email)
        ).scalar_one()
    assert timedelta(minutes=14) < until - utcnow() <= LOCKOUT
    with engine.begin() as conn:  # fifteen minutes pass
        conn.execute(
            admin_users.update()
            .where(admin_users.c.email == admin.email)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    assert sign_in(client, admin).status_code == 303


def test_a_success_resets_the_failure_count(client, admin, engine):
    for attempt in range(MAX_FAILURES - 1):
        sign_in(client, admin, password=f"wrong {attempt}")
    assert sign_in(client, admin).status_code == 303
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(admin_users.c.failed_logins, admin_users.c.last_login_at).where(
                admin_users.c.email == admin.email
            )
        ).one()
    assert row.failed_logins == 0 and row.last_login_at is not None


def test_inactive_admin_cannot_sign_in(client, engine):
    admin = make_admin(engine)
    with engine.begin() as conn:
        conn.execute(
            admin_users.update().where(admin_users.c.email == admin.email).values(is_active=False)
        )
    assert sign_in(client, admin).status_code == 401


def test_sign_out_ends_the_session_on_the_server(client, admin, engine):
    sign_in(client, admin)
    token = client.cookies.get("turnout_admin")
    response = post(client, "/admin/signout", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/signin?notice=signed_out"
    # Replaying the old cookie does not bring the session back.
    client.cookies.set("turnout_admin", token, path="/admin")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_csrf_token(client, admin):
    sign_in(client, admin)
    response = client.post("/admin/signout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/admin").status_code == 200  # still signed in


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
def test_expired_or_idle_session_redirects_with_a_notice(client, admin, engine, column):
    sign_in(client, admin)
    past = utcnow() - timedelta(hours=13)
    with engine.begin() as conn:
        user_id = sa.select(admin_users.c.id).where(admin_users.c.email == admin.email)
        conn.execute(
            admin_sessions.update()
            .where(admin_sessions.c.admin_user_id == user_id.scalar_subquery())
            .values({column: past})
        )
    response = client.get("/admin/keys", follow_redirects=False)
    assert response.status_code == 303
    assert "notice=expired" in response.headers["location"]
    page = client.get(response.headers["location"])
    assert "Your session has expired" in page.text


def test_signed_in_admin_visiting_sign_in_goes_home(client, admin):
    sign_in(client, admin)
    response = client.get("/admin/signin", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin"


def test_admin_routes_are_not_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/admin")]


def test_unknown_admin_page_is_an_html_404(client):
    response = client.get("/admin/no-such-page")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
