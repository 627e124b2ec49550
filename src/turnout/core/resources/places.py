"""Venues and labels."""

from __future__ import annotations

from turnout.core.fields import enum, ident, integer, json, string
from turnout.core.registry import Resource
from turnout.core.resources.common import stamps
from turnout.db.schema import labels, venues

VENUE_KINDS = ("store", "room", "private_volume", "hotspot", "arena")

VENUES = Resource(
    name="venues",
    table=venues,
    permission="sessions:read",
    description="Places where sessions happen: stores, rooms, private volumes, hotspots, arenas.",
    fields=(
        ident(),
        enum("kind", VENUE_KINDS, sortable=True),
        string("name", sortable=True, searchable=True),
        string("code", sortable=True, searchable=True),
        string("external_id", searchable=True),
        string("group_name", sortable=True),
        integer("capacity", sortable=True),
        string("status"),
        string("timezone"),
        json("address"),
        json("access", description="Team and group access rules."),
        json("attributes"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
    default_sort=("id",),
    open_json=("attributes", "address"),
)

LABELS = Resource(
    name="labels",
    table=labels,
    permission="sessions:read",
    description="Tags attached to sessions.",
    fields=(ident(), string("name", sortable=True, searchable=True), string("color"), *stamps()),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)
