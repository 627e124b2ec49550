"""Dialects: translators that speak other products' APIs on the wire.

Each dialect is a package with an `install(app)` that mounts its routes and
registers its error renderer (see `turnout.api.errors.register_error_renderer`).
A dialect parses its wire format into core queries and commands and renders
core rows back; it holds no SQL and no second filter engine.
"""

from __future__ import annotations

from fastapi import FastAPI

from turnout.dialects import leadbyte, oasis, splashnetworks, synthesisvr, virbela


def install_dialects(app: FastAPI) -> None:
    # One line per dialect, added as each lands.
    leadbyte.install(app)
    oasis.install(app)
    splashnetworks.install(app)
    synthesisvr.install(app)
    virbela.install(app)
    return None
