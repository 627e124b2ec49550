"""Rollups follow writes made through the core's commands, including the ones that move
a row out of its hour (a session edited to another hour and venue, a cancel): the
next report with rollups equals the raw-row computation and the oracle, on both
backends, and consumes the dirty marks."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.reports import reportdata as rd
from turnout.cli.main import app as cli_app
from turnout.core.commands import Actor
from turnout.core.commands.commerce import record_sale
from turnout.core.commands.marketing import create_lead
from turnout.core.commands.models import LeadCreate, SaleCreate, SessionCreate, SessionUpdate
from turnout.core.commands.sessions import cancel_session, create_session, update_session
from turnout.db import schema
from turnout.reports import BY_NAME
from turnout.reports.engine import ReportResult, run_report
from turnout.reports.params import parse_report_params
from turnout.reports.rollups import ROLLUPS, mark_import


@pytest.fixture
def setup(engine, workspace):
    rng = random.Random(workspace.id)
    data = rd.setup_entities(engine, workspace.id, rng)
    rd.add_rows(engine, data, rng, n=60)
    # written long ago: the watermark's trailing window (rows updated in the last
    # minutes) must not be what brings the rollups up to date here
    with engine.begin() as conn:
        for table in (schema.sessions, schema.sales, schema.leads):
            conn.execute(
                table.update()
                .where(table.c.workspace_id == data.workspace_id)
                .values(updated_at=datetime(2024, 4, 10, tzinfo=UTC))
            )
    return data


def _run(
    engine, data: rd.Data, name: str, *, rollups: bool = True, days: bool = True
) -> ReportResult:
    report = BY_NAME[name]
    params = [
        ("from", "2024-03-29"),
        ("to", "2024-04-02"),
        ("tz", "Europe/London"),
        ("group_by", report.default_group_by[0] + ",day"),
    ]
    request = parse_report_params(
        report, params, workspace_id=data.workspace_id, workspace_tz="UTC", now=datetime.now(UTC)
    )
    return run_report(engine, report, replace(request, use_rollups=rollups, use_days=days))


def _same(rolled: ReportResult, raw: ReportResult) -> None:
    assert rolled.used_rollups and not raw.used_rollups
    names = [c.name for c in rolled.columns]
    talk = names.index("talk_minutes") if "talk_minutes" in names else None
    assert len(rolled.rows) == len(raw.rows)
    for a, b in zip(rolled.rows, raw.rows, strict=True):
        if talk is None:
            assert a == b
        else:  # talk is split in whole microseconds per piece: at most a cent apart
            assert a[:talk] + a[talk + 1 :] == b[:talk] + b[talk + 1 :]
            assert abs(Decimal(a[talk]) - Decimal(b[talk])) <= Decimal("0.01")


def _oracle_sessions(result: ReportResult, data: rd.Data) -> None:
    """The attendance counts against the independent computation."""
    from zoneinfo import ZoneInfo

    ask = rd.Ask(rd.T0, rd.T0 + rd.SPAN, ZoneInfo("Europe/London"), "day", by_venue=True)
    expected = {k: v["sessions"] for k, v in rd.attendance(data, ask).items()}
    names = [c.name for c in result.columns]
    got = {
        (row[names.index("period")], row[names.index("venue_id")]): row[names.index("sessions")]
        for row in result.rows
    }
    # the window here is whole London days (29 Mar .. 2 Apr); the oracle's is UTC-aligned
    assert {k: v for k, v in got.items() if k[0] in {"2024-03-30", "2024-03-31"}} == {
        k: v for k, v in expected.items() if k[0] in {"2024-03-30", "2024-03-31"}
    }


def _dirty(engine, workspace_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.rollup_dirty)
            .where(schema.rollup_dirty.c.workspace_id == workspace_id)
        ).scalar_one()


def _session_id(engine, data: rd.Data, uuid: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(schema.sessions.c.id).where(
                schema.sessions.c.workspace_id == data.workspace_id,
                schema.sessions.c.uuid == uuid,
            )
        ).scalar_one()


def _pick(engine, data: rd.Data, skip: set[str]) -> dict[str, Any]:
    """A closed session on 30 March at a venue (its hours are rolled up)."""
    for s in data.sessions:
        if (
            s["uuid"] not in skip
            and s["venue_id"] is not None
            and s["left_at"] is not None
            and s["left_at"] > s["joined_at"]
            and datetime(2024, 3, 30, 1, tzinfo=UTC)
            <= s["joined_at"]
            < datetime(2024, 3, 30, 20, tzinfo=UTC)
        ):
            return s
    # none by chance: make one
    s = {
        "workspace_id": data.workspace_id,
        "uuid": f"00000000-0000-4000-8000-{len(data.sessions):012d}",
        "venue_id": data.venues[0],
        "customer_id": data.customers[0],
        "status": "completed",
        "joined_at": datetime(2024, 3, 30, 9, 10, tzinfo=UTC),
        "left_at": datetime(2024, 3, 30, 11, 40, tzinfo=UTC),
        "talk_seconds": 600,
        "satisfaction": None,
    }
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert(), [rd._stamp(dict(s), datetime.now(UTC))])
    data.sessions.append(s)
    return s


def test_moved_and_cancelled_sessions_leave_their_old_hours(engine, setup):
    data = setup
    actor = Actor(data.workspace_id, "test")
    before = {name: _run(engine, data, name) for name in ("attendance", "visits")}
    for result in before.values():
        assert result.used_rollups

    moved = _pick(engine, data, set())
    cancelled = _pick(engine, data, {moved["uuid"]})
    other_venue = next(v for v in data.venues if v != moved["venue_id"])
    new_joined = moved["joined_at"] + timedelta(hours=30, minutes=7)
    new_left = new_joined + timedelta(minutes=95)
    with engine.begin() as conn:
        update_session(
            conn,
            actor,
            _session_id(engine, data, moved["uuid"]),
            SessionUpdate(venue_id=other_venue, joined_at=new_joined, left_at=new_left),
        )
        cancel_session(conn, actor, _session_id(engine, data, cancelled["uuid"]))
    moved.update(venue_id=other_venue, joined_at=new_joined, left_at=new_left)
    cancelled["status"] = "cancelled"
    assert (
        _dirty(engine, data.workspace_id) >= 2
    )  # the old and new hours, in the writes' transaction

    for name in ("attendance", "visits"):
        rolled = _run(engine, data, name)
        raw = _run(engine, data, name, rollups=False)
        _same(rolled, raw)
        assert rolled.rows != before[name].rows
        if name == "attendance":
            _oracle_sessions(rolled, data)
    assert _dirty(engine, data.workspace_id) == 0


def test_created_session_sale_and_lead_through_commands(engine, setup):
    data = setup
    actor = Actor(data.workspace_id, "test")
    names = ("attendance", "visits", "sales", "campaign")
    before = {name: _run(engine, data, name) for name in names}
    at = datetime(2024, 3, 31, 14, 5, tzinfo=UTC)
    with engine.begin() as conn:
        create_session(
            conn,
            actor,
            SessionCreate(
                venue_id=data.venues[1],
                customer_id=data.customers[2],
                joined_at=at,
                left_at=at + timedelta(hours=2),
            ),
        )
        record_sale(
            conn,
            actor,
            SaleCreate(
                item="Cola",
                venue_id=data.venues[1],
                unit_price=Decimal("2.50"),
                currency="GBP",
                sold_at=at,
            ),
        )
        create_lead(
            conn,
            actor,
            LeadCreate(campaign_id=data.campaigns[0], currency="GBP", received_at=at),
        )
    assert _dirty(engine, data.workspace_id) == 3
    for name in names:
        rolled = _run(engine, data, name)
        _same(rolled, _run(engine, data, name, rollups=False))
        assert rolled.rows != before[name].rows, name
    assert _dirty(engine, data.workspace_id) == 0


def test_marks_alone_fix_an_old_place_the_watermark_cannot_see(engine, setup):
    """A raw-SQL move is invisible at its old hour; a mark (as the importer makes
    before it writes) is what brings the rollup back in line."""
    data = setup
    first = _run(engine, data, "attendance")
    moved = _pick(engine, data, set())

    class Existing:
        def __init__(self, id: int) -> None:
            self.id = id

    class Row:
        def __init__(self, values: dict[str, Any], existing: Existing) -> None:
            self.values = values
            self.existing = existing

    sid = _session_id(engine, data, moved["uuid"])
    shift = {"joined_at": moved["joined_at"] + timedelta(days=2)}
    shift["left_at"] = shift["joined_at"] + (moved["left_at"] - moved["joined_at"])
    with engine.begin() as conn:
        mark_import(conn, data.workspace_id, schema.sessions, [Row(shift, Existing(sid))])
        conn.execute(
            schema.sessions.update()
            .where(schema.sessions.c.id == sid)
            .values(**shift, updated_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
    moved.update(shift)
    rolled = _run(engine, data, "attendance")
    _same(rolled, _run(engine, data, "attendance", rollups=False))
    assert rolled.rows != first.rows
    _oracle_sessions(rolled, data)


def test_rebuild_consumes_marks_and_a_flood_of_marks_rebuilds(engine, setup):
    data = setup
    _run(engine, data, "sales")
    hour = datetime(2024, 3, 30, 10, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            schema.rollup_dirty.insert(),
            [
                {
                    "workspace_id": data.workspace_id,
                    "name": "sales",
                    "hour_from": hour,
                    "hour_to": hour + timedelta(hours=1),
                }
            ],
        )
    ROLLUPS["sales"].rebuild(engine, data.workspace_id)
    assert _dirty(engine, data.workspace_id) == 0


def test_cli_rollups_rebuild(engine, setup):
    data = setup
    with engine.connect() as conn:
        slug = conn.execute(
            sa.select(schema.workspaces.c.slug).where(schema.workspaces.c.id == data.workspace_id)
        ).scalar_one()
        conn.execute(
            schema.rollup_session_hours.delete().where(
                schema.rollup_session_hours.c.workspace_id == data.workspace_id
            )
        )
        conn.commit()
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli_app, ["rollups", "rebuild", "--workspace", slug, "--db", url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"{slug}: sessions rebuilt in" in result.output
    assert "4/4" in result.output
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.rollup_session_hours)
            .where(schema.rollup_session_hours.c.workspace_id == data.workspace_id)
        ).scalar_one()
    assert rows > 0
    missing = CliRunner().invoke(
        cli_app, ["rollups", "rebuild", "--workspace", "no-such-ws", "--db", url]
    )
    assert missing.exit_code != 0


@pytest.mark.parametrize("name", ["attendance", "visits", "sales"])
@pytest.mark.parametrize("days", [False, True])
def test_rollup_read_per_hour_equals_per_bucket(engine, setup, monkeypatch, name, days):
    """Many buckets (e.g. hours over months) read the rollup per hour or day, not summed
    per bucket in SQL: both ways give the raw computation's rows."""
    from turnout.reports import additive, presence
    from turnout.reports import days as day_reads

    data = setup
    per_bucket = _run(engine, data, name, days=days)
    assert per_bucket.used_days == days
    for module in (presence, additive, day_reads):
        monkeypatch.setattr(module, "MAX_SQL_BUCKETS", 0)
    per_row = _run(engine, data, name, days=days)
    assert per_row.rows == per_bucket.rows
    _same(per_row, _run(engine, data, name, rollups=False))


def test_import_that_moves_a_session_marks_its_old_hours(engine, setup):
    import io
    import json

    from turnout.ingest.importer import run_import

    data = setup
    actor = Actor(data.workspace_id, "test")

    def load(**fields: Any) -> None:
        row = {"external_uuid": f"imp-{data.workspace_id}", **fields}
        stream = io.BytesIO((json.dumps(row) + "\n").encode())
        report = run_import(engine, actor=actor, resource="sessions", stream=stream, fmt="ndjson")
        assert report.ok, report.as_dict()

    load(
        venue_id=data.venues[0],
        joined_at="2024-03-30T10:15:00Z",
        left_at="2024-03-30T13:05:00Z",
        status="completed",
    )
    first = _run(engine, data, "attendance")
    _same(first, _run(engine, data, "attendance", rollups=False))
    load(venue_id=data.venues[2], joined_at="2024-04-01T08:00:00Z", left_at="2024-04-01T09:00:00Z")
    assert _dirty(engine, data.workspace_id) >= 1
    moved = _run(engine, data, "attendance")
    _same(moved, _run(engine, data, "attendance", rollups=False))
    assert moved.rows != first.rows
    assert _dirty(engine, data.workspace_id) == 0
