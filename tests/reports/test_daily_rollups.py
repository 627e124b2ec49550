"""Daily rollups on both backends: reports read them for windows of whole local days in
the workspace's zone and give the same numbers as the independent computation, the
hourly path and raw rows, in zones with DST changes and half-hour offsets; other
zones and windows read the hours; writes, imports, rebuilds and a change of the
workspace's zone keep them exact."""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.factories import make_workspace
from tests.reports import reportdata as rd
from turnout.cli.main import app as cli_app
from turnout.core.commands import Actor
from turnout.core.commands.customers import erase_customer
from turnout.core.commands.models import SessionCreate, SessionUpdate
from turnout.core.commands.sessions import cancel_session, create_session, update_session
from turnout.core.windows import local_midnight
from turnout.db import schema
from turnout.reports import BY_NAME
from turnout.reports.days import day_plan
from turnout.reports.engine import ReportResult, run_report
from turnout.reports.params import parse_report_params
from turnout.reports.rollups import ROLLUPS, daily

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]
FIRST, LAST = date(2024, 3, 28), date(2024, 4, 4)  # the data lies in 29 Mar .. 4 Apr


def _setup(engine, tz: str, n: int = 70) -> rd.Data:
    workspace = make_workspace(engine, timezone=tz)
    rng = random.Random(workspace.id)
    data = rd.setup_entities(engine, workspace.id, rng)
    rd.add_rows(engine, data, rng, n=n)
    # written long ago: the watermark's trailing window must not be what brings the
    # rollups up to date after the writes below
    with engine.begin() as conn:
        for table in (schema.sessions, schema.sales, schema.leads):
            conn.execute(
                table.update()
                .where(table.c.workspace_id == data.workspace_id)
                .values(updated_at=datetime(2024, 4, 10, tzinfo=UTC))
            )
    return data


def _run(
    engine,
    data: rd.Data,
    name: str,
    group_by: str,
    *,
    tz: str = "Europe/London",
    first: date = FIRST,
    last: date = LAST,
    metrics: str | None = None,
    rollups: bool = True,
    days: bool = True,
    start: str | None = None,
    **params: str,
) -> ReportResult:
    report = BY_NAME[name]
    given = [("from", start or first.isoformat()), ("to", last.isoformat()), ("tz", tz)]
    given += [("group_by", group_by), *params.items()]
    if metrics:
        given.append(("metrics", metrics))
    request = parse_report_params(
        report, given, workspace_id=data.workspace_id, workspace_tz=tz, now=datetime.now(UTC)
    )
    return run_report(engine, report, replace(request, use_rollups=rollups, use_days=days))


def _rows(result: ReportResult) -> list[dict[str, Any]]:
    names = [c.name for c in result.columns]
    return [dict(zip(names, row, strict=True)) for row in result.rows]


def _keyed(result: ReportResult, keys: list[str], metrics: list[str]) -> dict[tuple, dict]:
    out = {}
    for row in _rows(result):
        key = tuple(row.get(k) for k in keys)
        out[key] = {m: row[m] for m in metrics}
    return out


def _ask(tz: str, granularity: str | None, by_venue: bool, first=FIRST, last=LAST) -> rd.Ask:
    zone = ZoneInfo(tz)
    return rd.Ask(
        local_midnight(first, zone),
        local_midnight(last + timedelta(days=1), zone),
        zone,
        granularity,
        by_venue,
    )


def _close(got: dict, expected: dict) -> None:
    """Equal, but talk_minutes may be one cent off (split in whole microseconds)."""
    assert set(got) == set(expected)
    for key, want in expected.items():
        for name, value in want.items():
            have = got[key][name]
            if name == "talk_minutes":
                assert abs(Decimal(have) - value) <= Decimal("0.01"), (key, name)
            else:
                assert have == value, (key, name, have, value)


def _same(a: ReportResult, b: ReportResult) -> None:
    names = [c.name for c in a.columns]
    assert names == [c.name for c in b.columns]
    talk = names.index("talk_minutes") if "talk_minutes" in names else None
    assert len(a.rows) == len(b.rows)
    for x, y in zip(a.rows, b.rows, strict=True):
        if talk is None:
            assert x == y
        else:
            assert x[:talk] + x[talk + 1 :] == y[:talk] + y[talk + 1 :]
            assert abs(Decimal(x[talk]) - Decimal(y[talk])) <= Decimal("0.01")


