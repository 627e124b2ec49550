"""Every report against an independent computation over the same random data, on both
backends, in zones with DST changes inside the window, with and without rollups, and
after more rows arrive (incremental rollup refresh)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_key
from tests.reports import reportdata as rd
from turnout.reports import BY_NAME
from turnout.reports.engine import run_report
from turnout.reports.params import parse_report_params

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]


@pytest.fixture
def setup(engine, workspace):
    rng = random.Random(workspace.id)
    data = rd.setup_entities(engine, workspace.id, rng)
    rd.add_rows(engine, data, rng, n=70)
    _, key = make_key(engine, workspace, permissions="reports:read")
    return data, {"Authorization": f"Bearer {key}"}, rng


def _get(client, headers, name: str, **params: str) -> tuple[list[str], list[list[Any]]]:
    response = client.get(f"/v1/reports/{name}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = json.loads(response.content, parse_float=Decimal)
    rows = body["data"]
    return (list(rows[0]) if rows else []), rows


def _keyed(rows, key_names, metric_names):
    out = {}
    for row in rows:
        key = tuple(row[k] for k in key_names)
        out[key] = {m: row[m] for m in metric_names}
    return out


def _ask(tz: str, granularity: str | None, by_venue: bool = False, start=None, end=None):
    return rd.Ask(
        start or rd.T0,
        end or rd.T0 + rd.SPAN,
        ZoneInfo(tz),
        granularity,
        by_venue,
    )


def _window(ask: rd.Ask) -> dict[str, str]:
    return {
        "from": ask.start.isoformat().replace("+00:00", "Z"),
        "to": (ask.end - timedelta(microseconds=1)).isoformat().replace("+00:00", "Z"),
        "tz": ask.tz.key,
    }


def _assert_attendance(got, expected):
    assert set(got) == set(expected)
    for key, want in expected.items():
        have = got[key]
        for name, value in want.items():
            if name == "talk_minutes":
                # talk is spread in whole microseconds per piece: equal to the cent or
                # one cent off where the exact value sits on a rounding edge
                assert abs(Decimal(have[name]) - value) <= Decimal("0.01"), (key, name)
            else:
                assert have[name] == value, (key, name, have[name], value)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("granularity", ["hour", "day"])
def test_attendance_matches_oracle(client, setup, tz, granularity):
    data, headers, _ = setup
    ask = _ask(tz, granularity, by_venue=True)
    group = f"venue,{granularity}"
    _, rows = _get(client, headers, "attendance", group_by=group, **_window(ask))
    metrics = list(rd.attendance(data, ask).popitem()[1])
    got = _keyed(rows, ["period", "venue_id"], metrics)
    _assert_attendance(got, rd.attendance(data, ask))


@pytest.mark.parametrize("tz", ["Europe/London", "Asia/Kolkata"])
def test_attendance_without_venue_and_mid_hour_window(client, setup, tz):
    data, headers, _ = setup
    start = rd.T0 + timedelta(hours=7, minutes=13, seconds=5)
    ask = _ask(tz, "day", start=start, end=rd.T0 + timedelta(days=4, minutes=50))
    _, rows = _get(client, headers, "attendance", group_by="day", **_window(ask))
    expected = rd.attendance(data, ask)
    metrics = list(next(iter(expected.values())))
    _assert_attendance(_keyed(rows, ["period"], metrics), expected)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("granularity", ["hour", "day", None])
def test_visits_match_oracle(client, setup, tz, granularity):
    data, headers, _ = setup
    ask = _ask(tz, granularity, by_venue=granularity != "hour")
    group = ",".join(x for x in ("venue" if ask.by_venue else "", granularity or "") if x)
    _, rows = _get(client, headers, "visits", group_by=group, **_window(ask))
    expected = rd.visits(data, ask)
    metrics = list(next(iter(expected.values())))
    keys = (["period"] if granularity else []) + (["venue_id"] if ask.by_venue else [])
    got = _keyed(rows, keys, metrics)
    if granularity is None:
        expected = {k[1:]: v for k, v in expected.items()}
    assert got == expected


@pytest.mark.parametrize("by", [("campaign",), ("supplier",), ("campaign", "supplier")])
@pytest.mark.parametrize("tz", ["Europe/London", "America/New_York"])
def test_campaign_matches_oracle(client, setup, by, tz):
    data, headers, _ = setup
    ask = _ask(tz, "day")
    _, rows = _get(client, headers, "campaign", group_by=",".join((*by, "day")), **_window(ask))
    expected = rd.campaign(data, ask, by)
    metrics = list(next(iter(expected.values())))
    got = _keyed(rows, ["period", *(f"{d}_id" for d in by), "currency"], metrics)
    assert got == expected
    if by == ("campaign",):
        assert {row["campaign_name"] for row in rows} <= {"Campaign 0", "Campaign 1"}


@pytest.mark.parametrize("by", [("item",), ("category",), ("venue",), ("item", "venue")])
@pytest.mark.parametrize("granularity", ["hour", "week", "month"])
def test_sales_match_oracle(client, setup, by, granularity):
    data, headers, _ = setup
    ask = _ask("Europe/London", granularity)
    group = ",".join((*by, granularity))
    _, rows = _get(client, headers, "sales", group_by=group, **_window(ask))
    expected = rd.sales(data, ask, by)
    column = {"item": "item", "category": "category", "venue": "venue_id"}
    got = _keyed(
        rows, ["period", *(column[d] for d in by), "currency"], ["sales", "quantity", "revenue"]
    )
    assert got == expected


@pytest.mark.parametrize("tz", ["Europe/London", "Asia/Kolkata"])
def test_waitlist_matches_oracle(client, setup, tz):
    data, headers, _ = setup
    ask = _ask(tz, "day")
    metrics = "called,helped,average_seconds_in_line,seconds_helping"
    _, rows = _get(
        client, headers, "waitlist", group_by="agent,day", metrics=metrics, **_window(ask)
    )
    assert list(rows[0]) == ["period", "agent_id", "agent_name", *metrics.split(",")]
    got = _keyed(rows, ["period", "agent_id"], metrics.split(","))
    assert got == rd.waitlist(data, ask)


@pytest.mark.parametrize("name", ["attendance", "visits", "sales", "campaign"])
def test_rollups_and_raw_rows_agree_and_follow_new_rows(engine, setup, name):
    data, _, rng = setup
    report = BY_NAME[name]
    now = datetime.now(UTC)
    params = [
        ("from", "2024-03-29"),
        ("to", "2024-04-02"),
        ("tz", "Europe/London"),
        ("group_by", report.default_group_by[0] + ",day"),
    ]
    request = parse_report_params(
        report, params, workspace_id=data.workspace_id, workspace_tz="UTC", now=now
    )
    first = run_report(engine, report, request)
    assert first.used_rollups
    raw = run_report(engine, report, replace(request, use_rollups=False))
    assert not raw.used_rollups
    assert first.rows == raw.rows or name == "attendance"
    # more rows arrive: the rollup refresh picks them up incrementally
    rd.add_rows(engine, data, rng, n=40)
    second = run_report(engine, report, request)
    raw = run_report(engine, report, replace(request, use_rollups=False))
    assert second.used_rollups and second.rows != first.rows
    if name != "attendance":
        assert second.rows == raw.rows
    else:
        talk = [c.name for c in second.columns].index("talk_minutes")
        for a, b in zip(second.rows, raw.rows, strict=True):
            assert a[:talk] + a[talk + 1 :] == b[:talk] + b[talk + 1 :]
            assert abs(a[talk] - b[talk]) <= Decimal("0.01")


def test_dst_days_have_23_and_25_hours(client, engine, workspace):
    """One session per UTC hour across both London changes: hour buckets per local day."""
    rng = random.Random(1)
    data = rd.setup_entities(engine, workspace.id, rng)
    from turnout.db import schema

    rows = []
    for day in (datetime(2024, 3, 30, tzinfo=UTC), datetime(2024, 10, 26, tzinfo=UTC)):
        for h in range(72):
            joined = day + timedelta(hours=h)
            rows.append(
                {
                    "workspace_id": workspace.id,
                    "uuid": f"dst-{workspace.id}-{day.month}-{h}",
                    "venue_id": data.venues[0],
                    "joined_at": joined,
                    "left_at": joined + timedelta(minutes=90),
                    "created_at": joined,
                    "updated_at": joined,
                }
            )
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert(), rows)
    _, key = make_key(engine, workspace, permissions="reports:read")
    headers = {"X-API-Key": key}
    for day, hours in (("2024-03-31", 23), ("2024-10-27", 25)):
        _, by_hour = _get(
            client,
            headers,
            "attendance",
            group_by="hour",
            tz="Europe/London",
            **{"from": day, "to": day},
        )
        assert len(by_hour) == hours
        assert len({r["period"] for r in by_hour}) == hours  # the repeated hour: two offsets
        _, by_day = _get(
            client,
            headers,
            "attendance",
            group_by="day",
            tz="Europe/London",
            **{"from": day, "to": day},
        )
        (total,) = by_day
        assert total["attendance_minutes"] == Decimal(
            sum(Decimal(r["attendance_minutes"]) for r in by_hour)
        )
        # a session starts every hour and one runs in from the day before; each hour
        # holds 60 + 30 minutes of attendance
        assert total["sessions"] == hours + 1
        assert total["attendance_minutes"] == Decimal(hours * 90)
        assert max(r["peak_occupancy"] for r in by_hour) == 2
