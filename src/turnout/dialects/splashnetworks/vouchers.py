"""`POST /api/vouchers` and `DELETE /api/vouchers/{voucher_id}`, through the core's commands.

Create takes the seed's form fields (`application/x-www-form-urlencoded`; a
multipart form or a JSON object is accepted too, any other body is a 415),
checks every one before anything is written, and answers 201 with the voucher
as the list shows it. Delete answers 200 with the voucher as it was. Both name
the team with `slug` like every other call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.commands import commerce
from turnout.core.commands.models import VoucherCreate
from turnout.core.commands.validation import renamed, validate
from turnout.core.errors import InvalidParameter, NotFound
from turnout.core.execute import fetch_one
from turnout.core.values import MAX_VALUE_LENGTH
from turnout.db.engine import write_transaction
from turnout.dialects.forms import read_form
from turnout.dialects.splashnetworks import render
from turnout.dialects.splashnetworks.errors import PayloadTooLarge, UnsupportedMediaType
from turnout.dialects.splashnetworks.params import (
    PAGING,
    check_known,
    check_team,
    single,
    whole_number,
)
from turnout.dialects.splashnetworks.views import VENUE_LIST, VOUCHER_LIST, base_query

MAX_BODY_BYTES = 64 * 1024
MAX_ID = 2**63 - 1
MAX_CAP = 2**31 - 1
MAX_DAYS = 36_500
REQUIRED = ("code", "venue_id", "number_of_days")
CAPS = ("upspeed", "downspeed", "volumecap", "max_devices")
FIELDS = ("slug", *REQUIRED, *CAPS)
# The seed's names for the core's voucher fields, and back (errors name the former).
CORE_NAMES = {
    "code": "code",
    "venue_id": "venue_id",
    "number_of_days": "validity_days",
    "upspeed": "upspeed_mbps",
    "downspeed": "downspeed_mbps",
    "volumecap": "volume_cap_gb",
    "max_devices": "max_devices",
}
WIRE_NAMES = {core: wire for wire, core in CORE_NAMES.items()}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_UNLIMITED = " (0 = unlimited)"


def _voucher_id() -> Any:
    return Path(description="The voucher's id, as the list shows it.")


async def create_voucher(request: Request) -> Response:
    fields = await _fields(request)
    return await run_in_threadpool(_create, request, fields)


def delete_voucher(request: Request, voucher_id: str = _voucher_id()) -> Response:
    principal: Principal = request.state.principal
    params = list(request.query_params.multi_items())
    check_team(single(params, "slug"), principal)
    # The seed lists page and per_page here too; they are accepted and have no effect.
    check_known([key for key, _ in params], PAGING)
    wanted = _id(voucher_id)
    query = base_query(VOUCHER_LIST, principal, now=utcnow())
    with write_transaction(request.app.state.engine) as conn:
        try:
            columns, row = fetch_one(conn, query, wanted)
        except NotFound:
            raise NotFound.for_field(
                "voucher_id", "exists", f"no voucher with id {wanted} in this team"
            ) from None
        commerce.delete_voucher(conn, principal.as_actor(), wanted)
    item = render.voucher(dict(zip([c.name for c in columns], row, strict=True)))
    return JSONResponse({"message": "voucher deleted", "voucher": item})


def _id(text: str) -> int:
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 19:
        raise NotFound.for_field(
            "voucher_id", "exists", f"no voucher with id {text[:40]!r}: ids are whole numbers"
        )
    number = int(stripped)
    if not 1 <= number <= MAX_ID:
        raise NotFound.for_field("voucher_id", "exists", f"no voucher with id {number}")
    return number


def _create(request: Request, fields: dict[str, str]) -> Response:
    principal: Principal = request.state.principal
    data = voucher_create(fields, principal)
    venue_query = base_query(VENUE_LIST, principal, now=utcnow())
    voucher_query = base_query(VOUCHER_LIST, principal, now=venue_query.now)
    with write_transaction(request.app.state.engine) as conn:
        assert data.venue_id is not None
        try:
            fetch_one(conn, venue_query, data.venue_id)
        except NotFound:
            raise InvalidParameter.for_field(
                "venue_id",
                "exists",
                f"venue_id: no hotspot venue with id {data.venue_id} in this team",
            ) from None
        new_id = commerce.create_voucher(conn, principal.as_actor(), data)
        columns, row = fetch_one(conn, voucher_query, new_id)
    item = render.voucher(dict(zip([c.name for c in columns], row, strict=True)))
    return JSONResponse(item, status_code=201)


def voucher_create(fields: Mapping[str, str], principal: Principal) -> VoucherCreate:
    """The form as the core's VoucherCreate, or the first problem with it."""
    check_team(_given(fields, "slug"), principal)
    check_known(list(fields), FIELDS, what="field")
    for name in REQUIRED:
        if _given(fields, name) is None:
            raise InvalidParameter.for_field(name, "required", f"{name} is required")
    data: dict[str, Any] = {
        "code": _given(fields, "code"),
        "venue_id": whole_number("venue_id", _number(fields, "venue_id"), low=1, high=MAX_ID),
        "validity_days": whole_number(
            "number_of_days", _number(fields, "number_of_days"), low=1, high=MAX_DAYS
        ),
    }
    for name in CAPS:
        text = _given(fields, name)
        if text is not None:
            data[CORE_NAMES[name]] = whole_number(name, text, low=0, high=MAX_CAP, hint=_UNLIMITED)
    try:
        return validate(VoucherCreate, data)
    except InvalidParameter as error:
        raise renamed(error, WIRE_NAMES) from None


