"""Pieces several resource declarations share."""

from __future__ import annotations

import sqlalchemy as sa

from turnout.core.fields import Field, Join, integer, string, timestamp
from turnout.db.schema import customers, venues

CUSTOMER = Join("customer", customers, "customer_id")
VENUE = Join("venue", venues, "venue_id")


def customer_name(table: sa.Table, _dialect: str) -> sa.ColumnElement[object]:
    # The joined customer's full name, tolerant of either part missing.
    first = sa.func.coalesce(table.c.first_name, "")
    last = sa.func.coalesce(table.c.last_name, "")
    return sa.func.trim(first + " " + last)


def stamps() -> tuple[Field, ...]:
    return (
        timestamp("created_at", description="When the row was created (UTC)."),
        timestamp("updated_at", description="When the row last changed (UTC)."),
    )


def customer_fields() -> tuple[Field, ...]:
    """The joined customer's contact fields, for rows that belong to a customer."""
    return (
        integer("customer_id", sortable=True, description="The customer's id."),
        string(
            "customer_name",
            join=CUSTOMER,
            expression=customer_name,
            default=False,
            description="The customer's first and last name.",
        ),
        string("customer_email", join=CUSTOMER, column="email", default=False),
        string("customer_phone", join=CUSTOMER, column="phone", default=False),
    )


def venue_fields() -> tuple[Field, ...]:
    return (
        integer("venue_id", sortable=True, description="The venue's id."),
        string("venue_name", join=VENUE, column="name", default=False),
    )
