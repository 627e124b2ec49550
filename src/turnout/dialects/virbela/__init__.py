"""Virbela customer APIs (seed 002): users, member profiles, private space
purchase, rooms, room and private-volume attendance, waitlist events.

Mounted at `/User...`, `/MemberProfile...`, `/Rooms/...`, `/Activity/...` and
`/api/purchase`, with client credentials in `V-Client-Id` / `V-Client-Secret`.
A translator only: each module turns its endpoint's parameters into core
queries and commands and renders the rows in Virbela's envelope (`render`);
`errors` answers every error under those paths in the same envelope. See
docs/dialects/virbela.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.api.errors import register_error_renderer
from turnout.dialects.virbela.errors import PREFIXES, render_error
from turnout.dialects.virbela.routes import build_router


def install(app: FastAPI) -> None:
    """Mount the routes and answer errors under each top-level path in Virbela's envelope."""
    app.include_router(build_router())
    for prefix in PREFIXES:
        register_error_renderer(app, prefix, render_error)


__all__ = ["install"]