def _given(fields: Mapping[str, str], name: str) -> str | None:
    value = fields.get(name)
    return value.strip() if value is not None and value.strip() else None


def _number(fields: Mapping[str, str], name: str) -> str:
    value = _given(fields, name)
    assert value is not None
    return value


async def _fields(request: Request) -> dict[str, str]:
    """Query parameters, overridden by the body's fields (a form or a JSON object)."""
    fields = _once(request.query_params.multi_items())
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge.for_field(
            "body", "max_size", f"the body is limited to {MAX_BODY_BYTES} bytes"
        )
    if not body.strip():
        return fields
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in _FORMS:
        form = await read_form(request)
        items = []
        for name, value in form.multi_items():
            if not isinstance(value, str):
                raise InvalidParameter.for_field(name[:60], "type", f"{name[:60]} must be text")
            items.append((name, value))
        fields.update(_once(items))
    elif media_type == "application/json" or media_type.endswith("+json"):
        fields.update(_json_fields(body))
    else:
        shown = media_type[:60] or "none"
        raise UnsupportedMediaType.for_field(
            "Content-Type",
            "one_of",
            f"send the voucher as application/x-www-form-urlencoded (or JSON), not {shown}",
        )
    return fields


def _json_fields(body: bytes) -> dict[str, str]:
    try:
        loaded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidParameter.for_field("body", "format", "the body is not valid JSON") from None
    if not isinstance(loaded, dict):
        raise InvalidParameter.for_field("body", "object", "the body must be a JSON object")
    fields: dict[str, str] = {}
    for name, value in loaded.items():
        label = str(name)[:60]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidParameter.for_field(label, "type", f"{label} must be text or a number")
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidParameter.for_field(
                label, "max_length", f"{label} is limited to {MAX_VALUE_LENGTH} characters"
            )
        fields[str(name)] = text
    return fields


def _once(items: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in items:
        label = name[:60]
        if name in fields:
            raise InvalidParameter.for_field(label, "single", f"{label} may be given only once")
        if len(value) > MAX_VALUE_LENGTH:
            raise InvalidParameter.for_field(
                label, "max_length", f"{label} is limited to {MAX_VALUE_LENGTH} characters"
            )
        fields[name] = value
    return fields
