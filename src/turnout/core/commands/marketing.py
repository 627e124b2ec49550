"""Campaigns, suppliers, leads and events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.commands.models import CampaignCreate, EventCreate, LeadCreate, SupplierCreate
from turnout.core.commands.models import given as given_fields
from turnout.core.commands.records import insert, require_reference
from turnout.db.schema import campaigns, customers, events, leads, suppliers, venues
from turnout.reports.rollups import mark_write


def _with_defaults(model: Any) -> dict[str, Any]:
    """Every field, defaults included (these rows have no partial form)."""
    return dict(model.model_dump()) | given_fields(model)


def create_campaign(conn: Connection, actor: Actor, data: CampaignCreate) -> int:
    return insert(conn, actor, campaigns, _with_defaults(data))


def create_supplier(conn: Connection, actor: Actor, data: SupplierCreate) -> int:
    return insert(conn, actor, suppliers, _with_defaults(data))


def create_lead(conn: Connection, actor: Actor, data: LeadCreate) -> int:
    require_reference(conn, actor, campaigns, data.campaign_id, field="campaign_id")
    require_reference(conn, actor, suppliers, data.supplier_id, field="supplier_id")
    require_reference(conn, actor, customers, data.customer_id, field="customer_id")
    values = _with_defaults(data)
    values["received_at"] = data.received_at or utcnow()
    mark_write(conn, actor.workspace_id, leads, None, values)
    return insert(conn, actor, leads, values)


def append_event(conn: Connection, actor: Actor, data: EventCreate) -> int:
    require_reference(conn, actor, venues, data.venue_id, field="venue_id")
    require_reference(conn, actor, customers, data.customer_id, field="customer_id")
    require_reference(conn, actor, customers, data.actor_id, field="actor_id")
    values = _with_defaults(data)
    values["occurred_at"] = data.occurred_at or utcnow()
    mark_write(conn, actor.workspace_id, events, None, values)
    return insert(conn, actor, events, values)
