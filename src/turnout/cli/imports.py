"""`turnout import RESOURCE FILE --workspace SLUG`: bulk import with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from turnout.cli.common import (
    DEFAULT_DB,
    DbOption,
    clean_errors,
    echo_table,
    err_console,
    fail,
    open_database,
)
from turnout.core.commands import Actor
from turnout.core.workspaces import get_workspace
from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.importer import ImportReport, importable, run_import
from turnout.ingest.readers import EXTENSIONS, READERS, CountingReader

RESOURCES = ", ".join(IMPORTABLES)


@clean_errors
def import_file(
    resource: Annotated[str, typer.Argument(help=f"What the file holds: {RESOURCES}.")],
    file: Annotated[Path, typer.Argument(help="An NDJSON, CSV (with a header) or JSON file.")],
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace slug to import into.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ndjson, csv or json (default: from the file extension)."),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=1,
            help="Commit every N records (default: the whole file is one batch).",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Import rows from a file: each batch is written whole or not at all."""
    importable(resource)  # an unknown resource fails before the database is opened
    fmt = fmt or EXTENSIONS.get(file.suffix.lower())
    if fmt not in READERS:
        fail(f"cannot tell the format of {file.name}: give --format ndjson, csv or json")
    if not file.is_file():
        fail(f"no such file: {file}")
    with open_database(db) as engine:
        with engine.connect() as conn:
            ws = get_workspace(conn, workspace)
        with file.open("rb") as raw:
            report = _run_with_progress(
                engine, ws.id, resource, raw, fmt, batch_size, file.stat().st_size
            )
    _print_report(report)
    if report.error is not None:
        fail(report.error.message + _written_before(report))
    if report.rejected:
        fail(
            f"{report.rejected} row(s) rejected; "
            f"{_plural(report.failed_batches, 'batch', 'batches')} not written"
        )


def _run_with_progress(
    engine: Engine,
    workspace_id: int,
    resource: str,
    raw: IO[bytes],
    fmt: str,
    batch_size: int | None,
    size: int,
) -> ImportReport:
    stream = CountingReader(raw)
    with Progress(
        TextColumn(f"importing {resource}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
    ) as progress:
        task = progress.add_task("import", total=size or None, rows=0)
        rows = 0

        def advance(n: int) -> None:
            nonlocal rows
            rows += n
            progress.update(task, completed=stream.position, rows=rows)

        report = run_import(
            engine,
            actor=Actor(workspace_id, "cli"),
            resource=resource,
            stream=stream,
            fmt=fmt,
            batch_size=batch_size,
            progress=advance,
        )
        progress.update(task, completed=stream.position, rows=rows)
    return report


def _print_report(report: ImportReport) -> None:
    if report.rejections:
        table = Table("line", "field", "rule", "message")
        for rejected in report.rejections:
            for problem in rejected.problems:
                table.add_row(str(rejected.line), problem.field, problem.rule, problem.message)
        echo_table(table)
        if report.rejected > len(report.rejections):
            err_console.print(f"(and {report.rejected - len(report.rejections)} more rejected)")
    err_console.print(
        f"{report.resource}: {report.inserted:,} inserted, {report.updated:,} updated, "
        f"{report.rejected:,} rejected, {report.skipped:,} skipped "
        f"({report.rows:,} rows read; {_plural(report.batches, 'batch', 'batches')} committed, "
        f"{report.failed_batches} rolled back)",
        highlight=False,
    )


def _written_before(report: ImportReport) -> str:
    if not report.batches:
        return "; nothing was written"
    return f"; {_plural(report.batches, 'batch', 'batches')} before it stay committed"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
