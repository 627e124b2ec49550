"""`turnout serve`: migrate, optionally load demo data, and serve."""

from __future__ import annotations

import gc
from typing import Annotated

import typer
import uvicorn

from turnout.api.app import create_app
from turnout.cli.common import DEFAULT_DB, DbOption, clean_errors, err_console, open_database
from turnout.cli.demo import (
    demo_admin_path,
    demo_key_path,
    ensure_demo_admin,
    ensure_demo_key,
    load_demo,
    workspace_is_empty,
)
from turnout.config import Settings
from turnout.core.workspaces import create_workspace, find_workspace
from turnout.logging import configure_logging

DEMO_WORKSPACE = "demo"


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(envvar="TURNOUT_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="TURNOUT_PORT")] = 8000,
    log_level: Annotated[str, typer.Option(envvar="TURNOUT_LOG_LEVEL")] = "info",
    demo: Annotated[
        bool, typer.Option(help="Load demo data into an empty database and print a demo key.")
    ] = False,
    demo_size: Annotated[int, typer.Option(min=1, help="Sessions in the demo data.")] = 20_000,
) -> None:
    """Serve the API (and with --demo, demo data and a key to try it)."""
    run_server(db=db, host=host, port=port, log_level=log_level, demo=demo, demo_size=demo_size)


@clean_errors
def run_server(
    *, db: str, host: str, port: int, log_level: str, demo: bool, demo_size: int
) -> None:
    settings = Settings.from_env().with_overrides(
        database_url=db, host=host, port=port, log_level=log_level.lower()
    )
    configure_logging(settings.log_level)
    with open_database(settings.database_url) as engine:
        if demo:
            if workspace_is_empty(engine, DEMO_WORKSPACE):
                load_demo(engine, workspace=DEMO_WORKSPACE, size=demo_size, seed=1)
            with engine.begin() as conn:
                workspace = find_workspace(conn, DEMO_WORKSPACE) or create_workspace(
                    conn, slug=DEMO_WORKSPACE, timezone="Europe/London"
                )
            key = ensure_demo_key(engine, workspace, demo_key_path(settings.database_url))
            email, password = ensure_demo_admin(engine, demo_admin_path(settings.database_url))
            base = f"http://{settings.host}:{settings.port}"
            err_console.print(
                "\n[bold green]Turnout is starting with demo data.[/bold green]\n"
                f"  API docs:  {base}/docs\n"
                f"  API key:   {key}\n"
                f"  Admin UI:  {base}/admin  (sign in as {email} / {password})\n"
                f"  Try:       curl -H 'Authorization: Bearer {key}' {base}/v1/me\n",
                highlight=False,
                soft_wrap=True,
            )
    app = create_app(settings)
    # Everything built so far (routes, schemas, the registry) lives as long as the
    # process: moved out of the collector's sight, full collections stay cheap.
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,  # ours redacts keys; uvicorn's would print them
        loop="uvloop",
        http="httptools",
        proxy_headers=settings.trust_forwarded_for,
    )
