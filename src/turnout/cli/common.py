"""What every command shares: the --db option, opening the database, failing cleanly."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from turnout.config import DEFAULT_DATABASE_URL
from turnout.core.errors import TurnoutError
from turnout.db import migrate
from turnout.db.engine import DatabaseUnreachable, check_reachable, make_engine

# Details and progress go to stderr so stdout can carry just the answer (a key).
err_console = Console(stderr=True)

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="TURNOUT_DATABASE_URL",
        help="Database URL (sqlite:///path or postgresql://...).",
        show_default=True,
    ),
]
DEFAULT_DB = DEFAULT_DATABASE_URL

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def clean_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one line on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TurnoutError as exc:
            fail(exc.message)
        except DatabaseUnreachable as exc:
            fail(str(exc))

    return wrapper


@contextmanager
def open_database(url: str, *, migrate_to_head: bool = True) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        check_reachable(engine)
        if migrate_to_head:
            migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def echo_answer(text: str) -> None:
    """The one thing a script wants from a command, alone on stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def echo_table(table: Table) -> None:
    """A table on stdout, plain when piped."""
    console = Console()
    # Piped output has no width of its own; don't cut columns short for a script.
    (console if console.is_terminal else Console(width=200)).print(table)


def counted_progress(label: str) -> Progress:
    """A bar for work counted in steps or rows: `label`, bar, done/total, elapsed."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
