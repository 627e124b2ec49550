"""`POST /api/purchase` (Virbela's Product API): buy a private space at a price.

All five fields are required: `purchaseType` (always 0), `email`, `firstName`,
`lastName` and `pricingId` (a Turnout price id). The purchase is recorded through
the core (`create_purchase`, linked to the member with that email if there is
one) and answered in the seed's shape: the purchase with its price nested, the
price's product nested in that, and `payments` (always empty: Turnout takes no
payments). `remoteSystemSubscriptionId` is null (there is no remote billing system).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from turnout.auth.keys import Principal
from turnout.core.commands.purchases import PurchaseCreate, create_purchase
from turnout.core.commands.validation import validate
from turnout.core.errors import InvalidParameter
from turnout.core.query import Query
from turnout.core.registry import Resource
from turnout.core.resources.commerce import PRICES, PRODUCTS, PURCHASES
from turnout.db.engine import write_transaction
from turnout.dialects.virbela.bodies import json_object
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.errors import bad, renamed
from turnout.dialects.virbela.params import UTC_ZONE
from turnout.dialects.virbela.reading import Row, eq, read_rows
from turnout.dialects.virbela.render import answer, timestamp

FIELDS = {
    "purchaseType": "purchase_type",
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "pricingId": "price_id",
}
_WIRE = {core: wire for wire, core in FIELDS.items()}
_NUMBERS = ("purchaseType", "pricingId")
_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


async def create(request: Request) -> Any:
    body = await json_object(request)
    return await run_in_threadpool(_create, request, body)


def _checked(body: dict[str, Any]) -> dict[str, Any]:
    unknown = [name for name in body if name not in FIELDS]
    if unknown:
        name = str(unknown[0])[:60]
        raise bad(
            name, "unknown_field", f"unknown field {name!r}; the fields are {', '.join(FIELDS)}"
        )
    values: dict[str, Any] = {}
    for wire, core in FIELDS.items():
        value = body.get(wire)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise bad(wire, "required", f"{wire} is required")
        if wire in _NUMBERS and (isinstance(value, bool) or not isinstance(value, int)):
            raise bad(wire, "type", f"{wire} must be a whole number")
        if wire not in _NUMBERS and not isinstance(value, str):
            raise bad(wire, "type", f"{wire} must be a string")
        values[core] = value
    if values["purchase_type"] != 0:
        raise bad("purchaseType", "one_of", "purchaseType must be 0")
    return values


def _create(request: Request, body: dict[str, Any]) -> Any:
    principal = principal_of(request)
    try:
        data = validate(PurchaseCreate, _checked(body))
    except InvalidParameter as error:
        raise renamed(error, _WIRE) from None
    with write_transaction(request.app.state.engine) as conn:
        try:
            purchase_id = create_purchase(conn, principal.as_actor(), data)
        except InvalidParameter as error:
            raise renamed(error, _WIRE) from None
        purchase = _one(conn, principal, PURCHASES, purchase_id)
        price = _one(conn, principal, PRICES, int(purchase["price_id"]))
        product = _one(conn, principal, PRODUCTS, int(price["product_id"]))
    return answer(request, render_purchase(purchase, price, product), in_body=False)


def _one(conn: Connection, principal: Principal, resource: Resource, row_id: int) -> Row:
    query = Query(
        resource=resource,
        workspace_id=principal.workspace_id,
        tz=UTC_ZONE,
        filters=(eq(resource, "id", row_id),),
        fields=resource.fields,
        limit=1,
    )
    (row,) = read_rows(conn, query)
    return row


def money(amount: Any, currency: Any) -> str:
    """`$0.00`: the currency's symbol (or its code and a space) and two decimals."""
    value = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    code = str(currency or "USD")
    symbol = _SYMBOLS.get(code, f"{code} ")
    return f"-{symbol}{-value}" if value < 0 else f"{symbol}{value}"


def render_purchase(purchase: Row, price: Row, product: Row) -> dict[str, Any]:
    return {
        "id": purchase["id"],
        "purchaseType": purchase["purchase_type"],
        "remoteSystemSubscriptionId": purchase["remote_subscription_id"],
        "status": purchase["status"],
        "details": purchase["details"] or "",
        "createdAt": timestamp(purchase["created_at"]),
        "updatedAt": timestamp(purchase["updated_at"]),
        "price": {
            "id": price["id"],
            "name": price["name"],
            "status": price["status"],
            "amount": money(price["amount"], price["currency"]),
            "createdAt": timestamp(price["created_at"]),
            "updatedAt": timestamp(price["updated_at"]),
            "product": {
                "id": product["id"],
                "name": product["name"],
                "description": product["description"],
                "status": product["status"],
                "type": product["type"],
                "createdAt": timestamp(product["created_at"]),
                "updatedAt": timestamp(product["updated_at"]),
            },
        },
        "payments": [],
    }