def _three_ways(engine, data: rd.Data, name: str, group_by: str, **kw: Any) -> ReportResult:
    """Days, hours and raw rows agree; returns the days' result."""
    by_days = _run(engine, data, name, group_by, **kw)
    assert by_days.used_days, (name, group_by, kw)
    _same(by_days, _run(engine, data, name, group_by, days=False, **kw))
    _same(by_days, _run(engine, data, name, group_by, rollups=False, **kw))
    return by_days


def _expected(found: dict, granularity: str | None) -> dict:
    """The oracle's keys as the report's columns give them (no period: no first item)."""
    return found if granularity else {k[1:]: v for k, v in found.items()}


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("granularity", ["day", "week", "month", None])
def test_days_match_the_oracle(engine, tz, granularity):
    data = _setup(engine, tz)
    period = ["period"] if granularity else []
    for by_venue in (True, False):
        ask = _ask(tz, granularity, by_venue)
        group = ",".join(x for x in ("venue" if by_venue else "", granularity or "") if x)
        keys = period + (["venue_id"] if by_venue else [])

        expected = rd.attendance(data, ask)
        result = _run(engine, data, "attendance", group, tz=tz)
        assert result.used_days
        got = _keyed(result, keys, list(next(iter(expected.values()))))
        _close(got, _expected(expected, granularity))

        expected = rd.visits(data, ask)
        result = _run(engine, data, "visits", group, tz=tz)
        assert result.used_days
        got = _keyed(result, keys, list(next(iter(expected.values()))))
        assert got == _expected(expected, granularity)

    column = {"item": "item", "category": "category", "venue": "venue_id"}
    for by in (("item",), ("venue",), ("item", "category", "venue")):
        ask = _ask(tz, granularity, False)
        group = ",".join(x for x in (*by, granularity) if x)
        result = _run(engine, data, "sales", group, tz=tz)
        assert result.used_days
        keys = [*period, *(column[d] for d in by), "currency"]
        got = _keyed(result, keys, ["sales", "quantity", "revenue"])
        assert got == _expected(rd.sales(data, ask, by), granularity)

    for by in (("campaign",), ("campaign", "supplier")):
        ask = _ask(tz, granularity, False)
        group = ",".join(x for x in (*by, granularity) if x)
        result = _run(engine, data, "campaign", group, tz=tz)
        assert result.used_days
        expected = rd.campaign(data, ask, by)
        keys = [*period, *(f"{d}_id" for d in by), "currency"]
        got = _keyed(result, keys, list(next(iter(expected.values()))))
        assert got == _expected(expected, granularity)

    ask = _ask(tz, granularity, False)
    metrics = "called,helped,average_seconds_in_line,seconds_helping"
    result = _run(
        engine,
        data,
        "waitlist",
        ",".join(x for x in ("agent", granularity) if x),
        tz=tz,
        metrics=metrics,
    )
    assert result.used_days
    got = _keyed(result, [*period, "agent_id"], metrics.split(","))
    assert got == _expected(rd.waitlist(data, ask), granularity)


@pytest.mark.parametrize("tz", ["Europe/London", "Asia/Kolkata"])
def test_days_hours_and_raw_rows_agree_with_filters(engine, tz):
    data = _setup(engine, tz)
    venue = str(data.venues[0])
    for granularity in ("day", "week", "month"):
        for group in (f"venue,{granularity}", granularity):
            _three_ways(engine, data, "attendance", group, tz=tz)
            _three_ways(engine, data, "visits", group, tz=tz)
            _three_ways(engine, data, "attendance", group, tz=tz, venue_id=venue)
            _three_ways(engine, data, "visits", group, tz=tz, kind="room")
        _three_ways(engine, data, "sales", f"item,venue,{granularity}", tz=tz, currency="GBP")
        _three_ways(engine, data, "campaign", f"supplier,{granularity}", tz=tz)
        _three_ways(engine, data, "waitlist", f"room,{granularity}", tz=tz)
        _three_ways(engine, data, "waitlist", f"agent,{granularity}", tz=tz, room="WorkRm100")


