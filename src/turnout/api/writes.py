"""The v1 write API: JSON bodies in, the written record (as GET shows it) out.

Each route is one row of `WRITE_ROUTES`: method, path, permission, the input
model and a small function calling one core command. The shared view reads the
body, validates it, runs the command inside one transaction under the request's
Idempotency-Key, and renders the record through the registry like a GET would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy.engine import Connection
from starlette.responses import Response

from turnout.api import idempotency
from turnout.api.idempotency import Answer
from turnout.api.resources import fetch_item
from turnout.auth.keys import Principal
from turnout.auth.scopes import require
from turnout.core.commands import Actor, commerce, customers, marketing, places, profiles, sessions
from turnout.core.commands import models as m
from turnout.core.commands.validation import validate
from turnout.core.errors import InvalidParameter
from turnout.core.query import Query
from turnout.core.resources import REGISTRY
from turnout.core.values import parse_bool
from turnout.core.windows import parse_zone
from turnout.formats.json import DUMPS_OPTIONS, json_default

MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Call:
    """What a command function gets: the connection, who writes, and the request."""

    conn: Connection
    actor: Actor
    body: Any
    object_id: int | None
    query: dict[str, str]


@dataclass(frozen=True, slots=True)
class Result:
    """A command's outcome: which record to show (None: no body) and how."""

    resource: str | None
    object_id: int | None
    status: int = 200
    meta: dict[str, Any] | None = None


Command = Callable[[Call], Result]


@dataclass(frozen=True, slots=True)
class WriteRoute:
    method: str
    path: str
    permission: str
    command: Command
    summary: str
    model: type[BaseModel] | None = None

    @property
    def operation_id(self) -> str:
        return self.command.__name__


async def raw_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidParameter.for_field(
            "body", "max_size", f"the body is limited to {MAX_BODY_BYTES} bytes"
        )
    return body


