"""Splash Networks captive-portal customer data API (seed 003), spoken at `/api/...`.

`GET /api/customers`, `/api/customer-visits`, `/api/venues`, `/api/vouchers`,
`POST /api/vouchers` and `DELETE /api/vouchers/{voucher_id}`, with the key in
`X-API-Key` and the team in `slug`. A translator only: `params` reads the
parameters, `views` asks the core for one page, `render` writes the items and
the page shape, `vouchers` writes through the core's commands and `errors` the
error envelope for everything under the dialect's paths. See
docs/dialects/splashnetworks.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.api.errors import register_error_renderer
from turnout.dialects.splashnetworks.errors import PREFIXES, render_error
from turnout.dialects.splashnetworks.routes import build_router


def install(app: FastAPI) -> None:
    app.include_router(build_router())
    for prefix in PREFIXES:
        register_error_renderer(app, prefix, render_error)


__all__ = ["install"]
