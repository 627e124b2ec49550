"""Timestamps and money round-trip exactly on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_workspace
from turnout.db.schema import campaigns, leads


def test_timestamps_are_utc_and_money_is_exact(engine):
    ws = make_workspace(engine)
    received = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        campaign_id = conn.execute(
            campaigns.insert()
            .values(workspace_id=ws.id, name="c", created_at=now, updated_at=now)
            .returning(campaigns.c.id)
        ).scalar_one()
        for cost in ("0.0255", "0.026", "37.5", "0.0001"):
            conn.execute(
                leads.insert().values(
                    workspace_id=ws.id,
                    campaign_id=campaign_id,
                    supplier_cost=Decimal(cost),
                    revenue=Decimal("250"),
                    received_at=received,
                    created_at=now,
                    updated_at=now,
                )
            )
        rows = conn.execute(
            sa.select(leads.c.supplier_cost, leads.c.received_at)
            .where(leads.c.workspace_id == ws.id)
            .order_by(leads.c.id)
        ).all()
        total = conn.execute(
            sa.select(sa.func.sum(leads.c.supplier_cost)).where(leads.c.workspace_id == ws.id)
        ).scalar_one()
    assert [r.supplier_cost for r in rows] == [
        Decimal("0.0255"),
        Decimal("0.026"),
        Decimal("37.5"),
        Decimal("0.0001"),
    ]
    assert rows[0].received_at == received
    assert rows[0].received_at.utcoffset() == timedelta(0)
    assert total == Decimal("37.5516")  # summed in SQL as exact integers


def test_money_with_more_than_four_places_is_refused(engine):
    ws = make_workspace(engine)
    now = datetime.now(UTC)
    with pytest.raises(sa.exc.StatementError), engine.begin() as conn:
        conn.execute(
            campaigns.insert().values(workspace_id=ws.id, name="c", created_at=now, updated_at=now)
        )
        cid = conn.execute(sa.select(sa.func.max(campaigns.c.id))).scalar_one()
        conn.execute(
            leads.insert().values(
                workspace_id=ws.id,
                campaign_id=cid,
                revenue=Decimal("0.00001"),
                received_at=now,
                created_at=now,
                updated_at=now,
            )
        )


def test_naive_datetimes_are_refused(engine):
    ws = make_workspace(engine)
    with pytest.raises(sa.exc.StatementError), engine.begin() as conn:
        conn.execute(
            campaigns.insert().values(
                workspace_id=ws.id,
                name="c",
                created_at=datetime(2024, 1, 1),
                updated_at=datetime(2024, 1, 1),
            )
        )
