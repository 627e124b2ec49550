"""The ASGI application: native API, dialects and admin UI in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from turnout import __version__
from turnout.admin.routes import install_admin
from turnout.api.access_log import AccessLog
from turnout.api.errors import install_error_handlers
from turnout.api.openapi import install_openapi
from turnout.api.responses import JSONResponse
from turnout.api.routes import build_router
from turnout.auth.cache import KeyCache
from turnout.config import Settings
from turnout.db.engine import make_engine
from turnout.dialects import install_dialects
from turnout.reports.routes import install_reports

DESCRIPTION = """
Turnout keeps customers, venues, sessions, goods sold, vouchers, campaigns, leads and
events for venue businesses, and serves them through one REST API.

Authenticate with `Authorization: Bearer <key>` or `X-API-Key: <key>`. Errors always
come as `{"error": {"type", "message", "errors": [{"field", "rule", "message"}]}}`.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Sync routes, dependencies and streamed bodies run on anyio's worker threads;
    # its default of 40 only adds GIL hand-offs (turnout.config.default_worker_threads).
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = app.state.settings.worker_threads
    yield


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Turnout",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=JSONResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.key_cache = KeyCache(settings.key_cache_seconds)
    install_error_handlers(app)
    app.include_router(build_router())
    install_reports(app)
    install_dialects(app)
    install_admin(app)
    install_openapi(app)
    app.add_middleware(AccessLog)
    return app
