"""Every admin form refuses a POST without this session's CSRF token, and changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.admin.admin_web import csrf_of, error_text
from tests.factories import make_key
from turnout.admin.routes import ROUTES
from turnout.db.schema import admin_sessions, api_keys, audit_log, profile_fields, workspaces

FORMS = {
    "/signout": {},
    "/workspaces": {"slug": "csrf-test", "timezone": "UTC"},
    "/workspaces/switch": {"workspace": "x"},
    "/keys": {"name": "x", "permissions": "all"},
    "/keys/virbela": {},
    "/keys/{public_id}/revoke": {},
    "/fields": {"name": "csrf_field"},
    "/fields/{field_id}/delete": {},
}
POSTS = [path for method, path, _, _ in ROUTES if method == "POST" and path != "/signin"]


def test_every_post_route_is_covered():
    assert sorted(POSTS) == sorted(FORMS)


def _counts(engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (admin_sessions, api_keys, audit_log, profile_fields, workspaces)
        )


@pytest.mark.parametrize("token", [None, "", "forged-token"])
@pytest.mark.parametrize("path", POSTS)
def test_post_without_the_token_is_refused(admin_client, engine, workspace, path, token):
    info, key = make_key(engine, workspace)
    url = "/admin" + path.format(public_id=info.public_id, field_id=1)
    data = dict(FORMS[path])
    if token is not None:
        data["csrf_token"] = token
    before = _counts(engine)
    response = admin_client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 403, response.text
    assert "nothing was changed" in error_text(response.text)
    assert _counts(engine) == before
    assert admin_client.get("/v1/me", headers={"X-API-Key": key}).status_code == 200


def test_another_sessions_token_is_refused(app, admin_client, admin, workspace):
    from fastapi.testclient import TestClient

    from tests.admin.admin_web import sign_in

    with TestClient(app) as other:
        sign_in(other, admin)
        foreign = csrf_of(other.get("/admin").text)
    response = admin_client.post(
        "/admin/keys", data={"csrf_token": foreign, "permissions": "all"}, follow_redirects=False
    )
    assert response.status_code == 403
