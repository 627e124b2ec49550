"""Chunked import validation: the same verdicts as the API model, by line, in big files."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import TzInfo

from tests.factories import make_venue
from turnout.core.commands import Actor
from turnout.core.commands.validation import problems_of
from turnout.db.schema import sessions
from turnout.ingest import importer as importer_module
from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.importer import ImportReport, run_import
from turnout.ingest.storage import sqlite_timestamps, utc_text
from turnout.ingest.validation import ChunkValidator, derived_schema

# One valid record per importable, with values the model coerces or trims.
VALID = {
    "customers": {"email": "A@Example.com", "team": "AB", "role": "leader", "balance": "1.50"},
    "sessions": {
        "external_uuid": " e1 ",
        "venue_id": 3,
        "joined_at": "2024-05-01T10:00:00+02:00",
        "people": "4",
        "satisfaction_submitted": "true",
        "metadata": {"door": "A"},
        "uuid": None,
    },
    "sales": {"item": "Cola", "unit_price": "2.5", "currency": "GBP", "quantity": 2},
    "vouchers": {"code": "V-1", "validity_days": 7},
    "venues": {"kind": "arena", "name": " Hall ", "timezone": "Europe/London"},
    "leads": {"campaign_id": 1, "email": "l@example.com", "revenue": 1.25},
    "events": {"type": "waitlist.called", "occurred_at": "2024-05-01T10:00:00Z"},
}
# A field validator of the model's own (a function in its schema) must still run.
VALIDATOR_CASES = {"customers": {"team": "ZZ"}, "venues": {"timezone": "Mars/Base"}}


def records_for(name: str) -> list[dict]:
    valid = VALID[name]
    first = next(iter(valid))
    return [
        valid,
        {},
        valid | {"shoe_size": 9},
        valid | {first: [1, 2]},
        valid | {first: None},
        valid | VALIDATOR_CASES.get(name, {}),
        valid | {"created_at": "2024-01-01T00:00:00Z"},
    ]


def by_model(model, record):
    """What the API does with one record: the given fields, or (field, rule) pairs."""
    try:
        instance = model.model_validate(record)
    except ValidationError as error:
        return None, [(p.field, p.rule) for p in problems_of(error)]
    return {n: getattr(instance, n) for n in instance.model_fields_set}, []


@pytest.mark.parametrize("name", sorted(IMPORTABLES))
def test_chunk_validation_gives_the_models_verdicts(name):
    model = IMPORTABLES[name].model
    assert derived_schema(model) is not None, "the fast path should apply to every importable"
    records = records_for(name)
    rows, rejected = ChunkValidator(model).validate(list(enumerate(records, start=1)))
    given = dict(rows)
    problems = {r.line: [(p.field, p.rule) for p in r.problems] for r in rejected}
    for line, record in enumerate(records, start=1):
        expected_values, expected_problems = by_model(model, record)
        assert given.get(line) == expected_values, (line, record)
        assert problems.get(line, []) == expected_problems, (line, record)


def test_ndjson_text_is_parsed_line_by_line():
    """Two lines that are JSON only together stay two bad lines; big integers stay ints."""
    validator = ChunkValidator(IMPORTABLES["sessions"].model)
    chunk = [
        (1, '{"people": 1}'),
        (2, '{"metadata": {"a": [1'),
        (3, '2]}, "people": 2}'),
        (4, '{"metadata": {"big": 1180591620717411303424}}'),
        (5, "[1, 2]"),
    ]
    rows, rejected = validator.validate(chunk)
    assert [(r.line, p.field, p.rule) for r in rejected for p in r.problems] == [
        (2, "line", "json"),
        (3, "line", "json"),
        (5, "line", "object"),
    ]
    assert rows == [(1, {"people": 1}), (4, {"metadata": {"big": 2**70}})]


def test_timestamps_are_stored_as_utc_text_whatever_their_offset():
    values = [
        datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 9, 0, 0, 500, tzinfo=UTC),
        datetime(2024, 5, 1, 11, 30, tzinfo=timezone(timedelta(hours=2, minutes=30))),
        datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
        None,
    ]
    validated = ChunkValidator(IMPORTABLES["sessions"].model).validate(
        [(1, {"joined_at": "2024-05-01T09:00:00.000001-01:00"})]
    )[0][0][1]["joined_at"]
    values.append(validated)
    expected = [None if v is None else utc_text(v) for v in values]
    assert sqlite_timestamps(values) == expected
    assert expected[2] == "2024-05-01T09:00:00.000000Z"
    assert expected[-1] == "2024-05-01T10:00:00.000001Z"


_UTC_SECONDS = st.datetimes(timezones=st.sampled_from((UTC, TzInfo(0)))).map(
    lambda t: t.replace(microsecond=0)
)
_ANY_TIME = (
    _UTC_SECONDS
    | st.datetimes(timezones=st.sampled_from((UTC, TzInfo(0), TzInfo(-3600), TzInfo(19800))))
    | st.datetimes()
    | st.none()
)


@given(st.lists(_UTC_SECONDS, max_size=30) | st.lists(_ANY_TIME, max_size=30))
def test_timestamp_columns_are_stored_as_each_value_alone_would_be(values):
    """Columns of whole-second UTC times take a shortcut; any column, the same text."""
    assert sqlite_timestamps(values) == [None if v is None else utc_text(v) for v in values]


# ---------------------------------------------------------------- whole files


def run(engine, workspace, text, fmt="ndjson") -> ImportReport:
    return run_import(
        engine,
        actor=Actor(workspace.id, "test"),
        resource="sessions",
        stream=io.BytesIO(text.encode()),
        fmt=fmt,
    )


def count(engine, workspace) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).where(sessions.c.workspace_id == workspace.id)
        return conn.execute(query).scalar_one()


def problems(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(r.line, p.field, p.rule) for r in report.rejections for p in r.problems]


ROWS = 12_000  # three chunks of 5,000: lines 1, 5000 and 5001 are chunk edges


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_bad_rows_at_chunk_edges_and_in_the_middle_are_named_by_line(engine, workspace, fmt):
    assert importer_module.CHUNK == 5_000
    venue = make_venue(engine, workspace)
    rows = [{"external_uuid": f"r{i}", "venue_id": venue, "people": i % 9} for i in range(ROWS)]
    # records 0, 4999, 5000, 7776 and the last: the first and last of chunks, one inside
    rows[0]["people"] = -1
    rows[4999]["joined_at"] = "yesterday"
    rows[5000]["venue_id"] = venue + 1000
    rows[7776]["people"] = "many"
    rows[-1]["joined_at"], rows[-1]["left_at"] = "2024-05-01T10:00:00Z", "2024-05-01T09:00:00Z"
    if fmt == "ndjson":
        # a blank line after record 100 moves every later record down one line
        lines = [json.dumps(row) for row in rows]
        lines.insert(100, "")
        text = "\n".join(lines) + "\n"
        shift = {0: 1, 4999: 5001, 5000: 5002, 7776: 7778, ROWS - 1: ROWS + 1}
    else:
        header = ["external_uuid", "venue_id", "people", "joined_at", "left_at", "comments"]
        out = [",".join(header)]
        for i, row in enumerate(rows):
            comments = '"two\nlines"' if i == 100 else ""  # one record on lines 102-103
            cells = [str(row.get(name, "")) for name in header[:-1]]
            out.append(",".join([*cells, comments]))
        text = "\n".join(out) + "\n"
        shift = {0: 2, 4999: 5002, 5000: 5003, 7776: 7779, ROWS - 1: ROWS + 2}
    report = run(engine, workspace, text, fmt)
    assert problems(report) == [
        (shift[0], "people", "greater_than_equal"),
        (shift[4999], "joined_at", "datetime_from_date_parsing"),
        (shift[5000], "venue_id", "exists"),
        (shift[7776], "people", "int_parsing"),
        (shift[ROWS - 1], "left_at", "after"),
    ]
    assert (report.rows, report.rejected, report.inserted) == (ROWS, 5, 0)
    assert report.skipped == ROWS - 5 and count(engine, workspace) == 0


def test_an_external_uuid_twice_in_one_file_is_rejected_in_and_across_chunks(engine, workspace):
    rows = [{"external_uuid": f"d{i}"} for i in range(6_000)]
    rows[10] = {"external_uuid": "d3"}  # same chunk as its first
    rows[5_500] = {"external_uuid": "d20"}  # a later chunk
    text = "".join(json.dumps(row) + "\n" for row in rows)
    report = run(engine, workspace, text)
    assert problems(report) == [
        (11, "external_uuid", "duplicate"),
        (5_501, "external_uuid", "duplicate"),
    ]
    assert [r.problems[0].message for r in report.rejections] == [
        "external_uuid: the same external_uuid is on line 4",
        "external_uuid: the same external_uuid is on line 21",
    ]
    assert count(engine, workspace) == 0
    rows[10], rows[5_500] = {"external_uuid": "d10"}, {"external_uuid": "d5500"}
    text = "".join(json.dumps(row) + "\n" for row in rows)
    assert run(engine, workspace, text).inserted == 6_000
    again = run(engine, workspace, text)
    assert (again.inserted, again.updated) == (0, 6_000)
    assert count(engine, workspace) == 6_000