def test_other_zones_and_partial_days_read_the_hours(engine):
    data = _setup(engine, "Europe/London")
    # another zone than the workspace's: the hours, still exact
    ask = _ask("Asia/Kolkata", "day", True)
    result = _run(engine, data, "visits", "venue,day", tz="Asia/Kolkata")
    assert result.used_rollups and not result.used_days
    assert _keyed(result, ["period", "venue_id"], list(rd.visits(data, ask).popitem()[1])) == (
        rd.visits(data, ask)
    )
    # a window that starts mid-day
    result = _run(engine, data, "sales", "item,day", start="2024-03-29T10:00")
    assert result.used_rollups and not result.used_days
    # hours
    result = _run(engine, data, "attendance", "venue,hour", last=FIRST + timedelta(days=3))
    assert result.used_rollups and not result.used_days


def test_dst_autumn_day_has_25_hours(engine):
    """One session per UTC hour across the London change of 27 Oct 2024."""
    workspace = make_workspace(engine, timezone="Europe/London")
    rng = random.Random(workspace.id)
    data = rd.setup_entities(engine, workspace.id, rng)
    rows = []
    start = datetime(2024, 10, 26, tzinfo=UTC)
    for h in range(72):
        joined = start + timedelta(hours=h, minutes=20)
        rows.append(
            {
                "workspace_id": workspace.id,
                "uuid": f"dst-{workspace.id}-{h}",
                "venue_id": data.venues[h % 2],
                "customer_id": data.customers[h % 5],
                "joined_at": joined,
                "left_at": joined + timedelta(minutes=100),
                "talk_seconds": 600,
                "created_at": joined,
                "updated_at": joined,
            }
        )
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert(), rows)
    kw: dict[str, Any] = {"first": date(2024, 10, 26), "last": date(2024, 10, 28)}
    result = _three_ways(engine, data, "attendance", "day", **kw)
    by_day = {row["period"]: row for row in _rows(result)}
    assert by_day["2024-10-27"]["attendance_minutes"] == Decimal(25 * 100)
    assert by_day["2024-10-27"]["sessions"] == 25 + 1  # one runs in from the day before
    _three_ways(engine, data, "visits", "venue,day", **kw)


# -- maintenance ---------------------------------------------------------------------


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


def _all_agree(engine, data: rd.Data) -> dict[str, ReportResult]:
    out = {}
    for name, group in (("attendance", "venue,day"), ("visits", "venue,day"), ("visits", "day")):
        out[f"{name} {group}"] = _three_ways(engine, data, name, group)
    return out


def _first_arrival(data: rd.Data, customer: int) -> dict[str, Any]:
    return min(
        (s for s in data.sessions if s["customer_id"] == customer and s["venue_id"] is not None),
        key=lambda s: s["joined_at"],
    )


def test_writes_move_first_visits_and_days(engine):
    data = _setup(engine, "Europe/London")
    actor = Actor(data.workspace_id, "test")
    before = _all_agree(engine, data)
    customer = data.customers[1]
    first = _first_arrival(data, customer)
    # an earlier arrival: the customer is new a day earlier, no longer on the old day
    with engine.begin() as conn:
        create_session(
            conn,
            actor,
            SessionCreate(
                venue_id=first["venue_id"],
                customer_id=customer,
                joined_at=datetime(2024, 3, 29, 0, 30, tzinfo=UTC),
                left_at=datetime(2024, 3, 29, 1, 10, tzinfo=UTC),
            ),
        )
    assert _dirty(engine, data.workspace_id) == 1
    after = _all_agree(engine, data)
    assert after != before
    assert _dirty(engine, data.workspace_id) == 0

    # the first visit handed to another customer, moved to another day and venue
    other = data.customers[2]
    sid = _session_id(engine, data, first["uuid"])
    other_venue = next(v for v in data.venues if v != first["venue_id"])
    with engine.begin() as conn:
        update_session(conn, actor, sid, SessionUpdate(customer_id=other))
    _all_agree(engine, data)
    with engine.begin() as conn:
        joined = first["joined_at"] + timedelta(days=2, hours=3)
        update_session(
            conn,
            actor,
            sid,
            SessionUpdate(venue_id=other_venue, joined_at=joined, left_at=joined),
        )
    _all_agree(engine, data)
    # cancelled: the arrival no longer counts anywhere
    with engine.begin() as conn:
        cancel_session(conn, actor, sid)
    _all_agree(engine, data)
    # erased: the customer stays one anonymous id, every number stays
    kept = _all_agree(engine, data)
    with engine.begin() as conn:
        erase_customer(conn, actor, customer)
    assert _all_agree(engine, data).keys() == kept.keys()
    for key, result in _all_agree(engine, data).items():
        assert result.rows == kept[key].rows
    assert _dirty(engine, data.workspace_id) == 0


