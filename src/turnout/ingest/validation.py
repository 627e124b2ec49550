"""Validating import records a chunk at a time, with the resource's own API model.

The v1 write API checks one body with e.g. `SessionCreate`; an import checks
thousands of records with the same model, and must report each bad one by line,
field and rule. Two costs matter at that scale (measured on 12-field sessions):

* calling the model once per record: ~11 µs a row, of which the Python call and the
  error handling around it are a good part;
* building a model instance per row (~2.5 to 4 µs), only to read its fields back out.

So records are validated with a validator *derived from the model's own compiled
schema*: the very field schemas the API uses (types, constraints, field
validators, `extra="forbid"`, whitespace stripping) in a list of typed dicts instead
of a model, with the defaults left out so each output dict holds exactly the fields
the record gave (what `model_fields_set` says for the API). Nothing is written twice:
change the model and the import changes with it. A model whose schema is more than
plain fields (a model validator, `model_post_init`, aliases…) is validated as models
instead: slower, the same result.

Records already parsed (CSV rows, the items of a JSON array) are validated a chunk at
a time in one call; the errors of a list validation carry the row's index first in
`loc`, mapped back to the record's line. NDJSON lines are parsed and validated by one
call each (`validate_json`), which never builds the parsed dict at all.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import CoreSchema, ErrorDetails, SchemaValidator, core_schema

from turnout.core.commands.validation import problem_of
from turnout.core.errors import FieldProblem
from turnout.ingest.readers import BadRecord, Record
from turnout.ingest.report import Rejected

# The record's fields as validated: only those it gave.
Given = dict[str, Any]
# Keys a `default` wrapper may have and still be dropped without changing what a
# given value validates to (`on_error`, `validate_default` would change it).
_PLAIN_DEFAULT = frozenset({"type", "schema", "default", "default_factory", "metadata"})
_PLAIN_FIELD = frozenset({"type", "schema", "metadata", "frozen"})


def derived_schema(model: type[BaseModel]) -> CoreSchema | None:
    """A typed-dict schema with `model`'s field schemas and config and no defaults, or
    None when the model's validation is more than its fields (then use the model)."""
    schema: Any = model.__pydantic_core_schema__
    if schema.get("type") != "model" or schema.get("custom_init") or schema.get("post_init"):
        return None
    inner = schema.get("schema", {})
    if inner.get("type") != "model-fields" or inner.get("computed_fields"):
        return None
    if set(inner) - {"type", "fields", "model_name", "computed_fields"}:
        return None  # extras_schema, strict…: keep the model's own semantics
    config = schema.get("config", {})
    fields: dict[str, core_schema.TypedDictField] = {}
    for name, spec in inner["fields"].items():
        if spec.get("type") != "model-field" or set(spec) - _PLAIN_FIELD:
            return None  # aliases and the like
        field_schema = spec["schema"]
        required = True
        if field_schema.get("type") == "default":
            if set(field_schema) - _PLAIN_DEFAULT:
                return None
            field_schema, required = field_schema["schema"], False
        fields[name] = core_schema.typed_dict_field(field_schema, required=required)
    return core_schema.typed_dict_schema(
        fields,
        extra_behavior=config.get("extra_fields_behavior", "ignore"),
        config=config,
    )


class ChunkValidator:
    """Validates chunks of records with one model; rows come out as `Given` dicts."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        derived = derived_schema(model)
        self._one: SchemaValidator | None = None
        self._many: SchemaValidator | None = None
        if derived is not None:
            self._one = SchemaValidator(derived)
            self._many = SchemaValidator(core_schema.list_schema(derived))
        self._model_one = TypeAdapter(model)
        self._model_many = TypeAdapter(list[model])  # type: ignore[valid-type]

    def validate(self, chunk: Sequence[Record]) -> tuple[list[tuple[int, Given]], list[Rejected]]:
        """The chunk's valid rows as (line, given fields), and its rejected records."""
        lines: list[int] = []
        parsed: list[Any] = []
        rejected: list[Rejected] = []
        done: list[tuple[int, Given]] = []  # lines of JSON text, validated one by one
        for line, payload in chunk:
            if payload.__class__ is str:
                self._one_json(line, payload, done, rejected)
            elif isinstance(payload, BadRecord):
                problem = FieldProblem(payload.field, payload.rule, payload.message)
                rejected.append(Rejected(line, (problem,)))
            else:
                parsed.append(payload)
                lines.append(line)
        if not parsed:
            return done, rejected
        rows = self._validate_many(lines, parsed, rejected)
        if done:
            rows = sorted(rows + done, key=lambda pair: pair[0])
        return rows, rejected

    def _validate_many(
        self, lines: list[int], parsed: list[Any], rejected: list[Rejected]
    ) -> list[tuple[int, Given]]:
        try:
            return list(zip(lines, self._given_list(parsed), strict=True))
        except ValidationError as error:
            problems: dict[int, list[FieldProblem]] = {}
            for item in error.errors(include_url=False):
                index, *path = item["loc"]
                problems.setdefault(int(index), []).append(_problem(item, tuple(path)))
        rejected.extend(Rejected(lines[i], tuple(found)) for i, found in problems.items())
        keep = [i for i in range(len(parsed)) if i not in problems]
        # Validation is all or nothing per call: the rows without errors once more.
        given = self._given_list([parsed[i] for i in keep])
        return [(lines[i], row) for i, row in zip(keep, given, strict=True)]

    def _given_list(self, parsed: list[Any]) -> list[Given]:
        if self._many is not None:
            return self._many.validate_python(parsed)
        return [_given(model) for model in self._model_many.validate_python(parsed)]

    def _one_json(
        self, line: int, text: str, done: list[tuple[int, Given]], rejected: list[Rejected]
    ) -> None:
        # pydantic's own JSON parser, as the API's: big integers stay integers (orjson
        # would make 2**70 a float). Parsing and validating in one call builds only the
        # validated values: 5.2 µs a session, against 7.9 for `from_json` and then a
        # list validation of the parsed dicts (a one-off timing of 5,000 bench rows).
        try:
            if self._one is not None:
                given: Given = self._one.validate_json(text)
            else:
                given = _given(self._model_one.validate_json(text))
        except ValidationError as error:
            found = tuple(
                _problem(item, tuple(item["loc"])) for item in error.errors(include_url=False)
            )
            rejected.append(Rejected(line, found))
            return
        done.append((line, given))


