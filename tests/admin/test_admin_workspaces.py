"""Workspaces and profile fields in the admin UI."""

from __future__ import annotations

import uuid

import pytest

from tests.admin.admin_web import error_text, post
from turnout.core.workspaces import find_workspace
from turnout.db.schema import profile_fields


def test_create_workspace_selects_it(admin_client, engine):
    slug = f"west-{uuid.uuid4().hex[:8]}"
    response = post(
        admin_client,
        "/admin/workspaces",
        {"slug": slug, "name": "West <Hall>", "timezone": "Europe/Berlin"},
        page="/admin/workspaces",
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = admin_client.get(response.headers["location"]).text
    assert f"Created workspace <strong>{slug}</strong>" in page
    assert "West &lt;Hall&gt;" in page and "West <Hall>" not in page
    with engine.connect() as conn:
        created = find_workspace(conn, slug)
    assert created is not None and created.timezone == "Europe/Berlin"
    home = admin_client.get("/admin").text
    assert f'<option value="{slug}" selected>' in home


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"slug": "Not A Slug"}, 400, "slug must be"),
        ({"timezone": "Mars/Olympus"}, 400, "IANA time zone"),
    ],
)
def test_bad_workspace_forms_say_why(admin_client, engine, fields, status, message):
    data = {"slug": f"ok-{uuid.uuid4().hex[:8]}", "timezone": "UTC", **fields}
    page = post(admin_client, "/admin/workspaces", data, page="/admin/workspaces")
    assert page.status_code == status
    assert message in error_text(page.text)
    with engine.connect() as conn:
        assert find_workspace(conn, data["slug"]) is None


def test_duplicate_slug_is_409(admin_client, workspace):
    page = post(
        admin_client,
        "/admin/workspaces",
        {"slug": workspace.slug, "timezone": "UTC"},
        page="/admin/workspaces",
    )
    assert page.status_code == 409 and "already exists" in error_text(page.text)


def test_switch_workspace(admin_client, engine, workspace):
    from tests.factories import make_workspace

    other = make_workspace(engine)
    response = post(
        admin_client,
        "/admin/workspaces/switch",
        {"workspace": other.slug, "next": "/admin/keys"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin/keys"
    assert f"<small>{other.slug}</small>" in admin_client.get("/admin/keys").text
    missing = post(admin_client, "/admin/workspaces/switch", {"workspace": "no-such-ws"})
    assert missing.status_code == 404


def fields_in(engine, workspace):
    import sqlalchemy as sa

    with engine.connect() as conn:
        return conn.execute(
            sa.select(profile_fields.c.name, profile_fields.c.type).where(
                profile_fields.c.workspace_id == workspace.id
            )
        ).all()


def test_define_list_and_delete_a_profile_field(admin_client, engine, workspace):
    response = post(
        admin_client,
        "/admin/fields",
        {"name": "favourite_game", "label": "<b>Fav</b>", "type": "string", "description": ""},
        page="/admin/fields",
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = admin_client.get(response.headers["location"]).text
    assert "favourite_game" in page and "&lt;b&gt;Fav&lt;/b&gt;" in page
    assert fields_in(engine, workspace) == [("favourite_game", "string")]
    field_id = page.split('action="/admin/fields/')[1].split("/delete")[0]
    response = post(admin_client, f"/admin/fields/{field_id}/delete", page="/admin/fields")
    assert response.status_code == 200 and "The field is deleted" in response.text
    assert fields_in(engine, workspace) == []


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": "1bad"}, 400, "name"),
        ({"name": "ok", "type": "colour"}, 400, "type"),
        ({"name": ""}, 400, "name"),
    ],
)
def test_bad_profile_field_forms_say_why(admin_client, engine, workspace, fields, status, message):
    page = post(admin_client, "/admin/fields", fields, page="/admin/fields")
    assert page.status_code == status
    assert message in error_text(page.text)
    assert fields_in(engine, workspace) == []


def test_duplicate_profile_field_is_409(admin_client, engine, workspace):
    post(admin_client, "/admin/fields", {"name": "tier"}, page="/admin/fields")
    page = post(admin_client, "/admin/fields", {"name": "tier"}, page="/admin/fields")
    assert page.status_code == 409 and "exists" in error_text(page.text)


def test_deleting_another_workspaces_field_is_404(admin_client, engine, workspace):
    from tests.factories import make_workspace
    from turnout.core.commands import Actor
    from turnout.core.commands.models import ProfileFieldCreate
    from turnout.core.commands.profiles import create_field

    other = make_workspace(engine)
    with engine.begin() as conn:
        field_id = create_field(conn, Actor(other.id, "test"), ProfileFieldCreate(name="x"))
    page = post(admin_client, f"/admin/fields/{field_id}/delete", page="/admin/fields")
    assert page.status_code == 404
    assert fields_in(engine, other) == [("x", "string")]
