"""Customers and their profile-field definitions."""

from __future__ import annotations

import sqlalchemy as sa

from turnout.core.fields import enum, ident, integer, json, money, string, timestamp
from turnout.core.registry import Resource
from turnout.core.resources.common import stamps
from turnout.db.schema import customers, profile_fields, sessions

ROLES = ("member", "leader", "moderator", "admin", "owner", "customer")
CUSTOMER_STATUSES = ("invited", "active", "suspended", "erased")
PROFILE_FIELD_TYPES = ("string", "integer", "number", "boolean", "date")


def session_count(table: sa.Table, _dialect: str) -> sa.ColumnElement[object]:
    """How many sessions the customer has (any status), counted in its workspace."""
    return (
        sa.select(sa.func.count())
        .where(
            sessions.c.workspace_id == table.c.workspace_id, sessions.c.customer_id == table.c.id
        )
        .scalar_subquery()
    )


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def team_letters(table: sa.Table, _dialect: str) -> sa.ColumnElement[object]:
    """The team number as letters (0 -> A, 26 -> AA, 52 -> BA), like turnout.core.teams."""
    team = table.c.team
    letters = sa.literal(_ALPHABET, sa.Text)

    def position(value: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
        return sa.cast(value + sa.literal_column("1"), sa.Integer)

    offset = team - sa.literal_column("26")
    second = sa.func.substr(letters, position(offset % sa.literal_column("26")), 1)
    first = sa.func.substr(
        sa.literal("AB", sa.Text), position(offset // sa.literal_column("26")), 1
    )
    return sa.case(
        (team.between(0, 25), sa.func.substr(letters, position(team), 1)),
        (team.between(26, 77), first.concat(second)),
        else_=sa.null(),
    )


CUSTOMERS = Resource(
    name="customers",
    table=customers,
    permission="customers:read",
    description="Customers, users and members, with custom profile fields.",
    fields=(
        ident(),
        string("external_id", searchable=True),
        string("email", sortable=True, searchable=True),
        string("first_name", sortable=True, searchable=True),
        string("last_name", sortable=True, searchable=True),
        string("display_name", sortable=True, searchable=True),
        string("title"),
        string("phone", searchable=True),
        enum("role", ROLES, sortable=True),
        integer("team", sortable=True, description="Team number: A=0, B=1, ... AZ=51, BA=52."),
        string(
            "team_letters",
            expression=team_letters,
            description="The team as letters: A-Z, AA-AZ, BA-BZ.",
        ),
        enum("status", CUSTOMER_STATUSES, sortable=True),
        money("balance", sortable=True),
        string("source"),
        integer("priority", sortable=True),
        json("profile", description="Custom profile fields (see profile-fields)."),
        json("hardware"),
        json("metadata"),
        integer(
            "session_count",
            expression=session_count,
            filterable=False,
            default=False,
            description="How many sessions the customer has.",
        ),
        timestamp("invited_at"),
        timestamp("accepted_at"),
        timestamp("suspended_at"),
        timestamp("profile_updated_at"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at", "accepted_at", "invited_at", "profile_updated_at"),
    default_sort=("id",),
    open_json=("profile", "metadata", "hardware"),
)

PROFILE_FIELDS = Resource(
    name="profile-fields",
    table=profile_fields,
    permission="customers:read",
    description="The workspace's custom customer profile fields.",
    fields=(
        ident(),
        string("name", sortable=True, searchable=True),
        string("label"),
        enum("type", PROFILE_FIELD_TYPES),
        string("description"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)
