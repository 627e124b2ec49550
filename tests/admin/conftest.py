"""Admin UI fixtures: an admin user, and a client signed in with a workspace selected."""

from __future__ import annotations

import pytest

from tests.admin.admin_web import make_admin, select_workspace, sign_in


@pytest.fixture
def admin(engine):
    return make_admin(engine)


@pytest.fixture
def admin_client(client, admin, workspace):
    """`client` signed in as `admin`, looking at `workspace`."""
    response = sign_in(client, admin)
    assert response.status_code == 303, response.text
    select_workspace(client, workspace.slug)
    return client


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """Argon2 with its cheapest settings: the same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    from turnout.admin import passwords

    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
