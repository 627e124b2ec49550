"""LeadByte reports: the seed's example call, one row per campaign, suppliers, presets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.dialects.leadbyte.leadbyte_data import (
    BASE,
    JULY,
    add_leads,
    make_campaign,
    make_supplier,
    reports_key,
    seed_example,
    seed_row,
)
from tests.factories import make_workspace
from turnout.dialects.leadbyte import views


def test_the_seed_example_call_and_response(client, engine, workspace):
    campaign = seed_example(engine, workspace)
    key = reports_key(engine, workspace)
    response = client.get(f"{BASE}/campaign?key={key}&campaignId={campaign}&{JULY}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "Success", "message": "OK", "data": [seed_row(campaign)]}
    # numbers are JSON numbers, spelled without trailing zeros, never strings
    text = response.text
    for fragment in ('"leads":82', '"supplierCost":37.5', '"emailCost":0,', '"smsCost":0.026'):
        assert fragment in text
    assert '"validationCost":0.0255' in text and '"revenue":250,' in text
    assert '"profit":212.4485' in text and f'"id":"{campaign}"' in text


def test_every_campaign_gets_a_row_without_campaign_id(client, engine, workspace):
    example = seed_example(engine, workspace)
    other = make_campaign(engine, workspace, name="Dollars", reference=None, currency="USD")
    idle = make_campaign(engine, workspace, name="Idle")
    add_leads(
        engine,
        workspace,
        [
            {
                "campaign_id": other,
                "status": "pending",
                "outcome": "returned",
                "supplier_cost": Decimal("1.25"),
                "email_cost": Decimal("0.5"),
                "revenue": Decimal("1"),
                "currency": "USD",
                "received_at": datetime(2020, 7, 15, tzinfo=UTC),
            }
        ],
    )
    key = reports_key(engine, workspace)
    body = client.get(f"{BASE}/campaign?key={key}&{JULY}").json()
    assert body["status"] == "Success"
    rows = {row["campaign"]["id"]: row for row in body["data"]}
    assert set(rows) == {str(example), str(other)}  # the idle campaign has no leads
    assert str(idle) not in rows
    assert rows[str(example)] == seed_row(example)
    assert rows[str(other)] == {
        "campaign": {"id": str(other), "name": "Dollars", "reference": None},
        "leads": 1,
        "valid": 0,
        "invalid": 0,
        "pending": 1,
        "rejections": 0,
        "approved": 0,
        "returns": 1,
        "supplierCost": 1.25,
        "emailCost": 0.5,
        "smsCost": 0,
        "validationCost": 0,
        "revenue": 1,
        "profit": -0.75,
        "currency": "USD",
    }


def test_a_named_campaign_without_leads_gets_a_zero_row(client, engine, workspace):
    idle = make_campaign(engine, workspace, name="Idle", reference="IDLE", currency="EUR")
    key = reports_key(engine, workspace)
    body = client.get(f"{BASE}/campaign?key={key}&campaignId={idle}&{JULY}").json()
    assert body["data"] == [
        {
            "campaign": {"id": str(idle), "name": "Idle", "reference": "IDLE"},
            **dict.fromkeys(
                ["leads", "valid", "invalid", "pending", "rejections", "approved", "returns"], 0
            ),
            **dict.fromkeys(
                ["supplierCost", "emailCost", "smsCost", "validationCost", "revenue", "profit"], 0
            ),
            "currency": "EUR",
        }
    ]


def test_profit_is_revenue_less_all_costs(client, engine, workspace):
    campaign = make_campaign(engine, workspace, name="Sums")
    rows = []
    for i in range(40):
        rows.append(
            {
                "campaign_id": campaign,
                "status": ("valid", "invalid", "pending")[i % 3],
                "outcome": ("approved", "rejected", "returned", None)[i % 4],
                "supplier_cost": Decimal(i * 37 % 500) / 100,
                "email_cost": Decimal(i * 7 % 30) / 10000,
                "sms_cost": Decimal(i * 11 % 40) / 1000,
                "validation_cost": Decimal(i * 3 % 50) / 10000,
                "revenue": Decimal(i * 53 % 900) / 100,
                "received_at": datetime(2020, 7, 1 + i % 28, 13, tzinfo=UTC),
            }
        )
    add_leads(engine, workspace, rows)
    key = reports_key(engine, workspace)
    response = client.get(f"{BASE}/campaign?key={key}&campaignId={campaign}&{JULY}")
    # read the numbers as written, not through floats
    (row,) = json.loads(response.text, parse_float=Decimal, parse_int=Decimal)["data"]
    costs = {
        name: sum((r[column] for r in rows), Decimal(0))
        for name, column in (
            ("supplierCost", "supplier_cost"),
            ("emailCost", "email_cost"),
            ("smsCost", "sms_cost"),
            ("validationCost", "validation_cost"),
        )
    }
    revenue = sum((r["revenue"] for r in rows), Decimal(0))
    for name, total in costs.items():
        assert row[name] == total
    assert row["revenue"] == revenue
    assert row["profit"] == revenue - sum(costs.values(), Decimal(0))
    assert row["leads"] == 40 and row["valid"] + row["invalid"] + row["pending"] == 40
    assert (row["approved"], row["rejections"], row["returns"]) == (10, 10, 10)


def test_supplier_report_has_a_row_per_supplier(client, engine, workspace):
    acme = make_supplier(engine, workspace, "Acme Leads")
    bolt = make_supplier(engine, workspace, "Bolt Media")
    first = make_campaign(engine, workspace, name="First")
    second = make_campaign(engine, workspace, name="Second")
    when = datetime(2020, 7, 10, tzinfo=UTC)
    add_leads(
        engine,
        workspace,
        [
            {
                "campaign_id": first,
                "supplier_id": acme,
                "supplier_cost": Decimal("2.5"),
                "received_at": when,
            },
            {
                "campaign_id": second,
                "supplier_id": acme,
                "supplier_cost": Decimal("1"),
                "received_at": when,
            },
            {
                "campaign_id": first,
                "supplier_id": bolt,
                "revenue": Decimal("9.99"),
                "received_at": when,
            },
            {"campaign_id": first, "supplier_id": None, "received_at": when},
        ],
    )
    key = reports_key(engine, workspace)
    body = client.get(f"{BASE}/supplier?key={key}&{JULY}").json()
    assert body["status"] == "Success" and body["message"] == "OK"
    rows = {row["supplier"]["id"]: row for row in body["data"]}
    assert set(rows) == {str(acme), str(bolt), None}
    assert rows[str(acme)]["supplier"] == {"id": str(acme), "name": "Acme Leads"}
    assert rows[str(acme)]["leads"] == 2 and rows[str(acme)]["supplierCost"] == 3.5
    assert rows[str(acme)]["profit"] == -3.5
    assert rows[str(bolt)]["revenue"] == 9.99 and rows[str(bolt)]["profit"] == 9.99
    assert rows[None]["supplier"] == {"id": None, "name": None}
    assert list(rows[str(acme)]) == ["supplier", *list(seed_row(1))[1:]]

    only_first = client.get(f"{BASE}/supplier?key={key}&campaignId={first}&{JULY}").json()
    assert {row["supplier"]["id"]: row["leads"] for row in only_first["data"]} == {
        str(acme): 1,
        str(bolt): 1,
        None: 1,
    }
    one = client.get(f"{BASE}/supplier?key={key}&supplierId={bolt}&{JULY}").json()
    assert [row["supplier"]["name"] for row in one["data"]] == ["Bolt Media"]
    by_campaign = client.get(f"{BASE}/campaign?key={key}&supplierId={acme}&{JULY}").json()
    assert {row["campaign"]["name"]: row["leads"] for row in by_campaign["data"]} == {
        "First": 1,
        "Second": 1,
    }


def test_rows_stay_in_the_keys_workspace(client, engine, workspace):
    seed_example(engine, workspace)
    other = make_workspace(engine)
    key = reports_key(engine, other)
    assert client.get(f"{BASE}/campaign?key={key}&{JULY}").json()["data"] == []


def test_to_at_midnight_is_the_whole_day_and_other_times_are_exact(client, engine, workspace):
    campaign = seed_example(engine, workspace)
    key = reports_key(engine, workspace)
    base = f"{BASE}/campaign?key={key}&campaignId={campaign}&from=2020-07-01T00:00:00Z"

    def leads(to: str) -> int:
        response = client.get(f"{base}&to={to}")
        assert response.status_code == 200, response.text
        return int(response.json()["data"][0]["leads"])

    assert leads("2020-07-31T00:00:00Z") == 82
    # a bare date is the whole day in the workspace's zone: London's July 31 ends at
    # 23:00 UTC, before the 23:59:59 UTC lead
    assert leads("2020-07-31") == 81
    assert leads("2020-07-31T00:00:00.000Z") == 82
    assert leads("2020-07-31T12:00:00Z") == 81  # exact: the 23:59:59 lead is left out
    assert leads("2020-07-31T23:59:59Z") == 82  # inclusive instant
    assert leads("2020-07-30T23:59:59Z") == 80


# Now is Tuesday 2024-03-12 23:00 in New York (already Wednesday 03:00 in UTC).
NOW = datetime(2024, 3, 13, 3, 0, tzinfo=UTC)
# revenue (a power of two, so the sum names the set) -> received at (UTC)
PRESET_LEADS = {
    1: datetime(2024, 3, 13, 2, 0, tzinfo=UTC),  # Tue 12th 22:00 local: today
    2: datetime(2024, 3, 12, 14, 0, tzinfo=UTC),  # Tue 12th 10:00 local: today
    4: datetime(2024, 3, 11, 14, 0, tzinfo=UTC),  # Mon 11th: yesterday, this week
    8: datetime(2024, 3, 10, 16, 0, tzinfo=UTC),  # Sun 10th: last week (DST starts)
    16: datetime(2024, 3, 7, 15, 0, tzinfo=UTC),  # Thu 7th: last week, last 7 days
    32: datetime(2024, 3, 2, 15, 0, tzinfo=UTC),  # Sat 2nd: this month, last 30 days
    64: datetime(2024, 2, 20, 15, 0, tzinfo=UTC),  # Feb 20th: last month, last 30 days
    128: datetime(2024, 1, 20, 15, 0, tzinfo=UTC),  # January: none of them
}
PRESETS = [
    ("today", 1 + 2),
    ("yesterday", 4),
    ("this_week", 1 + 2 + 4),
    ("last_7d", 4 + 8 + 16),
    ("lastweek", 8 + 16),
    ("last_30d", 4 + 8 + 16 + 32 + 64),
    ("this_month", 1 + 2 + 4 + 8 + 16 + 32),
    ("last_month", 64),
]


@pytest.fixture
def preset_env(engine, monkeypatch):
    ws = make_workspace(engine, timezone="America/New_York")
    campaign = make_campaign(engine, ws, name="Presets")
    add_leads(
        engine,
        ws,
        [
            {"campaign_id": campaign, "revenue": Decimal(value), "received_at": when}
            for value, when in PRESET_LEADS.items()
        ],
    )
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    return reports_key(engine, ws), campaign


@pytest.mark.parametrize(("preset", "revenue"), PRESETS)
def test_date_presets_in_the_workspace_zone(client, preset_env, preset, revenue):
    key, campaign = preset_env
    body = client.get(f"{BASE}/campaign?key={key}&datePreset={preset}").json()
    assert body["status"] == "Success", body
    assert [row["revenue"] for row in body["data"]] == [revenue]
    assert body["data"][0]["leads"] == bin(revenue).count("1")
    assert body["data"][0]["campaign"]["id"] == str(campaign)


def test_no_window_means_today(client, preset_env):
    key, _ = preset_env
    body = client.get(f"{BASE}/campaign?key={key}").json()
    assert [row["revenue"] for row in body["data"]] == [3]


def test_the_supplier_type_takes_presets_too(client, preset_env):
    key, _ = preset_env
    body = client.get(f"{BASE}/supplier?key={key}&datePreset=last_month").json()
    assert body["data"][0]["supplier"] == {"id": None, "name": None}
    assert body["data"][0]["revenue"] == 64
