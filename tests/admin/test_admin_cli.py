"""`turnout admins ...` and the demo admin that `make run` prints."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from turnout.admin.passwords import verify_password
from turnout.admin.users import sign_in
from turnout.cli.demo import DEMO_ADMIN_EMAIL, demo_admin_path, demo_key_path, ensure_demo_admin
from turnout.cli.main import app
from turnout.db import migrate
from turnout.db.engine import make_engine
from turnout.db.schema import admin_users


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, database_url_factory):
    return database_url_factory(request.param)


def invoke(db_url, *args, input=None):
    return CliRunner().invoke(app, [*args, "--db", db_url], input=input, catch_exceptions=False)


def stored_hash(db_url, email):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.select(admin_users.c.password_hash).where(admin_users.c.email == email)
            ).scalar_one_or_none()
    finally:
        engine.dispose()


def test_create_prompts_twice_and_stores_an_argon2_hash(db_url):
    result = invoke(
        db_url, "admins", "create", "Ops@Example.com", input="long enough pw\nlong enough pw\n"
    )
    assert result.exit_code == 0, result.output
    stored = stored_hash(db_url, "ops@example.com")
    assert stored.startswith("$argon2id$") and "long enough pw" not in stored
    assert verify_password(stored, "long enough pw")
    listed = invoke(db_url, "admins", "list")
    assert "ops@example.com" in listed.stdout and "long enough" not in listed.stdout


def test_create_from_stdin_and_clean_failures(db_url):
    ok = invoke(
        db_url, "admins", "create", "a@example.com", "--password-stdin", input="pw-0123456789\n"
    )
    assert ok.exit_code == 0, ok.output
    again = invoke(
        db_url, "admins", "create", "a@example.com", "--password-stdin", input="pw-0123456789\n"
    )
    assert again.exit_code == 1 and "exists" in again.output
    short = invoke(db_url, "admins", "create", "b@example.com", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad = invoke(
        db_url, "admins", "create", "not-an-email", "--password-stdin", input="pw-0123456789\n"
    )
    assert bad.exit_code == 1 and "email" in bad.output
    assert stored_hash(db_url, "b@example.com") is None


def test_password_resets_and_unlocks(db_url):
    invoke(
        db_url, "admins", "create", "c@example.com", "--password-stdin", input="first-password\n"
    )
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(admin_users.update().values(failed_logins=3, locked_until=sa.func.now()))
        result = invoke(
            db_url,
            "admins",
            "password",
            "c@example.com",
            "--password-stdin",
            input="second-password\n",
        )
        assert result.exit_code == 0, result.output
        assert sign_in(engine, "c@example.com", "second-password").email == "c@example.com"
    finally:
        engine.dispose()


def test_demo_admin_is_created_once_and_printed_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'turnout.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        path = demo_admin_path(url)
        assert path.parent == demo_key_path(url).parent and path.name == "turnout.db.demo-admin"
        email, password = ensure_demo_admin(engine, path)
        assert email == DEMO_ADMIN_EMAIL and path.read_text().strip() == password
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert ensure_demo_admin(engine, path) == (email, password)
        assert sign_in(engine, email, password).email == email
        path.write_text("a stale password\n")  # a lost or edited file: a new password
        _, renewed = ensure_demo_admin(engine, path)
        assert renewed != password and sign_in(engine, email, renewed).email == email
    finally:
        engine.dispose()
