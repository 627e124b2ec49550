"""`turnout admins ...`: the people who may sign in to the admin web UI at /admin."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from turnout.admin.users import create_admin, list_admins, set_password
from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    echo_table,
    err_console,
    fail,
    open_database,
)
from turnout.db.engine import write_transaction

app = typer.Typer(help="Create and list admin users of the web UI.", no_args_is_help=True)

EmailArgument = Annotated[str, typer.Argument(help="The admin's email address (their login).")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("no password on standard input")
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("create")
@clean_errors
def create(
    email: EmailArgument, password_stdin: PasswordStdin = False, db: DbOption = DEFAULT_DB
) -> None:
    """Create an admin; prompts for the password twice (or reads --password-stdin)."""
    password = read_password(password_stdin)
    with open_database(db) as engine, write_transaction(engine) as conn:
        user = create_admin(conn, email=email, password=password)
    err_console.print(f"created admin [bold]{user.email}[/bold]; sign in at /admin")


@app.command("password")
@clean_errors
def password(
    email: EmailArgument, password_stdin: PasswordStdin = False, db: DbOption = DEFAULT_DB
) -> None:
    """Set a new password for an admin (this also lifts a lock-out)."""
    new_password = read_password(password_stdin)
    with open_database(db) as engine, write_transaction(engine) as conn:
        user = set_password(conn, email=email, password=new_password)
    err_console.print(f"new password set for [bold]{user.email}[/bold]")


@app.command("list")
@clean_errors
def list_(db: DbOption = DEFAULT_DB) -> None:
    """List admins (never their passwords)."""
    with open_database(db) as engine, engine.connect() as conn:
        rows = list_admins(conn)
    table = Table("email", "status", "last sign-in", "created")
    for row in rows:
        status = "active" if row.is_active else "inactive"
        if row.locked_until is not None:
            status += f" (locked until {row.locked_until.isoformat(timespec='minutes')})"
        table.add_row(
            str(row.email),
            status,
            row.last_login_at.isoformat(timespec="seconds") if row.last_login_at else "never",
            row.created_at.isoformat(timespec="seconds"),
        )
    echo_table(table)
