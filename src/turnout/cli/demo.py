"""`turnout demo`: realistic demo data, and the demo key `make run` prints."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from sqlalchemy.engine import Engine

from turnout.admin.passwords import verify_password
from turnout.admin.users import create_admin, set_password
from turnout.auth.keys import authenticate, create_key
from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    counted_progress,
    err_console,
    open_database,
)
from turnout.core.errors import TurnoutError
from turnout.core.workspaces import Workspace, find_workspace
from turnout.db.engine import write_transaction
from turnout.db.schema import admin_users
from turnout.ingest.demo import (
    DemoSummary,
    demo_total_rows,
    first_table_with_data,
    generate_demo,
)

DEMO_KEY_NAME = "demo (all permissions)"
DEMO_ADMIN_EMAIL = "admin@example.com"


def load_demo(
    engine: Engine,
    *,
    workspace: str,
    size: int,
    seed: int,
    anchor: date | None = None,
    timezone: str = "Europe/London",
) -> DemoSummary:
    with counted_progress("loading demo data") as progress:
        task = progress.add_task("demo", total=demo_total_rows(size))
        return generate_demo(
            engine,
            workspace=workspace,
            size=size,
            seed=seed,
            anchor=anchor,
            timezone=timezone,
            progress=lambda n: progress.advance(task, n),
        )


def workspace_is_empty(engine: Engine, slug: str) -> bool:
    with engine.connect() as conn:
        ws = find_workspace(conn, slug)
        if ws is None:
            return True
        return first_table_with_data(conn, ws.id) is None


def demo_key_path(database_url: str) -> Path:
    """Beside the SQLite file, or in the current folder for a server database."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".demo-key")
    return Path(".turnout-demo-key")


def ensure_demo_key(engine: Engine, workspace: Workspace, path: Path) -> str:
    """The key saved at `path` if it still works for this workspace, else a new one.

    Keys are stored hashed, so re-printing the demo key means keeping its plaintext
    in a local file readable only by its owner, next to the demo database.
    """
    if path.exists():
        saved = path.read_text().strip()
        try:
            with engine.begin() as conn:
                principal = authenticate(conn, saved, client_ip=None)
            if principal.workspace_id == workspace.id:
                return saved
        except TurnoutError:
            pass
    with engine.begin() as conn:
        _, key = create_key(conn, workspace=workspace, name=DEMO_KEY_NAME, permissions="all")
    path.write_text(key + "\n")
    os.chmod(path, 0o600)
    return key


def demo_admin_path(database_url: str) -> Path:
    """The demo admin's password file, beside the demo key file."""
    key_path = demo_key_path(database_url)
    return key_path.with_name(key_path.name.replace("demo-key", "demo-admin"))


def ensure_demo_admin(engine: Engine, path: Path) -> tuple[str, str]:
    """(email, password) of the demo admin: the password saved at `path` if it
    still signs in, else a new one (the account is created or reset, and unlocked).

    Like the demo key, the password is kept in clear only in a local file readable
    by its owner, so that `make run` can print it again.
    """
    saved = path.read_text().strip() if path.exists() else ""
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(admin_users.c.password_hash).where(admin_users.c.email == DEMO_ADMIN_EMAIL)
        ).scalar_one_or_none()
    with write_transaction(engine) as conn:
        if saved and stored is not None and verify_password(stored, saved):
            set_password(conn, email=DEMO_ADMIN_EMAIL, password=saved)  # unlock if locked
            return DEMO_ADMIN_EMAIL, saved
        password = secrets.token_urlsafe(12)
        if stored is None:
            create_admin(conn, email=DEMO_ADMIN_EMAIL, password=password)
        else:
            set_password(conn, email=DEMO_ADMIN_EMAIL, password=password)
    path.write_text(password + "\n")
    os.chmod(path, 0o600)
    return DEMO_ADMIN_EMAIL, password


def demo(
    workspace: Annotated[str, typer.Option(help="Workspace slug to fill.")] = "demo",
    size: Annotated[
        int, typer.Option(min=1, help="Number of sessions (other data scales).")
    ] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data.")] = 1,
    anchor: Annotated[
        str | None, typer.Option(help="Last day of past activity, YYYY-MM-DD (default today).")
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="Time zone of a new demo workspace.")
    ] = "Europe/London",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Generate realistic, deterministic demo data for every entity."""
    run_demo(workspace=workspace, size=size, seed=seed, anchor=anchor, timezone=timezone, db=db)


@clean_errors
def run_demo(
    *, workspace: str, size: int, seed: int, anchor: str | None, timezone: str, db: str
) -> None:
    try:
        anchor_day = date.fromisoformat(anchor) if anchor else None
    except ValueError:
        raise typer.BadParameter(f"--anchor must be YYYY-MM-DD, not {anchor!r}") from None
    with open_database(db) as engine:
        summary = load_demo(
            engine, workspace=workspace, size=size, seed=seed, anchor=anchor_day, timezone=timezone
        )
    err_console.print(f"demo data in workspace [bold]{workspace}[/bold]: {summary}")
