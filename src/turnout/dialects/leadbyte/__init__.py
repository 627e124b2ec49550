"""LeadByte reports over REST (seed 004): `GET /restapi/v1.2/reports/<type>?key=...`.

A translator only: `params` reads LeadByte's query string (`campaignId`, `from`,
`to`, `datePreset`) into the core report parameters, `reports` names the report
types and the core report each one runs, `render` writes LeadByte's rows and
`{"status", "message", "data"}` envelope, and `errors` the failure envelope for
everything under `/restapi`. See docs/dialects/leadbyte.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.api.errors import register_error_renderer
from turnout.dialects.leadbyte.errors import PREFIX, render_error
from turnout.dialects.leadbyte.routes import build_router


def install(app: FastAPI) -> None:
    """Mount the report routes and the failure envelope for `/restapi`."""
    app.include_router(build_router())
    register_error_renderer(app, PREFIX, render_error)


__all__ = ["install"]
