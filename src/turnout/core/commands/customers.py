"""Customers: create or update by email, suspend, reactivate, erase, profile values."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core import audit
from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.commands.models import CustomerCreate, CustomerUpdate, ProfilePatch, given
from turnout.core.commands.profiles import definitions, typed_values
from turnout.core.commands.records import load, savepoint_insert, unique_as_conflict, update
from turnout.core.errors import Conflict, InvalidParameter
from turnout.db.schema import customers, leads, purchases

Outcome = Literal["created", "updated", "unchanged"]
# Digits appended to a taken display name, as Virbela does ("Sam" -> "Sam4821").
_SUFFIX_DIGITS = 4
_SUFFIX_TRIES = 50


@dataclass(frozen=True, slots=True)
class Written:
    id: int
    outcome: Outcome


def find_by_email(conn: Connection, actor: Actor, email: str) -> Any:
    return conn.execute(
        sa.select(customers).where(
            customers.c.workspace_id == actor.workspace_id,
            sa.func.lower(customers.c.email) == email.lower(),
        )
    ).first()


def create_customer(
    conn: Connection, actor: Actor, data: CustomerCreate, *, overwrite: bool = False
) -> Written:
    """A new customer; an existing email is updated when `overwrite`, else left alone."""
    if data.email:
        existing = find_by_email(conn, actor, data.email)
        if existing is not None:
            if not overwrite:
                return Written(existing.id, "unchanged")
            changes = CustomerUpdate.model_validate(
                {k: v for k, v in given(data).items() if k not in {"status", "email"}}
            )
            update_customer(conn, actor, existing.id, changes)
            return Written(existing.id, "updated")
    values = _columns(conn, actor, data, row_id=None)
    now = utcnow()
    values["status"] = data.status
    values["role"] = data.role
    values["invited_at" if data.status == "invited" else "accepted_at"] = now
    new_id = savepoint_insert(conn, actor, customers, values)
    if new_id is None:
        # Lost a race: the same email or display name was written meanwhile.
        if data.email and find_by_email(conn, actor, data.email) is not None:
            return create_customer(conn, actor, data, overwrite=overwrite)
        raise Conflict.for_field("display_name", "unique", "display_name was taken meanwhile")
    return Written(new_id, "created")


def update_customer(conn: Connection, actor: Actor, customer_id: int, data: CustomerUpdate) -> None:
    row = load(conn, actor, customers, customer_id, what="customer")
    _refuse_erased(row)
    values = _columns(conn, actor, data, row_id=customer_id)
    with unique_as_conflict(conn, "email", f"another customer has the email {data.email!r}"):
        update(conn, actor, customers, customer_id, values)


def _columns(
    conn: Connection, actor: Actor, data: CustomerUpdate, *, row_id: int | None
) -> dict[str, Any]:
    values = {k: v for k, v in given(data).items() if k in customers.c and k != "status"}
    if "profile" in values and values["profile"] is not None:
        values["profile"] = typed_values(values["profile"], definitions(conn, actor))
        values["profile_updated_at"] = utcnow()
    if values.get("display_name"):
        values["display_name"] = free_display_name(conn, actor, values["display_name"], row_id)
    if data.email and row_id is not None:
        other = find_by_email(conn, actor, data.email)
        if other is not None and other.id != row_id:
            raise Conflict.for_field(
                "email", "unique", f"another customer has the email {data.email!r}"
            )
    return values


def free_display_name(conn: Connection, actor: Actor, wanted: str, row_id: int | None) -> str:
    """`wanted`, or `wanted` with random digits appended when another customer has it."""
    candidate = wanted
    for _ in range(_SUFFIX_TRIES):
        holder = conn.execute(
            sa.select(customers.c.id).where(
                customers.c.workspace_id == actor.workspace_id,
                customers.c.display_name == candidate,
            )
        ).first()
        if holder is None or holder.id == row_id:
            return candidate
        digits = random.randrange(10 ** (_SUFFIX_DIGITS - 1), 10**_SUFFIX_DIGITS)
        candidate = f"{wanted[: 200 - _SUFFIX_DIGITS]}{digits}"
    raise Conflict.for_field("display_name", "unique", f"display_name {wanted!r} is taken")


def set_status(
    conn: Connection, actor: Actor, customer_id: int, status: Literal["suspended", "active"]
) -> None:
    row = load(conn, actor, customers, customer_id, what="customer")
    _refuse_erased(row)
    if row.status == status:
        return
    now = utcnow()
    values: dict[str, Any] = {"status": status}
    if status == "suspended":
        values["suspended_at"] = now
    else:
        values["suspended_at"] = None
        if row.accepted_at is None:
            values["accepted_at"] = now
    update(conn, actor, customers, customer_id, values)
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="customer.suspend" if status == "suspended" else "customer.reactivate",
        resource="customers",
        resource_id=customer_id,
        details={"from": row.status},
    )


def accept_invitation(conn: Connection, actor: Actor, customer_id: int) -> None:
    row = load(conn, actor, customers, customer_id, what="customer")
    if row.status == "invited":
        update(conn, actor, customers, customer_id, {"status": "active", "accepted_at": utcnow()})


def erase_customer(conn: Connection, actor: Actor, customer_id: int) -> bool:
    """Remove personal data for good; False when it was erased already.

    The row stays, without anything personal, so the customer's sessions and
    sales keep pointing at one anonymous id and every count and sum stays right.
    """
    row = load(conn, actor, customers, customer_id, what="customer")
    if row.status == "erased":
        return False
    now = utcnow()
    update(
        conn,
        actor,
        customers,
        customer_id,
        {
            "email": None,
            "external_id": None,
            "first_name": None,
            "last_name": None,
            "display_name": None,
            "title": None,
            "phone": None,
            "profile": None,
            "hardware": None,
            "metadata": None,
            "source": None,
            "status": "erased",
            "erased_at": now,
            "profile_updated_at": now,
        },
    )
    # Leads and purchases copy contact details; scrub them too.
    for table, columns in ((leads, ("email", "phone")), (purchases, _PURCHASE_CONTACT)):
        conn.execute(
            table.update()
            .where(table.c.workspace_id == actor.workspace_id, table.c.customer_id == customer_id)
            .values({c: None for c in columns} | {"updated_at": now})
        )
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="customer.erase",
        resource="customers",
        resource_id=customer_id,
    )
    return True


_PURCHASE_CONTACT = ("email", "first_name", "last_name")


def patch_profile(conn: Connection, actor: Actor, customer_id: int, patch: ProfilePatch) -> None:
    row = load(conn, actor, customers, customer_id, what="customer")
    _refuse_erased(row)
    defined = definitions(conn, actor)
    updates = typed_values(patch.update, defined, field="update")
    for index, name in enumerate(patch.unset):
        if name not in defined and name not in (row.profile or {}):
            raise InvalidParameter.for_field(
                f"unset.{index}", "defined", f"unset: no such profile field {name!r}"
            )
        if name in updates:
            raise InvalidParameter.for_field(
                f"unset.{index}", "conflict", f"unset: {name!r} is also in update"
            )
    profile = dict(row.profile or {})
    profile.update(updates)
    for name in patch.unset:
        profile.pop(name, None)
    update(
        conn,
        actor,
        customers,
        customer_id,
        {"profile": profile or None, "profile_updated_at": utcnow()},
    )


def _refuse_erased(row: Any) -> None:
    if row.status == "erased":
        raise Conflict.for_field("id", "erased", f"customer {row.id} was erased")
