"""docs/dialects/leadbyte.md names every route, report type, preset and parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.dialects.leadbyte.params import ACCEPTED, DATE_PRESETS
from turnout.dialects.leadbyte.reports import REPORT_TYPES
from turnout.dialects.leadbyte.routes import ROUTES

DOC = Path(__file__).resolve().parents[3] / "docs" / "dialects" / "leadbyte.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("route", ROUTES, ids=[r.operation_id for r in ROUTES])
def test_every_route_is_in_the_table(doc, route):
    assert f"| `GET` | `{route.path}`" in doc
    assert f"| `{route.permission}` | `{route.operation_id}` |" in doc


@pytest.mark.parametrize("name", [t.name for t in REPORT_TYPES])
def test_every_report_type_is_described(doc, name):
    assert f"| `{name}` | {name} and currency |" in doc


@pytest.mark.parametrize(("name", "core"), list(DATE_PRESETS.items()))
def test_every_preset_is_mapped_in_the_docs(doc, name, core):
    assert f"| `{name}` | `{core}` |" in doc


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_parameter_is_documented(doc, name):
    assert f"`{name}`" in doc


def test_api_md_points_here():
    api = (DOC.parents[1] / "api.md").read_text(encoding="utf-8")
    assert "[docs/dialects/leadbyte.md](dialects/leadbyte.md)" in api