def test_import_that_changes_customer_and_time_follows_both(engine):
    from turnout.ingest.importer import run_import

    data = _setup(engine, "Europe/London")
    actor = Actor(data.workspace_id, "test")

    def load(**fields: Any) -> None:
        row = {"external_uuid": f"imp-{data.workspace_id}", **fields}
        stream = io.BytesIO((json.dumps(row) + "\n").encode())
        report = run_import(engine, actor=actor, resource="sessions", stream=stream, fmt="ndjson")
        assert report.ok, report.as_dict()

    load(
        venue_id=data.venues[0],
        customer_id=data.customers[3],
        joined_at="2024-03-28T23:30:00Z",
        left_at="2024-03-29T00:40:00Z",
        status="completed",
    )
    _all_agree(engine, data)
    load(
        venue_id=data.venues[1],
        customer_id=data.customers[4],
        joined_at="2024-04-02T08:00:00Z",
        left_at="2024-04-02T09:00:00Z",
    )
    _all_agree(engine, data)
    assert _dirty(engine, data.workspace_id) == 0


def test_rows_written_around_the_commands_are_found(engine):
    data = _setup(engine, "Europe/London")
    _all_agree(engine, data)
    rd.add_rows(engine, data, random.Random(5), n=15)  # raw SQL, updated_at now
    _all_agree(engine, data)