def _given(model: BaseModel) -> Given:
    return {name: model.__dict__[name] for name in model.model_fields_set}


# pydantic's words for "the record is not an object", as a model and as a typed dict.
_NOT_AN_OBJECT = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _problem(item: ErrorDetails, path: tuple[int | str, ...]) -> FieldProblem:
    if item["type"] == "json_invalid":
        return FieldProblem("line", "json", f"not a JSON object: {problem_of(item).message}")
    if not path and item["type"] in _NOT_AN_OBJECT:
        return FieldProblem("line", "object", "each line must be a JSON object")
    return problem_of(item, loc=path)


# ---------------------------------------------------------------- storable values


class StorableCheck:
    """What both databases can store, where the model does not already say: text
    within the column's length, no NUL characters, JSON that encodes."""

    def __init__(self, table: sa.Table, model: type[BaseModel]) -> None:
        self.limits = _unchecked_lengths(table, model)
        self.json_columns = frozenset(c.name for c in table.c if isinstance(c.type, sa.JSON))

    def suspects(self, rows: Sequence[Mapping[str, Any]]) -> Iterable[int]:
        """Indexes of the rows `problems` must look at; the others have none.

        One pass for a whole chunk: orjson encodes every value at C speed, so a chunk
        that encodes, with no NUL anywhere, needs no look row by row."""
        try:
            text = orjson.dumps(rows, default=str)
        except TypeError:
            return range(len(rows))
        if b"\\u0000" in text:
            return range(len(rows))
        too_long: set[int] = set()
        for name, limit in self.limits:
            too_long.update(
                i
                for i, values in enumerate(rows)
                if isinstance(value := values.get(name), str) and len(value) > limit
            )
        return sorted(too_long)

    def problems(self, values: Mapping[str, Any]) -> list[FieldProblem]:
        out = []
        for name, limit in self.limits:
            value = values.get(name)
            if isinstance(value, str) and len(value) > limit:
                out.append(
                    FieldProblem(name, "max_length", f"{name} is limited to {limit} characters")
                )
        json_columns = self.json_columns
        for name, value in values.items():
            if value.__class__ is str:
                if "\x00" in value:
                    out.append(_nul(name))
            elif name in json_columns and value is not None:
                try:
                    text = orjson.dumps(value)
                except TypeError as error:
                    out.append(
                        FieldProblem(name, "json", f"{name}: cannot be stored as JSON ({error})")
                    )
                    continue
                if b"\\u0000" in text:
                    out.append(_nul(name))
        return out


def _nul(name: str) -> FieldProblem:
    return FieldProblem(name, "nul", f"{name}: text may not contain NUL characters")


def _unchecked_lengths(table: sa.Table, model: type[BaseModel]) -> list[tuple[str, int]]:
    """Text columns whose length limit the model does not already enforce."""
    out = []
    fields = model.model_fields
    for column in table.c:
        limit = getattr(column.type, "length", None)
        if not isinstance(column.type, sa.String) or not limit:
            continue
        info = fields.get(column.name)
        if info is not None:
            longest = _longest_text(info.annotation, info.metadata)
            if longest is not None and longest <= limit:
                continue
        out.append((column.name, limit))
    return out


def _longest_text(annotation: Any, metadata: Sequence[Any] = ()) -> int | None:
    """The longest string a field can hold (None: no limit known; 0: no strings)."""
    limits = [m.max_length for m in metadata if getattr(m, "max_length", None) is not None]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _longest_text(base, [*metadata, *extra])
    if origin is typing.Literal:
        return max(len(str(value)) for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        longest = [_longest_text(arg, metadata) for arg in typing.get_args(annotation)]
        return None if None in longest else max(n for n in longest if n is not None)
    if annotation is str:
        return min(limits) if limits else None
    if annotation in _NOT_TEXT or origin in (dict, list):
        return 0
    return None  # a type of its own (EmailStr…): check the stored length


_NOT_TEXT = (int, float, bool, Decimal, datetime, dict, list, type(None))
