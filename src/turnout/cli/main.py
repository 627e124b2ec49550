"""The `turnout` command."""

from __future__ import annotations

import typer

from turnout import __version__
from turnout.cli import admins, demo, imports, keys, serve, workspaces
from turnout.cli.common import DEFAULT_DB, DbOption, clean_errors, err_console, open_database
from turnout.db import migrate as db_migrate
from turnout.reports.cli import rollups_app

app = typer.Typer(
    name="turnout",
    help="Turnout: a self-hosted customer-data platform for venue businesses.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(workspaces.app, name="workspaces")
app.add_typer(keys.app, name="keys")
app.add_typer(admins.app, name="admins")
app.add_typer(rollups_app, name="rollups")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("import")(imports.import_file)


@app.command("migrate")
@clean_errors
def migrate(db: DbOption = DEFAULT_DB) -> None:
    """Bring the database schema up to date."""
    with open_database(db) as engine:
        err_console.print(f"database at revision {db_migrate.current_revision(engine)} (head)")


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    app()
