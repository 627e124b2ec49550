"""`turnout keys ...`: the plaintext key is printed once, alone on stdout."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from turnout.auth.keys import create_key, list_keys, revoke_key
from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    echo_answer,
    echo_table,
    err_console,
    fail,
    open_database,
)
from turnout.core.workspaces import get_workspace

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


def parse_expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"--expires must be an ISO 8601 date or date-time, not {text!r}")
    # A bare date or a naive time is read as UTC: keys are compared in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("create")
@clean_errors
def create(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    name: Annotated[str | None, typer.Option(help="A name to recognise the key by.")] = None,
    permissions: Annotated[
        str, typer.Option(help="'all' or a comma list, e.g. sessions:read,reports:read.")
    ] = "all",
    allow_ip: Annotated[
        list[str] | None, typer.Option("--allow-ip", help="Allowed CIDR range (repeatable).")
    ] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry, ISO 8601 (UTC if no zone).")] = None,
    dialect: Annotated[
        str | None,
        typer.Option(
            help="Credentials for one product's dialect (virbela: one pair per workspace)."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create an API key and print it (shown only this once)."""
    expires_at = parse_expiry(expires)
    with open_database(db) as engine, engine.begin() as conn:
        ws = get_workspace(conn, workspace)
        info, key = create_key(
            conn,
            workspace=ws,
            name=name,
            permissions=permissions,
            allowed_ips=allow_ip or [],
            expires_at=expires_at,
            dialect=dialect,
        )
    err_console.print(
        f"created key [bold]{info.public_id}[/bold] in {ws.slug} "
        f"with {', '.join(info.permissions)}; copy it now, it is not shown again"
    )
    if dialect == "virbela":
        secret = key.split("_", 2)[2]
        err_console.print(f"V-Client-Id: {info.public_id}   V-Client-Secret: {secret}")
    echo_answer(key)


@app.command("list")
@clean_errors
def list_(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """List a workspace's keys (never their secrets)."""
    with open_database(db) as engine, engine.connect() as conn:
        keys = list_keys(conn, get_workspace(conn, workspace))
    table = Table("id", "name", "permissions", "allowed ips", "expires", "last used", "status")
    for k in keys:
        status = "revoked" if k.revoked_at else "active"
        if k.expires_at and k.expires_at <= datetime.now(UTC) and not k.revoked_at:
            status = "expired"
        table.add_row(
            k.public_id,
            k.name,
            ",".join(k.permissions),
            ",".join(k.allowed_ips) or "any",
            k.expires_at.isoformat() if k.expires_at else "never",
            k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "never",
            status,
        )
    echo_table(table)


@app.command("revoke")
@clean_errors
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's public id (from 'keys list').")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke a key; it stops working on the next request."""
    with open_database(db) as engine, engine.begin() as conn:
        info = revoke_key(conn, key_id)
    err_console.print(f"revoked key [bold]{info.public_id}[/bold]")
