"""docs/api.md names everything the API offers: paths, operators, presets, resources, formats.

The lists are read from the code (the OpenAPI document, the operator table, the preset
list, the resource registry, the format table), so adding any of them without a word
in the docs fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from turnout.core.durations import UNITS
from turnout.core.operators import OPERATORS, SEARCH_OPERATORS
from turnout.core.params import RESERVED
from turnout.core.resources import REGISTRY
from turnout.core.windows import PRESET_ALIASES, PRESETS
from turnout.formats import FORMATS

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return API_MD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from turnout.api.app import create_app
    from turnout.config import Settings

    path = tmp_path_factory.mktemp("docs") / "turnout.db"
    return create_app(Settings(database_url=f"sqlite:///{path}")).openapi()


def code(text: str) -> str:
    """How a name is written in the docs: as inline code."""
    return f"`{text}`"


def test_every_openapi_path_is_documented(doc, openapi):
    missing = [path for path in openapi["paths"] if code(path) not in doc]
    assert not missing, f"docs/api.md does not mention: {missing}"


def test_every_operation_of_the_native_api_is_documented(doc, openapi):
    # The endpoint tables name each method next to its path: | `GET` | `/v1/...` |
    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi["paths"].items()
        if path.startswith("/v1/") or path == "/healthz"
        for method in operations
        if f"| `{method.upper()}` | `{path}` |" not in doc
    ]
    assert not missing, f"docs/api.md has no endpoint row for: {missing}"


@pytest.mark.parametrize("name", list(OPERATORS))
def test_every_operator_is_documented_with_its_words(doc, name):
    operator = OPERATORS[name]
    assert f"| `{name}` | {operator.words} |" in doc


@pytest.mark.parametrize("symbol", list(SEARCH_OPERATORS))
def test_every_search_operator_is_documented(doc, symbol):
    assert code(f"key{symbol}value") in doc


@pytest.mark.parametrize("name", [*PRESETS, *PRESET_ALIASES])
def test_every_preset_is_documented(doc, name):
    assert code(name) in doc


@pytest.mark.parametrize("unit", UNITS)
def test_every_duration_unit_is_documented(doc, unit):
    assert re.search(rf"\b{unit}\b", doc)


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_resource_is_documented(doc, name):
    resource = REGISTRY.get(name)
    assert code(name) in doc
    assert code(f"/v1/{name}") in doc and code(f"/v1/{name}/{{id}}") in doc
    assert code(resource.permission) in doc


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_is_documented(doc, name):
    media_type = FORMATS[name].media_type.split(";")[0]
    assert code(name) in doc or f"|{name}" in doc or f"{name}|" in doc
    assert code(media_type) in doc


@pytest.mark.parametrize("name", sorted(RESERVED))
def test_every_reserved_parameter_is_documented(doc, name):
    assert re.search(rf"`{re.escape(name)}(=[^`]*)?`", doc), name


ERROR_RULES = [
    "unknown_field",
    "unknown_parameter",
    "unknown_operator",
    "not_filterable",
    "not_sortable",
    "integer",
    "decimal",
    "decimal_places",
    "boolean",
    "date_format",
    "bounds",
    "one_of",
    "zone",
    "duration",
    "order",
    "exclusive",
    "requires",
    "range",
    "max_length",
    "invalid_character",
    "single",
    "required",
    "cursor",
    "unknown_key",
    "unterminated_quote",
    "missing_value",
    "max_terms",
    "not_interval",
    "exists",
]


@pytest.mark.parametrize("rule", ERROR_RULES)
def test_every_error_rule_the_read_api_uses_is_documented(doc, rule):
    assert code(rule) in doc
