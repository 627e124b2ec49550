"""`turnout workspaces ...`"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    echo_answer,
    echo_table,
    err_console,
    open_database,
)
from turnout.core.workspaces import create_workspace, list_workspaces

app = typer.Typer(help="Create and list workspaces (tenants).", no_args_is_help=True)


@app.command("create")
@clean_errors
def create(
    slug: Annotated[str, typer.Argument(help="Short unique name, e.g. 'west-hall'.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the slug).")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone for presets and reports.")] = "UTC",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create a workspace."""
    with open_database(db) as engine, engine.begin() as conn:
        workspace = create_workspace(conn, slug=slug, name=name, timezone=timezone)
    err_console.print(f"created workspace [bold]{workspace.slug}[/bold] ({workspace.timezone})")
    echo_answer(workspace.slug)


@app.command("list")
@clean_errors
def list_(db: DbOption = DEFAULT_DB) -> None:
    """List workspaces."""
    with open_database(db) as engine, engine.connect() as conn:
        found = list_workspaces(conn)
    table = Table("slug", "name", "timezone", "id")
    for ws in found:
        table.add_row(ws.slug, ws.name, ws.timezone, str(ws.id))
    echo_table(table)
