"""LeadByte test data: campaigns, suppliers and leads, and the seed's example campaign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from tests.factories import make_key
from turnout.core.workspaces import Workspace
from turnout.db import schema

BASE = "/restapi/v1.2/reports"
JULY = "from=2020-07-01T00:00:00Z&to=2020-07-31T00:00:00Z"


def _stamp(values: dict[str, Any]) -> dict[str, Any]:
    now = datetime.now(UTC)
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    return values


def make_campaign(engine: Engine, ws: Workspace, **overrides: Any) -> int:
    values: dict[str, Any] = {"workspace_id": ws.id, "name": "Campaign", "currency": "GBP"}
    values.update(overrides)
    with engine.begin() as conn:
        return int(
            conn.execute(
                schema.campaigns.insert().values(_stamp(values)).returning(schema.campaigns.c.id)
            ).scalar_one()
        )


def make_supplier(engine: Engine, ws: Workspace, name: str) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                schema.suppliers.insert()
                .values(_stamp({"workspace_id": ws.id, "name": name}))
                .returning(schema.suppliers.c.id)
            ).scalar_one()
        )


LEAD_DEFAULTS: dict[str, Any] = {
    "supplier_id": None,
    "status": "valid",
    "outcome": None,
    "supplier_cost": Decimal(0),
    "email_cost": Decimal(0),
    "sms_cost": Decimal(0),
    "validation_cost": Decimal(0),
    "revenue": Decimal(0),
    "currency": "GBP",
}


def add_leads(engine: Engine, ws: Workspace, rows: list[dict[str, Any]]) -> None:
    """Insert leads; every row gets every column (defaults above) for one executemany."""
    with engine.begin() as conn:
        conn.execute(
            schema.leads.insert(),
            [_stamp({"workspace_id": ws.id, **LEAD_DEFAULTS, **row}) for row in rows],
        )


def reports_key(engine: Engine, ws: Workspace, permissions: str = "reports:read") -> str:
    return make_key(engine, ws, permissions=permissions)[1]


def seed_example(engine: Engine, ws: Workspace, supplier_id: int | None = None) -> int:
    """The seed's example campaign: July 2020 adds up to exactly the seed's response.

    82 leads: 74 valid, 8 invalid; 63 rejected, 11 approved; supplier costs 37.5,
    SMS 0.026, validation 0.0255, revenue 250, so profit 212.4485. Three more leads
    sit just outside the window (June 30, August 1) to check its edges.
    """
    campaign = make_campaign(
        engine, ws, name="Example Campaign", reference="EXAMPLE-CAMPAIGN", currency="GBP"
    )
    start = datetime(2020, 7, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for i in range(82):
        received = start + timedelta(hours=9 * i)  # July 1 .. July 31 12:00 UTC
        if i == 81:
            received = datetime(2020, 7, 31, 23, 59, 59, tzinfo=UTC)
        rows.append(
            {
                "campaign_id": campaign,
                "supplier_id": supplier_id,
                "status": "valid" if i < 74 else "invalid",
                "outcome": "rejected" if i < 63 else ("approved" if i < 74 else None),
                "supplier_cost": Decimal("0.5") if i < 75 else Decimal(0),
                "sms_cost": Decimal("0.013") if i < 2 else Decimal(0),
                "validation_cost": Decimal("0.0255") if i == 0 else Decimal(0),
                "revenue": Decimal(25) if i < 10 else Decimal(0),
                "received_at": received,
            }
        )
    for received in (
        datetime(2020, 6, 30, 23, 59, 59, tzinfo=UTC),
        datetime(2020, 8, 1, tzinfo=UTC),
        datetime(2020, 8, 1, 0, 0, 1, tzinfo=UTC),
    ):
        rows.append(
            {
                "campaign_id": campaign,
                "supplier_id": supplier_id,
                "status": "valid",
                "revenue": Decimal(1000),
                "received_at": received,
            }
        )
    add_leads(engine, ws, rows)
    return campaign


def seed_row(campaign: int) -> dict[str, Any]:
    return {
        "campaign": {
            "id": str(campaign),
            "name": "Example Campaign",
            "reference": "EXAMPLE-CAMPAIGN",
        },
        "leads": 82,
        "valid": 74,
        "invalid": 8,
        "pending": 0,
        "rejections": 63,
        "approved": 11,
        "returns": 0,
        "supplierCost": 37.5,
        "emailCost": 0,
        "smsCost": 0.026,
        "validationCost": 0.0255,
        "revenue": 250,
        "profit": 212.4485,
        "currency": "GBP",
    }
