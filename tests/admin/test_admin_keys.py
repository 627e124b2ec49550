"""API keys in the admin UI: generated and shown once, listed, revoked; the Virbela pair."""

from __future__ import annotations

import sqlalchemy as sa

from tests.admin.admin_web import error_text, post, secret_on
from tests.factories import make_key, make_workspace
from turnout.auth.keys import list_keys
from turnout.db.schema import audit_log


def create(client, **fields):
    data = {"name": "BI", "permissions": ["sessions:read"], **fields}
    return post(client, "/admin/keys", data, page="/admin/keys")


def keys_in(engine, workspace):
    with engine.connect() as conn:
        return list_keys(conn, workspace)


def test_generated_key_is_shown_once_and_works(admin_client, engine, workspace, admin):
    page = create(
        admin_client,
        name="BI export",
        permissions=["sessions:read", "reports:read"],
        allowed_ips="127.0.0.0/8\n10.0.0.0/8",
        expires="2099-01-01",
    )
    assert page.status_code == 200, error_text(page.text)
    key = secret_on(page.text)
    assert key and key.startswith("tk_")
    assert "shown only this once" in page.text
    assert page.headers["cache-control"] == "no-store"
    me = admin_client.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert me["workspace"]["slug"] == workspace.slug
    assert sorted(me["permissions"]) == ["reports:read", "sessions:read"]

    listed = admin_client.get("/admin/keys").text
    secret = key.split("_", 2)[2]
    assert secret not in listed and secret_on(listed) is None
    (info,) = keys_in(engine, workspace)
    for shown in (info.public_id, "BI export", "10.0.0.0/8", "127.0.0.0/8", "2099-01-01"):
        assert shown in listed
    assert "reports:read, sessions:read" in listed
    with engine.connect() as conn:
        actor = conn.execute(
            sa.select(audit_log.c.actor).where(
                audit_log.c.workspace_id == workspace.id, audit_log.c.action == "key.create"
            )
        ).scalar_one()
    assert actor == f"admin:{admin.email}"


def test_revoke_stops_the_key_at_once(admin_client, engine, workspace):
    key = secret_on(create(admin_client).text)
    assert admin_client.get("/v1/me", headers={"X-API-Key": key}).status_code == 200
    public_id = key.split("_")[1]
    response = post(
        admin_client, f"/admin/keys/{public_id}/revoke", page="/admin/keys", follow_redirects=False
    )
    assert response.status_code == 303
    page = admin_client.get(response.headers["location"])
    assert "is revoked" in page.text and "revoked" in page.text
    assert admin_client.get("/v1/me", headers={"X-API-Key": key}).status_code == 401
    assert keys_in(engine, workspace)[0].revoked_at is not None


def test_revoke_of_another_workspaces_key_is_404(admin_client, engine):
    other = make_workspace(engine)
    info, key = make_key(engine, other)
    response = post(admin_client, f"/admin/keys/{info.public_id}/revoke", page="/admin/keys")
    assert response.status_code == 404
    assert admin_client.get("/v1/me", headers={"X-API-Key": key}).status_code == 200


def test_bad_key_forms_say_why_and_change_nothing(admin_client, engine, workspace):
    cases = [
        ({"allowed_ips": "10.0.0.300/8"}, "is not an IP address or CIDR range"),
        ({"allowed_ips": "<script>alert(1)</script>"}, "is not an IP address"),
        ({"expires": "next tuesday"}, "expires must be a date"),
        ({"expires": "2001-01-01"}, "expires must be in the future"),
        ({"permissions": []}, "permissions: give 'all' or at least one name"),
        ({"permissions": ["root"]}, "unknown permission"),
    ]
    for fields, message in cases:
        page = create(admin_client, **fields)
        assert page.status_code == 400, fields
        assert message in error_text(page.text), (fields, error_text(page.text))
        assert "<script>alert(1)</script>" not in page.text
        assert secret_on(page.text) is None
    assert keys_in(engine, workspace) == []


def test_names_are_escaped(admin_client, engine, workspace):
    create(admin_client, name='<img src=x onerror="alert(1)">')
    page = admin_client.get("/admin/keys").text
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_all_permission_checkbox(admin_client):
    key = secret_on(create(admin_client, permissions=["all"]).text)
    me = admin_client.get("/v1/me", headers={"X-API-Key": key}).json()
    assert me["permissions"] == ["all"]


def test_virbela_pair_is_regenerated_and_the_old_one_dies(admin_client, engine, workspace):
    first = post(admin_client, "/admin/keys/virbela", page="/admin/keys")
    assert first.status_code == 200
    old = secret_on(first.text)
    assert "V-Client-Secret" in first.text and old.split("_", 2)[2] in first.text
    assert admin_client.get("/v1/me", headers={"X-API-Key": old}).status_code == 200
    listed = admin_client.get("/admin/keys").text
    assert "Regenerate the Virbela pair" in listed and old.split("_")[1] in listed

    second = post(admin_client, "/admin/keys/virbela", page="/admin/keys")
    new = secret_on(second.text)
    assert new != old
    assert admin_client.get("/v1/me", headers={"X-API-Key": old}).status_code == 401
    assert admin_client.get("/v1/me", headers={"X-API-Key": new}).status_code == 200
    virbela = [k for k in keys_in(engine, workspace) if k.dialect == "virbela"]
    assert [k.revoked_at is None for k in virbela] == [False, True]


def test_keys_page_lists_only_the_selected_workspace(admin_client, engine, workspace):
    other = make_workspace(engine)
    info, _ = make_key(engine, other, name="elsewhere")
    assert info.public_id not in admin_client.get("/admin/keys").text
