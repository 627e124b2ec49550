"""Sales and vouchers."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.engine import Connection

from turnout.core import audit
from turnout.core.clock import utcnow
from turnout.core.commands import Actor
from turnout.core.commands.models import SaleCreate, VoucherCreate, given
from turnout.core.commands.records import (
    insert,
    load,
    require_reference,
    savepoint_insert,
    unique_as_conflict,
)
from turnout.core.errors import Conflict
from turnout.db.schema import customers, sales, sessions, venues, vouchers
from turnout.reports.rollups import mark_write

# Unambiguous when read aloud or typed from a receipt: no 0/O, 1/I/L.
VOUCHER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VOUCHER_LENGTH = 10


def record_sale(conn: Connection, actor: Actor, data: SaleCreate) -> int:
    for field, table in (
        ("session_id", sessions),
        ("customer_id", customers),
        ("venue_id", venues),
    ):
        require_reference(conn, actor, table, getattr(data, field), field=field)
    values: dict[str, Any] = given(data)
    values["quantity"] = data.quantity
    if data.amount is None:
        values["amount"] = data.unit_price * data.quantity
    values.setdefault("sold_at", utcnow())
    mark_write(conn, actor.workspace_id, sales, None, values)
    return insert(conn, actor, sales, values)


def create_voucher(conn: Connection, actor: Actor, data: VoucherCreate) -> int:
    require_reference(conn, actor, venues, data.venue_id, field="venue_id")
    values = given(data)
    if data.code is not None:
        with unique_as_conflict(conn, "code", f"a voucher with code {data.code!r} exists"):
            return insert(conn, actor, vouchers, values)
    for _ in range(10):
        values["code"] = "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))
        new_id = savepoint_insert(conn, actor, vouchers, values)
        if new_id is not None:
            return new_id
    raise Conflict.for_field("code", "unique", "could not generate a free voucher code")


def delete_voucher(conn: Connection, actor: Actor, voucher_id: int) -> None:
    row = load(conn, actor, vouchers, voucher_id, what="voucher")
    conn.execute(
        vouchers.delete().where(
            vouchers.c.workspace_id == actor.workspace_id, vouchers.c.id == voucher_id
        )
    )
    audit.record(
        conn,
        workspace_id=actor.workspace_id,
        actor=actor.name,
        action="voucher.delete",
        resource="vouchers",
        resource_id=voucher_id,
        details={"code": row.code},
    )
