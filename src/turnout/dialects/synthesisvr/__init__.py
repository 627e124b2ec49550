"""SynthesisVR (LBVR) sessions, goods and customers API, spoken at `/data/...`.

`GET /data/{sessions|goods}/{API_KEY}/{json|xlsx}/{RANGE}/{SEARCH CRITERIA}` and the
customers siblings, translated into core queries (see `criteria.py`) and rendered
as SynthesisVR clients read them (`columns.py`, `output.py`). See
docs/dialects/synthesisvr.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.api.access_log import register_secret_segment
from turnout.api.errors import register_error_renderer
from turnout.dialects.synthesisvr.errors import KEY_SEGMENT, PREFIX, render_error
from turnout.dialects.synthesisvr.routes import build_router


def install(app: FastAPI) -> None:
    """Mount the `/data` routes, their error shape and the key's log redaction."""
    app.include_router(build_router())
    register_error_renderer(app, PREFIX, render_error)
    register_secret_segment(PREFIX + "/", KEY_SEGMENT)


__all__ = ["install"]
