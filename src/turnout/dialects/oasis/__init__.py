"""AiFi OASIS admin API v2 (seed 001): list sessions at `/api/admin/v2/sessions`.

A translator only: `params` reads the query string into core filters, `paging`
pages with the core's keyset cursors in both directions, `render` writes the
seed's JSON, and `errors` the seed's error envelope for everything under the
prefix. See docs/dialects/oasis.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.api.errors import register_error_renderer
from turnout.dialects.oasis.errors import render_error
from turnout.dialects.oasis.routes import PREFIX, build_router


def install(app: FastAPI) -> None:
    app.include_router(build_router())
    register_error_renderer(app, PREFIX, render_error)