def parse_json(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidParameter.for_field("body", "json", f"the body is not JSON: {error}") from None


def render(conn: Connection, principal: Principal, result: Result) -> Answer:
    if result.resource is None or result.object_id is None:
        return Answer(204 if result.meta is None else result.status, _dumps(result.meta))
    resource = REGISTRY.get(result.resource)
    query = Query(
        resource=resource,
        workspace_id=principal.workspace_id,
        tz=parse_zone(None, default=principal.workspace_timezone),
        fields=None,
    )
    payload: dict[str, Any] = {"data": fetch_item(conn, query, result.object_id)}
    if result.meta:
        payload["meta"] = result.meta
    return Answer(result.status, _dumps(payload))


def _dumps(payload: Any) -> bytes:
    if payload is None:
        return b""
    return orjson.dumps(payload, default=json_default, option=DUMPS_OPTIONS)


def make_write_view(route: WriteRoute) -> Callable[..., Response]:
    def handle(
        request: Request, principal: Principal, body: bytes, object_id: int | None
    ) -> Response:
        actor = principal.as_actor()
        data = parse_json(body) if route.model is not None else None
        query = dict(request.query_params)

        def perform(conn: Connection) -> Answer:
            result = route.command(Call(conn, actor, data, object_id, query))
            return render(conn, principal, result)

        answer = idempotency.run(
            request.app.state.engine,
            principal,
            request.headers.get(idempotency.HEADER),
            idempotency.request_hash(request.method, request.url.path, request.url.query, body),
            perform,
            method=request.method,
            path=request.url.path,
        )
        headers = {idempotency.REPLAY_HEADER: "true"} if answer.replayed else None
        if answer.status == 204:
            return Response(status_code=204, headers=headers)
        return Response(
            answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers
        )

    view: Callable[..., Response]
    if "{id}" in route.path:

        def write_one(
            request: Request,
            principal: Principal = require(route.permission),
            object_id: int = Path(alias="id", ge=1, le=2**63 - 1),
            body: bytes = Depends(raw_body),
        ) -> Response:
            return handle(request, principal, body, object_id)

        view = write_one
    else:

        def write_new(
            request: Request,
            principal: Principal = require(route.permission),
            body: bytes = Depends(raw_body),
        ) -> Response:
            return handle(request, principal, body, None)

        view = write_new
    view.__name__ = route.operation_id
    return view


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody for a model (flat models only: no $defs to place)."""
    schema = model.model_json_schema()
    assert "$defs" not in schema, model
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# ---------------------------------------------------------------- commands


def _id(call: Call) -> int:
    assert call.object_id is not None
    return call.object_id


def create_venue(call: Call) -> Result:
    new_id = places.create_venue(call.conn, call.actor, validate(m.VenueCreate, call.body))
    return Result("venues", new_id, 201)


def update_venue(call: Call) -> Result:
    places.update_venue(call.conn, call.actor, _id(call), validate(m.VenueUpdate, call.body))
    return Result("venues", _id(call))


def delete_venue(call: Call) -> Result:
    places.delete_venue(call.conn, call.actor, _id(call))
    return Result(None, None)


def create_customer(call: Call) -> Result:
    overwrite_text = call.query.get("overwrite")
    overwrite = parse_bool(overwrite_text, "overwrite") if overwrite_text is not None else False
    data = validate(m.CustomerCreate, call.body)
    written = customers.create_customer(call.conn, call.actor, data, overwrite=overwrite)
    status = 201 if written.outcome == "created" else 200
    return Result("customers", written.id, status, {"outcome": written.outcome})


def update_customer(call: Call) -> Result:
    data = validate(m.CustomerUpdate, call.body)
    customers.update_customer(call.conn, call.actor, _id(call), data)
    return Result("customers", _id(call))


def suspend_customer(call: Call) -> Result:
    customers.set_status(call.conn, call.actor, _id(call), "suspended")
    return Result("customers", _id(call))


def reactivate_customer(call: Call) -> Result:
    customers.set_status(call.conn, call.actor, _id(call), "active")
    return Result("customers", _id(call))


def erase_customer(call: Call) -> Result:
    erased = customers.erase_customer(call.conn, call.actor, _id(call))
    return Result(None, None, 200, {"id": _id(call), "erased": True, "already_erased": not erased})


def patch_profile(call: Call) -> Result:
    patch = validate(m.ProfilePatch, call.body)
    customers.patch_profile(call.conn, call.actor, _id(call), patch)
    return Result("customers", _id(call))


def create_profile_field(call: Call) -> Result:
    data = validate(m.ProfileFieldCreate, call.body)
    return Result("profile-fields", profiles.create_field(call.conn, call.actor, data), 201)


def delete_profile_field(call: Call) -> Result:
    profiles.delete_field(call.conn, call.actor, _id(call))
    return Result(None, None)


def create_session(call: Call) -> Result:
    written = sessions.create_session(call.conn, call.actor, validate(m.SessionCreate, call.body))
    status = 201 if written.created else 200
    return Result("sessions", written.id, status, {"created": written.created})


def update_session(call: Call) -> Result:
    data = validate(m.SessionUpdate, call.body)
    sessions.update_session(call.conn, call.actor, _id(call), data)
    return Result("sessions", _id(call))


def cancel_session(call: Call) -> Result:
    sessions.cancel_session(call.conn, call.actor, _id(call))
    return Result("sessions", _id(call))


def record_sale(call: Call) -> Result:
    new_id = commerce.record_sale(call.conn, call.actor, validate(m.SaleCreate, call.body))
    return Result("sales", new_id, 201)


def create_voucher(call: Call) -> Result:
    new_id = commerce.create_voucher(call.conn, call.actor, validate(m.VoucherCreate, call.body))
    return Result("vouchers", new_id, 201)


def delete_voucher(call: Call) -> Result:
    commerce.delete_voucher(call.conn, call.actor, _id(call))
    return Result(None, None)


def create_campaign(call: Call) -> Result:
    data = validate(m.CampaignCreate, call.body)
    return Result("campaigns", marketing.create_campaign(call.conn, call.actor, data), 201)


def create_supplier(call: Call) -> Result:
    data = validate(m.SupplierCreate, call.body)
    return Result("suppliers", marketing.create_supplier(call.conn, call.actor, data), 201)


def create_lead(call: Call) -> Result:
    data = validate(m.LeadCreate, call.body)
    return Result("leads", marketing.create_lead(call.conn, call.actor, data), 201)


def append_event(call: Call) -> Result:
    data = validate(m.EventCreate, call.body)
    return Result("events", marketing.append_event(call.conn, call.actor, data), 201)


W = WriteRoute
WRITE_ROUTES: tuple[WriteRoute, ...] = (
    W("POST", "/v1/venues", "sessions:write", create_venue, "Create a venue", m.VenueCreate),
    W("PATCH", "/v1/venues/{id}", "sessions:write", update_venue, "Update a venue", m.VenueUpdate),
    W("DELETE", "/v1/venues/{id}", "sessions:write", delete_venue, "Delete a venue"),
    W(
        "POST",
        "/v1/customers",
        "customers:write",
        create_customer,
        "Create a customer (or update one by email with overwrite=true)",
        m.CustomerCreate,
    ),
    W(
        "PATCH",
        "/v1/customers/{id}",
        "customers:write",
        update_customer,
        "Update a customer",
        m.CustomerUpdate,
    ),
    W(
        "POST",
        "/v1/customers/{id}/suspend",
        "customers:write",
        suspend_customer,
        "Suspend a customer",
    ),
    W(
        "POST",
        "/v1/customers/{id}/reactivate",
        "customers:write",
        reactivate_customer,
        "Reactivate a suspended customer",
    ),
    W(
        "DELETE",
        "/v1/customers/{id}",
        "customers:write",
        erase_customer,
        "Erase a customer's personal data, irreversibly",
    ),
    W(
        "PATCH",
        "/v1/customers/{id}/profile",
        "customers:write",
        patch_profile,
        "Update or unset a customer's profile fields",
        m.ProfilePatch,
    ),
    W(
        "POST",
        "/v1/profile-fields",
        "customers:write",
        create_profile_field,
        "Define a profile field",
        m.ProfileFieldCreate,
    ),
    W(
        "DELETE",
        "/v1/profile-fields/{id}",
        "customers:write",
        delete_profile_field,
        "Delete a profile field definition",
    ),
    W(
        "POST",
        "/v1/sessions",
        "sessions:write",
        create_session,
        "Create a session (once per external_uuid)",
        m.SessionCreate,
    ),
    W(
        "PATCH",
        "/v1/sessions/{id}",
        "sessions:write",
        update_session,
        "Update a session",
        m.SessionUpdate,
    ),
    W("POST", "/v1/sessions/{id}/cancel", "sessions:write", cancel_session, "Cancel a session"),
    W("POST", "/v1/sales", "sales:write", record_sale, "Record a sale", m.SaleCreate),
    W(
        "POST",
        "/v1/vouchers",
        "vouchers:write",
        create_voucher,
        "Create a voucher",
        m.VoucherCreate,
    ),
    W("DELETE", "/v1/vouchers/{id}", "vouchers:write", delete_voucher, "Delete a voucher"),
    W(
        "POST",
        "/v1/campaigns",
        "leads:write",
        create_campaign,
        "Create a campaign",
        m.CampaignCreate,
    ),
    W(
        "POST",
        "/v1/suppliers",
        "leads:write",
        create_supplier,
        "Create a supplier",
        m.SupplierCreate,
    ),
    W("POST", "/v1/leads", "leads:write", create_lead, "Record a lead", m.LeadCreate),
    W("POST", "/v1/events", "events:write", append_event, "Append an event", m.EventCreate),
)
