"""The CLI through Typer's runner: workspaces, keys, migrate, and clean failures."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from turnout.auth.keys import authenticate
from turnout.cli.main import app
from turnout.db.engine import make_engine


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, database_url_factory):
    return database_url_factory(request.param)


def run(runner, db_url, *args):
    return runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False)


def test_workspace_and_key_lifecycle(runner, db_url):
    result = run(runner, db_url, "workspaces", "create", "west-hall", "--timezone", "Europe/London")
    assert result.exit_code == 0 and result.stdout.strip() == "west-hall"
    assert "west-hall" in run(runner, db_url, "workspaces", "list").stdout

    result = run(
        runner,
        db_url,
        "keys",
        "create",
        "--workspace",
        "west-hall",
        "--name",
        "bi",
        "--permissions",
        "sessions:read,reports:read",
        "--allow-ip",
        "10.0.0.0/8",
        "--allow-ip",
        "192.168.1.1",
        "--expires",
        "2099-01-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert key.startswith("tk_") and "\n" not in key  # the key alone on stdout
    public_id = key.split("_")[1]
    engine = make_engine(db_url)
    with engine.begin() as conn:
        principal = authenticate(conn, key, client_ip="10.1.1.1")
    assert principal.permissions == {"sessions:read", "reports:read"}

    listed = run(runner, db_url, "keys", "list", "--workspace", "west-hall").stdout
    assert public_id in listed and "10.0.0.0/8" in listed and key.split("_", 2)[2] not in listed

    assert run(runner, db_url, "keys", "revoke", public_id).exit_code == 0
    assert "revoked" in run(runner, db_url, "keys", "list", "--workspace", "west-hall").stdout
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["workspaces", "create", "Bad Slug"], "slug must be"),
        (["workspaces", "create", "ok", "--timezone", "Mars/Base"], "time zone"),
        (["keys", "create", "--workspace", "nope"], "no workspace with slug 'nope'"),
        (
            ["keys", "create", "--workspace", "main", "--allow-ip", "10.0.0.0/33"],
            "not an IP address",
        ),
        (
            ["keys", "create", "--workspace", "main", "--permissions", "sessions:read,nope"],
            "unknown permission",
        ),
        (["keys", "create", "--workspace", "main", "--expires", "soon"], "--expires must be"),
        (["keys", "create", "--workspace", "main", "--expires", "2001-01-01"], "in the future"),
        (["keys", "create", "--workspace", "main", "--dialect", "nope"], "dialect must be"),
        (["keys", "revoke", "doesnotexist"], "no API key"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_created(runner, db_url, args, message):
    assert run(runner, db_url, "workspaces", "create", "main").exit_code == 0
    result = run(runner, db_url, *args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # one message (maybe soft-wrapped)
    assert "Traceback" not in result.output
    listed = run(runner, db_url, "keys", "list", "--workspace", "main").stdout
    assert "tk_" not in listed and "active" not in listed
    assert "ok" not in run(runner, db_url, "workspaces", "list").stdout.split()


def test_duplicate_workspace(runner, db_url):
    assert run(runner, db_url, "workspaces", "create", "dup").exit_code == 0
    result = run(runner, db_url, "workspaces", "create", "dup")
    assert result.exit_code == 1 and "already exists" in result.stderr


@pytest.mark.parametrize(
    "url", ["postgresql://nobody@127.0.0.1:1/none", "mysql://x@localhost/db", "not a url"]
)
def test_unreachable_database(runner, url):
    result = runner.invoke(app, ["workspaces", "list", "--db", url], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.output


def test_migrate(runner, db_url):
    result = run(runner, db_url, "migrate")
    assert result.exit_code == 0 and "head" in result.stderr
