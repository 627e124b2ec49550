"""Bulk import (`turnout.ingest.importer`): formats, upserts, rejections, batches."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest
import sqlalchemy as sa

from tests.factories import make_customer, make_venue, make_workspace
from turnout.core.commands import Actor, marketing
from turnout.core.commands.models import CampaignCreate, ProfileFieldCreate
from turnout.core.commands.profiles import create_field
from turnout.db.engine import write_transaction
from turnout.db.schema import customers, events, leads, sales, sessions, venues, vouchers
from turnout.ingest import importer as importer_module
from turnout.ingest.importer import ImportReport, run_import


def run(engine, workspace, resource, text, fmt="ndjson", **kwargs) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    actor = Actor(workspace.id, "test")
    return run_import(
        engine, actor=actor, resource=resource, stream=io.BytesIO(data), fmt=fmt, **kwargs
    )


def ndjson(*rows) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def rows_of(engine, table, workspace, *columns):
    with engine.connect() as conn:
        picked = [table.c[c] for c in columns] if columns else [table]
        query = sa.select(*picked).where(table.c.workspace_id == workspace.id)
        return conn.execute(query.order_by(table.c.id)).all()


def count(engine, table, workspace) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.workspace_id == workspace.id)
        ).scalar_one()


def problems(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(r.line, p.field, p.rule) for r in report.rejections for p in r.problems]


# ---------------------------------------------------------------- formats


SESSION_ROWS = [
    {
        "external_uuid": "ext-1",
        "status": "completed",
        "channel": "online",
        "joined_at": "2024-05-01T09:00:00Z",
        "left_at": "2024-05-01T12:30:00+02:00",
        "people": 2,
        "comments": 'quote " comma , and ünïcødé',
        "metadata": {"door": "A"},
    },
    {"external_uuid": "ext-2", "start_at": "2024-05-02T10:00:00Z", "people": 4},
]


def _csv(rows, venue) -> str:
    header = [
        "external_uuid",
        "venue_id",
        "status",
        "channel",
        "joined_at",
        "left_at",
        "start_at",
        "people",
        "comments",
        "metadata",
    ]
    lines = [",".join(header)]
    for row in rows:
        cells = []
        for name in header:
            value = venue if name == "venue_id" else row.get(name, "")
            if isinstance(value, dict):
                value = orjson.dumps(value).decode()
            text = str(value)
            if any(c in text for c in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(",".join(cells))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "json"])
def test_each_format_imports_sessions(engine, workspace, fmt):
    venue = make_venue(engine, workspace)
    rows = [row | {"venue_id": venue} for row in SESSION_ROWS]
    text = {
        "ndjson": ndjson(*rows),
        "csv": _csv(SESSION_ROWS, venue),
        "json": orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode(),
    }[fmt]
    report = run(engine, workspace, "sessions", text, fmt)
    assert report.ok, report.as_dict()
    assert (report.inserted, report.updated, report.rows, report.batches) == (2, 0, 2, 1)
    stored = rows_of(engine, sessions, workspace)
    first, second = stored
    assert first.external_uuid == "ext-1" and first.venue_id == venue
    assert (first.status, first.channel) == ("completed", "online")
    assert first.left_at == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert first.comments == 'quote " comma , and ünïcødé'
    assert first.metadata == {"door": "A"}
    # create defaults, as POST /v1/sessions
    assert (second.status, second.channel, second.people) == ("booked", "api", 4)
    assert second.satisfaction_submitted is False and len(second.uuid) == 36
    assert first.created_at == first.updated_at is not None


def test_json_array_reports_the_line_each_element_starts_on(engine, workspace):
    text = '[\n  {"email": "a@example.com"},\n  {\n    "email": "nope"\n  },\n  {"email": 5}\n]'
    report = run(engine, workspace, "customers", text, "json")
    assert problems(report) == [(3, "email", "invalid"), (6, "email", "string_type")]
    assert count(engine, customers, workspace) == 0


def test_ndjson_lines_that_are_not_objects_are_rejected_by_line(engine, workspace):
    text = '{"email": "a@example.com"}\n\nnot json\n[1, 2]\n'
    report = run(engine, workspace, "customers", text)
    assert problems(report) == [(3, "line", "json"), (4, "line", "object")]
    assert report.skipped == 1 and count(engine, customers, workspace) == 0


# ---------------------------------------------------------------- upserts by natural key


def test_customers_upsert_by_email_case_insensitively(engine, workspace):
    existing = make_customer(engine, workspace, email="Ann@Example.com", status="suspended")
    before = rows_of(engine, customers, workspace)[0]
    text = ndjson(
        {"email": "ANN@example.COM", "first_name": "Annie", "team": "AB", "status": "invited"},
        {"email": "bob@example.com", "first_name": "Bob", "role": "leader"},
    )
    report = run(engine, workspace, "customers", text)
    assert report.ok, report.as_dict()
    assert (report.inserted, report.updated) == (1, 1)
    ann, bob = rows_of(engine, customers, workspace)
    assert ann.id == existing and ann.first_name == "Annie" and ann.team == 27
    # as overwrite=true on the API: the email and the status stay as they were
    assert ann.email == "Ann@Example.com" and ann.status == "suspended"
    assert ann.updated_at > before.updated_at and ann.created_at == before.created_at
    assert ann.last_name == before.last_name  # fields not given are left alone
    assert (bob.role, bob.status, bob.accepted_at is not None) == ("leader", "active", True)


def test_sessions_upsert_by_external_uuid(engine, workspace):
    run(engine, workspace, "sessions", ndjson({"external_uuid": "x1", "people": 1, "code": "C"}))
    (before,) = rows_of(engine, sessions, workspace)
    report = run(
        engine,
        workspace,
        "sessions",
        ndjson({"external_uuid": "x1", "people": 5, "status": "cancelled"}, {"people": 2}),
    )
    assert (report.inserted, report.updated) == (1, 1), report.as_dict()
    after, other = rows_of(engine, sessions, workspace)
    assert after.id == before.id and after.uuid == before.uuid
    assert (after.people, after.code, after.status) == (5, "C", "cancelled")
    assert after.cancelled_at is not None and after.updated_at > before.updated_at
    assert other.external_uuid is None


def test_vouchers_upsert_by_code_and_get_generated_codes(engine, workspace):
    run(engine, workspace, "vouchers", ndjson({"code": "GIFT-1", "validity_days": 7}))
    report = run(
        engine,
        workspace,
        "vouchers",
        ndjson({"code": "GIFT-1", "max_devices": 3}, {"validity_days": 1}, {"validity_days": 2}),
    )
    assert (report.inserted, report.updated) == (2, 1), report.as_dict()
    first, *generated = rows_of(engine, vouchers, workspace)
    assert (first.code, first.validity_days, first.max_devices) == ("GIFT-1", 7, 3)
    codes = [v.code for v in generated]
    assert len(set(codes)) == 2 and all(len(c) == 10 for c in codes)


def test_venues_upsert_by_code(engine, workspace):
    text = ndjson({"kind": "arena", "name": "Hall", "code": "H1"}, {"kind": "room", "name": "Nook"})
    assert run(engine, workspace, "venues", text).inserted == 2
    report = run(
        engine, workspace, "venues", ndjson({"kind": "arena", "name": "Big Hall", "code": "H1"})
    )
    assert (report.inserted, report.updated) == (0, 1)
    assert [v.name for v in rows_of(engine, venues, workspace)] == ["Big Hall", "Nook"]


def test_a_key_twice_in_one_file_is_rejected(engine, workspace):
    text = ndjson({"email": "a@example.com"}, {"email": "A@example.com"})
    report = run(engine, workspace, "customers", text)
    assert problems(report) == [(2, "email", "duplicate")]
    assert "line 1" in report.rejections[0].problems[0].message
    assert count(engine, customers, workspace) == 0


def test_display_names_stay_unique_with_digits(engine, workspace):
    make_customer(engine, workspace, display_name="Sam")
    text = ndjson({"email": "s1@example.com", "display_name": "Sam"}, {"display_name": "Sam"})
    assert run(engine, workspace, "customers", text).ok
    names = [r.display_name for r in rows_of(engine, customers, workspace)]
    assert names[0] == "Sam" and len(set(names)) == 3
    assert all(n.startswith("Sam") and n[3:].isdigit() for n in names[1:])


def test_profile_values_must_be_defined_and_typed(engine, workspace):
    actor = Actor(workspace.id, "test")
    with write_transaction(engine) as conn:
        create_field(conn, actor, ProfileFieldCreate(name="shoe", type="integer"))
    text = ndjson(
        {"email": "a@example.com", "profile": {"shoe": 42}},
        {"email": "b@example.com", "profile": {"hat": 1}},
        {"email": "c@example.com", "profile": {"shoe": "big"}},
    )
    report = run(engine, workspace, "customers", text)
    assert problems(report) == [(2, "profile.hat", "defined"), (3, "profile.shoe", "integer")]
    csv_text = 'email,profile\na@example.com,"{""shoe"": 42}"\n'
    assert run(engine, workspace, "customers", csv_text, "csv").ok
    (row,) = rows_of(engine, customers, workspace)
    assert row.profile == {"shoe": 42} and row.profile_updated_at is not None


# ---------------------------------------------------------------- other resources


def test_sales_leads_and_events(engine, workspace):
    venue = make_venue(engine, workspace)
    customer = make_customer(engine, workspace)
    actor = Actor(workspace.id, "test")
    with write_transaction(engine) as conn:
        campaign = marketing.create_campaign(conn, actor, CampaignCreate(name="Spring"))
    sale = {"item": "Cola", "quantity": 3, "unit_price": "2.50", "currency": "GBP"}
    report = run(engine, workspace, "sales", ndjson(sale | {"venue_id": venue}))
    assert report.ok, report.as_dict()
    (row,) = rows_of(engine, sales, workspace)
    assert row.amount == Decimal("7.50") and row.sold_at is not None
    lead = {"campaign_id": campaign, "email": "l@example.com", "revenue": "1.0255"}
    assert run(engine, workspace, "leads", ndjson(lead)).ok
    (row,) = rows_of(engine, leads, workspace)
    assert (row.status, row.revenue, row.currency) == ("pending", Decimal("1.0255"), "GBP")
    event = {"type": "waitlist.called", "customer_id": customer, "venue_id": venue}
    assert run(engine, workspace, "events", ndjson(event)).ok
    (row,) = rows_of(engine, events, workspace)
    assert row.type == "waitlist.called" and row.occurred_at is not None


# ---------------------------------------------------------------- rejections


def test_any_rejected_row_means_nothing_of_the_batch_is_written(engine, workspace):
    other = make_workspace(engine)
    foreign_venue = make_venue(engine, other)
    text = ndjson(
        {"email": "ok@example.com"},
        {"email": "not-an-email"},
        {"email": "x@example.com", "shoe_size": 9},
        {"email": "y@example.com", "role": "Admin"},
        {"email": "z@example.com", "team": "ZZ"},
    )
    report = run(engine, workspace, "customers", text)
    assert problems(report) == [
        (2, "email", "invalid"),
        (3, "shoe_size", "unknown_field"),
        (4, "role", "one_of"),
        (5, "team", "invalid"),
    ]
    assert (report.rejected, report.skipped, report.inserted, report.batches) == (4, 1, 0, 0)
    assert count(engine, customers, workspace) == 0
    report = run(engine, workspace, "sessions", ndjson({"venue_id": foreign_venue}))
    assert problems(report) == [(1, "venue_id", "exists")]
    assert count(engine, sessions, workspace) == 0


def test_session_rules_match_the_api(engine, workspace):
    text = ndjson(
        {"joined_at": "2024-05-01T10:00:00Z", "left_at": "2024-05-01T09:00:00Z"},
        {"joined_at": "2024-05-01T10:00:00"},  # no zone
        {"satisfaction": 11},
        {"labels": ["vip"]},
        {"uuid": "5d1e3c1e-1c1b-4c1b-9c1b-1c1b1c1b1c1b"},
        {"uuid": "5D1E3C1E-1C1B-4C1B-9C1B-1C1B1C1B1C1B"},
        {"uuid": None, "external_uuid": None},
        {"comments": "nul \u0000 here"},
        {"metadata": {"big": 2**70}},
        {"metadata": {"nul": "\u0000"}},
    )
    report = run(engine, workspace, "sessions", text)
    assert problems(report) == [
        (1, "left_at", "after"),
        (2, "joined_at", "timezone_aware"),
        (3, "satisfaction", "less_than_equal"),
        (4, "labels", "unsupported"),
        (6, "uuid", "duplicate"),
        (8, "comments", "nul"),
        (9, "metadata", "json"),
        (10, "metadata", "nul"),
    ]


def test_csv_missing_required_column_is_named_before_anything_is_written(engine, workspace):
    report = run(engine, workspace, "sales", "item,currency\nCola,GBP\n", "csv")
    assert report.error is not None
    assert "unit_price" in report.error.message and "line 1" in report.error.message
    assert report.error.problems[0].field == "line 1: unit_price"
    assert count(engine, sales, workspace) == 0


def test_csv_unknown_column_and_wrong_cell_count(engine, workspace):
    report = run(engine, workspace, "customers", "email,shoe\na@example.com,9\n", "csv")
    assert report.error is not None and "'shoe'" in report.error.message
    report = run(engine, workspace, "customers", "email,first_name\na@example.com,A,extra\n", "csv")
    assert problems(report) == [(2, "line", "columns")]


@pytest.mark.parametrize(
    "text, line",
    [
        ('email,first_name\na@example.com,Ann\nb@example.com,"Bob\nc@example.com,Cy\n', 3),
        ('email,first_name\na@example.com,"Ann"x\n', 2),
    ],
)
def test_csv_broken_quote_names_its_line(engine, workspace, text, line):
    report = run(engine, workspace, "customers", text, "csv")
    assert report.error is not None
    assert report.error.message.startswith(f"line {line}: broken quote")
    assert report.error.problems[0].rule == "quote"
    assert count(engine, customers, workspace) == 0


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "json"])
def test_ten_megabytes_of_random_bytes_is_a_clear_error(engine, workspace, fmt):
    garbage = os.urandom(10 * 1024 * 1024)
    report = run(engine, workspace, "sessions", garbage, fmt)
    assert report.error is not None
    assert report.error.problems[0].rule in {"encoding", "json", "csv", "quote"}
    assert report.error.message.startswith("line ")
    assert count(engine, sessions, workspace) == 0


def test_text_garbage_stops_after_too_many_rejected_rows(engine, workspace, monkeypatch):
    monkeypatch.setattr(importer_module, "MAX_REJECTED", 20)
    report = run(engine, workspace, "sessions", "{garbage\n" * 5000)
    assert report.error is not None and report.error.problems[0].rule == "max_rejected"
    assert len(report.rejections) == 20
    assert count(engine, sessions, workspace) == 0


# ---------------------------------------------------------------- batches


def test_batch_size_commits_whole_batches_and_skips_failed_ones(engine, workspace):
    rows = [{"external_uuid": f"b{i}", "people": i} for i in range(1, 11)]
    rows[5]["people"] = -1  # line 6, in the second batch of four
    report = run(engine, workspace, "sessions", ndjson(*rows), batch_size=4)
    assert problems(report) == [(6, "people", "greater_than_equal")]
    assert (report.batches, report.failed_batches) == (2, 1)
    assert (report.inserted, report.skipped, report.rejected) == (6, 3, 1)
    stored = [r.external_uuid for r in rows_of(engine, sessions, workspace, "external_uuid")]
    assert stored == ["b1", "b2", "b3", "b4", "b9", "b10"]


def test_a_file_problem_keeps_the_batches_committed_before_it(engine, workspace):
    text = "email\n" + "".join(f"p{i}@example.com\n" for i in range(5)) + '"broken\n'
    report = run(engine, workspace, "customers", text, "csv", batch_size=2)
    assert report.error is not None and report.error.message.startswith("line 7:")
    assert report.batches == 2 and count(engine, customers, workspace) == 4


def test_chunks_inside_one_batch_roll_back_together(engine, workspace, monkeypatch):
    monkeypatch.setattr(importer_module, "CHUNK", 3)
    rows = [{"external_uuid": f"c{i}"} for i in range(10)] + [{"people": "many"}]
    report = run(engine, workspace, "sessions", ndjson(*rows))
    assert problems(report) == [(11, "people", "int_parsing")]
    assert count(engine, sessions, workspace) == 0
    rows[-1] = {"external_uuid": "c0"}
    report = run(engine, workspace, "sessions", ndjson(*rows))
    assert problems(report) == [(11, "external_uuid", "duplicate")]
    assert count(engine, sessions, workspace) == 0
    assert run(engine, workspace, "sessions", ndjson(*rows[:-1])).inserted == 10


def test_many_updates_in_one_go(engine, workspace):
    # More than a handful of updates take PostgreSQL's COPY + UPDATE … FROM path.
    rows = [{"external_uuid": f"m{i}", "people": 1, "metadata": {"n": i}} for i in range(120)]
    assert run(engine, workspace, "sessions", ndjson(*rows)).inserted == 120
    changed = [
        {"external_uuid": f"m{i}", "people": 7, "left_at": "2024-05-01T10:00:00Z"}
        for i in range(120)
    ]
    report = run(engine, workspace, "sessions", ndjson(*changed))
    assert (report.inserted, report.updated) == (0, 120), report.as_dict()
    stored = rows_of(engine, sessions, workspace)
    assert {(r.people, r.left_at) for r in stored} == {(7, datetime(2024, 5, 1, 10, tzinfo=UTC))}
    assert stored[5].metadata == {"n": 5} and all(r.updated_at > r.created_at for r in stored)
