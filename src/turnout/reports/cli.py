"""`turnout rollups rebuild`: recompute the report rollups from raw rows.

Mounted in `turnout.cli.main` as ``turnout rollups rebuild [--workspace SLUG] [--db URL]``
(also ``python -m turnout.reports.cli rebuild``).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated

import typer

from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    counted_progress,
    fail,
    open_database,
)
from turnout.core.workspaces import find_workspace, list_workspaces
from turnout.reports.locks import one_at_a_time
from turnout.reports.rollups import ROLLUPS

rollups_app = typer.Typer(
    help="Report rollups: hourly and daily aggregates that keep reports fast.", no_args_is_help=True
)


@rollups_app.callback()
def _group() -> None:
    """Keep `rebuild` a subcommand even while it is the only one."""


@rollups_app.command("rebuild")
@clean_errors
def rebuild(
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Workspace slug (default: all)")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Recompute every rollup of one workspace, or of all, from raw rows."""
    with open_database(db) as engine:
        with engine.connect() as conn:
            if workspace is None:
                targets = list_workspaces(conn)
            else:
                found = find_workspace(conn, workspace)
                if found is None:
                    fail(f"no workspace with slug {workspace!r}")
                targets = [found]
        steps = [(target, name) for target in targets for name in ROLLUPS]
        with counted_progress("rebuilding rollups {task.description}") as progress:
            task = progress.add_task("", total=len(steps))
            for target, name in steps:
                progress.update(task, description=f"{target.slug}: {name}")
                started = time.perf_counter()
                # the lock reports take to refresh this rollup: never both at once
                with one_at_a_time(
                    engine, target.id, f"rollup:{name}", hold_for=timedelta(hours=2), wait=120
                ):
                    ROLLUPS[name].rebuild_hours(engine, target.id)
                    hours = time.perf_counter() - started
                    ROLLUPS[name].rebuild_days(engine, target.id)
                total = time.perf_counter() - started
                progress.console.print(
                    f"{target.slug}: {name} rebuilt in {total:.2f}s "
                    f"(hours {hours:.2f}s, days {total - hours:.2f}s)",
                    highlight=False,
                )
                progress.advance(task)


if __name__ == "__main__":
    rollups_app()
