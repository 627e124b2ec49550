"""Campaigns, suppliers, leads, and activity events."""

from __future__ import annotations

from turnout.core.fields import enum, ident, integer, json, money, string, timestamp
from turnout.core.registry import Resource
from turnout.core.resources.common import stamps
from turnout.db.schema import campaigns, events, leads, suppliers

LEAD_STATUSES = ("valid", "invalid", "pending")
LEAD_OUTCOMES = ("approved", "rejected", "returned")

CAMPAIGNS = Resource(
    name="campaigns",
    table=campaigns,
    permission="leads:read",
    description="Lead-generation campaigns.",
    fields=(
        ident(),
        string("name", sortable=True, searchable=True),
        string("reference", sortable=True, searchable=True),
        string("currency"),
        string("status"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)

SUPPLIERS = Resource(
    name="suppliers",
    table=suppliers,
    permission="leads:read",
    description="Lead suppliers.",
    fields=(
        ident(),
        string("name", sortable=True, searchable=True),
        string("reference", searchable=True),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)

LEADS = Resource(
    name="leads",
    table=leads,
    permission="leads:read",
    description="Leads received by campaigns, with their status, outcome, costs and revenue.",
    fields=(
        ident(),
        integer("campaign_id", sortable=True),
        integer("supplier_id", sortable=True),
        integer("customer_id", sortable=True),
        string("email", searchable=True, sortable=True),
        string("phone", searchable=True),
        enum("status", LEAD_STATUSES, sortable=True),
        enum("outcome", LEAD_OUTCOMES, sortable=True),
        money("supplier_cost", sortable=True),
        money("email_cost"),
        money("sms_cost"),
        money("validation_cost"),
        money("revenue", sortable=True),
        string("currency"),
        timestamp("received_at"),
        json("data"),
        *stamps(),
    ),
    time_field="received_at",
    time_fields=("received_at", "created_at", "updated_at"),
    default_sort=("-received_at",),
    open_json=("data",),
)

EVENTS = Resource(
    name="events",
    table=events,
    permission="events:read",
    description="Activity events: waitlist.called, waitlist.help_done, waitlist.support_end.",
    fields=(
        ident(),
        string("type", sortable=True),
        timestamp("occurred_at"),
        integer("venue_id", sortable=True),
        integer("customer_id", sortable=True),
        integer("actor_id", sortable=True),
        string("room", sortable=True, searchable=True),
        json("data"),
        *stamps(),
    ),
    time_field="occurred_at",
    time_fields=("occurred_at", "created_at", "updated_at"),
    default_sort=("-occurred_at",),
    open_json=("data",),
)
