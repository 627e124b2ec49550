"""Dialects: translators that speak other products' APIs on the wire.

Each dialect is a package with an `install(app)` that mounts its routes and
registers its error renderer (see `turnout.api.errors.register_error_renderer`).
A dialect parses its wire format into core queries and commands and renders
core rows back; it holds no SQL and no second filter engine.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.dialects import oasis, synthesisvr


def install_dialects(app: FastAPI) -> None:
    # One line per dialect, added as each lands.
    oasis.install(app)
    synthesisvr.install(app)
    return None
