"""Purchases of sellable spaces (a private office at one of its prices)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints
from sqlalchemy.engine import Connection

from turnout.core.commands import Actor
from turnout.core.commands.customers import find_by_email
from turnout.core.commands.models import Id, Name
from turnout.core.commands.records import insert, require_reference
from turnout.core.commands.validation import Input
from turnout.db.schema import prices, purchases


class PurchaseCreate(Input):
    price_id: Id
    email: EmailStr
    first_name: Name
    last_name: Name
    # 0: a new subscription (the only kind there is so far)
    purchase_type: Literal[0] = 0
    remote_subscription_id: Annotated[str, StringConstraints(max_length=128)] | None = None
    details: Annotated[str, StringConstraints(max_length=10_000)] = Field(default="")


def create_purchase(conn: Connection, actor: Actor, data: PurchaseCreate) -> int:
    """Record a purchase at an existing price; linked to the customer with that email, if any."""
    require_reference(conn, actor, prices, data.price_id, field="price_id")
    customer = find_by_email(conn, actor, data.email)
    return insert(
        conn,
        actor,
        purchases,
        {
            "price_id": data.price_id,
            "customer_id": customer.id if customer is not None else None,
            "purchase_type": data.purchase_type,
            "status": 0,
            "remote_subscription_id": data.remote_subscription_id,
            "details": data.details,
            "email": data.email,
            "first_name": data.first_name,
            "last_name": data.last_name,
        },
    )
