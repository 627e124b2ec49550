"""Input models checked with pydantic, failures turned into the core's errors.

Every edge (v1 JSON, dialect forms, import rows) validates through `validate`, so
a bad value is reported the same way everywhere: the field's dotted path, the
rule pydantic names (`missing`, `extra_forbidden`, `int_parsing`, …) and a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from turnout.core.errors import FieldProblem, InvalidParameter

ModelT = TypeVar("ModelT", bound=BaseModel)

# Rules named after what was broken, where pydantic's own names are opaque.
_RULES = {
    "extra_forbidden": "unknown_field",
    "missing": "required",
    "literal_error": "one_of",
    "enum": "one_of",
    "value_error": "invalid",
}


class Input(BaseModel):
    """Base of every write body: unknown fields are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def problems_of(error: ValidationError, *, prefix: str = "") -> list[FieldProblem]:
    return [problem_of(item, prefix=prefix) for item in error.errors(include_url=False)]


def problem_of(
    item: ErrorDetails, *, prefix: str = "", loc: tuple[int | str, ...] | None = None
) -> FieldProblem:
    """One pydantic error as a FieldProblem; `loc` replaces the error's own path (a
    bulk importer strips the list index from it)."""
    path = ".".join(str(part) for part in (item["loc"] if loc is None else loc)) or "body"
    field = f"{prefix}{path}"
    rule = _RULES.get(item["type"], item["type"])
    message = item["msg"].removeprefix("Value error, ")
    return FieldProblem(field, rule, f"{field}: {message}")


def validate(model: type[ModelT], data: Any, *, prefix: str = "") -> ModelT:
    """`data` as a `model`, or InvalidParameter naming each bad field and rule."""
    if not isinstance(data, Mapping):
        raise InvalidParameter.for_field(
            prefix.rstrip(".") or "body", "object", "the body must be a JSON object"
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = problems_of(error, prefix=prefix)
        raise InvalidParameter("; ".join(p.message for p in problems), problems) from None


def renamed(error: InvalidParameter, names: Mapping[str, str]) -> InvalidParameter:
    """`error` with the core's field names replaced by an edge's wire names."""
    problems = []
    for problem in error.problems:
        wire = names.get(problem.field, problem.field)
        message = problem.message.replace(problem.field, wire, 1)
        problems.append(FieldProblem(wire, problem.rule, message))
    return InvalidParameter("; ".join(p.message for p in problems), problems)