def test_cli_rebuild_rebuilds_the_days(engine):
    data = _setup(engine, "Europe/London")
    expected = _all_agree(engine, data)
    with engine.begin() as conn:
        slug = conn.execute(
            sa.select(schema.workspaces.c.slug).where(schema.workspaces.c.id == data.workspace_id)
        ).scalar_one()
        conn.execute(
            schema.rollup_session_days.update()
            .where(schema.rollup_session_days.c.workspace_id == data.workspace_id)
            .values(visits=999, new_visitors=999)
        )
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli_app, ["rollups", "rebuild", "--workspace", slug, "--db", url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"{slug}: sessions rebuilt in" in result.output
    assert "days" in result.output
    for key, again in _all_agree(engine, data).items():
        assert again.rows == expected[key].rows


def test_zone_change_rebuilds_the_days(engine):
    data = _setup(engine, "Europe/London")
    london = _run(engine, data, "visits", "venue,day")
    assert london.used_days
    with engine.begin() as conn:
        conn.execute(
            schema.workspaces.update()
            .where(schema.workspaces.c.id == data.workspace_id)
            .values(timezone="America/New_York")
        )
    for name, group in (("attendance", "venue,day"), ("visits", "day"), ("sales", "item,day")):
        by_days = _three_ways(engine, data, name, group, tz="America/New_York")
        assert by_days.used_days
    ask = _ask("America/New_York", "day", True)
    result = _run(engine, data, "visits", "venue,day", tz="America/New_York")
    assert _keyed(result, ["period", "venue_id"], list(rd.visits(data, ask).popitem()[1])) == (
        rd.visits(data, ask)
    )
    # London days are gone: London windows read the hours, same numbers as before
    again = _run(engine, data, "visits", "venue,day")
    assert again.used_rollups and not again.used_days
    assert again.rows == london.rows


def test_days_left_pending_read_the_hours_until_done(engine, monkeypatch):
    data = _setup(engine, "Europe/London")
    _all_agree(engine, data)
    monkeypatch.setattr(daily, "CHUNK_DAYS", 2)
    rollup = ROLLUPS["sessions"]
    with engine.begin() as conn:
        conn.execute(
            schema.rollup_day_zones.delete().where(
                schema.rollup_day_zones.c.workspace_id == data.workspace_id
            )
        )
    assert rollup.refresh(engine, data.workspace_id, budget=0) is False
    report = BY_NAME["visits"]
    request = parse_report_params(
        report,
        [("from", FIRST.isoformat()), ("to", LAST.isoformat()), ("group_by", "venue,day")],
        workspace_id=data.workspace_id,
        workspace_tz="Europe/London",
        now=datetime.now(UTC),
    )
    with engine.connect() as conn:
        assert day_plan(conn, request, "sessions") is None
    assert rollup.refresh(engine, data.workspace_id, budget=None) is True
    with engine.connect() as conn:
        assert day_plan(conn, request, "sessions") is not None
    _all_agree(engine, data)


def test_sales_leads_and_waitlist_follow_the_commands(engine):
    from turnout.core.commands.commerce import record_sale
    from turnout.core.commands.marketing import append_event, create_lead
    from turnout.core.commands.models import EventCreate, LeadCreate, SaleCreate

    data = _setup(engine, "Europe/London")
    actor = Actor(data.workspace_id, "test")
    cases = (("sales", "item,day"), ("campaign", "campaign,day"), ("waitlist", "agent,day"))
    before = {name: _three_ways(engine, data, name, group) for name, group in cases}
    at = datetime(2024, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 April in London
    with engine.begin() as conn:
        record_sale(
            conn,
            actor,
            SaleCreate(item="Cola", unit_price=Decimal("2.50"), currency="GBP", sold_at=at),
        )
        create_lead(
            conn, actor, LeadCreate(campaign_id=data.campaigns[0], currency="GBP", received_at=at)
        )
        append_event(
            conn,
            actor,
            EventCreate(
                type="waitlist.called",
                occurred_at=at,
                actor_id=data.customers[0],
                data={"secondsInLine": "75"},
            ),
        )
    assert _dirty(engine, data.workspace_id) == 3
    for name, group in cases:
        after = _three_ways(engine, data, name, group)
        assert after.rows != before[name].rows, name
    assert _dirty(engine, data.workspace_id) == 0


def test_an_odd_waitlist_number_counts_as_zero_and_refreshes(engine):
    from turnout.core.commands.marketing import append_event
    from turnout.core.commands.models import EventCreate

    data = _setup(engine, "Europe/London", n=5)
    actor = Actor(data.workspace_id, "test")
    agent = data.customers[0]
    at = datetime(2024, 3, 30, 12, tzinfo=UTC)
    with engine.begin() as conn:
        for value in ("n/a", "12.9", 30):
            append_event(
                conn,
                actor,
                EventCreate(
                    type="waitlist.called",
                    occurred_at=at,
                    actor_id=agent,
                    data={"secondsInLine": value},
                ),
            )
    result = _three_ways(engine, data, "waitlist", "agent,day", agent_id=str(agent))
    row = next(r for r in _rows(result) if r["period"] == "2024-03-30")
    london = ZoneInfo("Europe/London")
    earlier = [
        int(e["data"]["secondsInLine"])
        for e in data.events
        if e["type"] == "waitlist.called"
        and e["actor_id"] == agent
        and e["occurred_at"].astimezone(london).date() == date(2024, 3, 30)
    ]
    assert row["called"] == len(earlier) + 3
    total = sum(earlier) + 0 + 12 + 30  # "n/a" counts 0, "12.9" counts 12
    assert row["average_seconds_in_line"] == rd.r2(Decimal(total) / row["called"])


def test_a_stay_of_many_days_counts_on_each(engine):
    """Present at every hour for over a week: the days find it without a lower bound."""
    workspace = make_workspace(engine, timezone="Europe/London")
    rng = random.Random(workspace.id)
    data = rd.setup_entities(engine, workspace.id, rng)
    joined = datetime(2024, 3, 20, 9, 15, tzinfo=UTC)
    rows = [
        {
            "workspace_id": workspace.id,
            "uuid": f"long-{workspace.id}",
            "venue_id": data.venues[0],
            "customer_id": data.customers[0],
            "joined_at": joined,
            "left_at": joined + timedelta(days=12, hours=3),
            "talk_seconds": 3600,
        },
        *(
            {
                "workspace_id": workspace.id,
                "uuid": f"short-{workspace.id}-{d}",
                "venue_id": data.venues[d % 2],
                "customer_id": data.customers[1 + d % 3],
                "joined_at": joined + timedelta(days=d, hours=2),
                "left_at": joined + timedelta(days=d, hours=26),
                "talk_seconds": None,
            }
            for d in range(12)
        ),
    ]
    now = datetime(2024, 4, 10, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert(), [rd._stamp(r, now) for r in rows])
    kw: dict[str, Any] = {"first": date(2024, 3, 19), "last": date(2024, 4, 2)}
    for group in ("venue,day", "day"):
        _three_ways(engine, data, "attendance", group, **kw)
        _three_ways(engine, data, "visits", group, **kw)
    # a day in the middle of the long stay, read alone: found from the hours before it
    _three_ways(
        engine, data, "attendance", "venue,day", first=date(2024, 3, 28), last=date(2024, 3, 28)
    )
