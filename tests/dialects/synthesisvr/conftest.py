"""Fixtures of the SynthesisVR dialect tests: one world per backend and module, a pinned clock."""

from __future__ import annotations

import pytest

from tests.dialects.synthesisvr.svr_world import NOW, World, build_world
from turnout.dialects.synthesisvr import views


@pytest.fixture(scope="module")
def world(engine) -> World:
    return build_world(engine)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
