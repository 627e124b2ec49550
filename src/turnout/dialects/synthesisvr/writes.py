"""`POST /data/sessions/{KEY}/update/{UUID}` and `/delete/{UUID}`, through the core's commands.

Update takes `date` (YYYY-MM-DD) and `time` (HH:MM), both mandatory and read as
wall time in the workspace's zone, and optionally `duration` (minutes), `people`
and `experience`; as form fields, a JSON object or query parameters (the body wins).
Delete cancels the session (it stays, marked cancelled, for history and reports).
Both answer `{"success": true, "session": {...}}` with the session as reads show it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Path, Request
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal
from turnout.core.commands import sessions as commands
from turnout.core.commands.models import SessionUpdate
from turnout.core.commands.validation import renamed, validate
from turnout.core.errors import InvalidParameter
from turnout.core.execute import fetch_one
from turnout.core.query import Query
from turnout.core.resources.sessions import SESSIONS
from turnout.core.windows import parse_instant, parse_zone
from turnout.dialects.forms import read_form
from turnout.dialects.synthesisvr.columns import layout, session_columns

MAX_BODY_BYTES = 64 * 1024
FIELDS = ("date", "time", "duration", "people", "experience")
# SynthesisVR's names for the core's fields, both ways (errors name the former).
_CORE_NAMES = {"duration": "duration_minutes", "people": "people", "experience": "experience"}
_WIRE_NAMES = {"duration_minutes": "duration", "start_at": "date"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _uuid() -> Any:
    return Path(description="The session's id (uuid), as reads show it.")


def _key() -> Any:
    return Path(description="The API key (Turnout keys look like tk_<id>_<secret>).")


async def update_session(request: Request, key: str = _key(), uuid: str = _uuid()) -> Response:
    fields = await _fields(request)
    return await run_in_threadpool(_update, request, uuid, fields)


async def delete_session(request: Request, key: str = _key(), uuid: str = _uuid()) -> Response:
    return await run_in_threadpool(_delete, request, uuid)


def _update(request: Request, uuid: str, fields: dict[str, str]) -> Response:
    principal: Principal = request.state.principal
    data = _session_update(fields, principal)
    actor = principal.as_actor()
    with request.app.state.engine.begin() as conn:
        session_id = commands.session_id_for_uuid(conn, actor, uuid.strip())
        commands.update_session(conn, actor, session_id, data)
        return _answer(conn, principal, session_id)


def _delete(request: Request, uuid: str) -> Response:
    principal: Principal = request.state.principal
    actor = principal.as_actor()
    with request.app.state.engine.begin() as conn:
        session_id = commands.session_id_for_uuid(conn, actor, uuid.strip())
        commands.cancel_session(conn, actor, session_id)
        return _answer(conn, principal, session_id)


def _answer(conn: Connection, principal: Principal, session_id: int) -> Response:
    tz = parse_zone(principal.workspace_timezone)
    out = layout(SESSIONS, session_columns(tz, phone=False, comments=False))
    query = Query(resource=SESSIONS, workspace_id=principal.workspace_id, tz=tz, fields=out.fields)
    _, row = fetch_one(conn, query, session_id)
    (shaped,) = out.rows([row], xlsx=False)
    session = dict(zip(out.names(), shaped, strict=True))
    return JSONResponse({"success": True, "session": session})


def _session_update(fields: Mapping[str, str], principal: Principal) -> SessionUpdate:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise InvalidParameter.for_field(
            unknown[0][:40], "unknown_field", f"unknown field {shown}; use {', '.join(FIELDS)}"
        )
    for name in ("date", "time"):
        if not fields.get(name, "").strip():
            raise InvalidParameter.for_field(name, "required", f"{name} is required")
    day, clock = fields["date"].strip(), fields["time"].strip()
    if not _DATE.fullmatch(day):
        raise InvalidParameter.for_field("date", "date_format", "date must be YYYY-MM-DD")
    match = _TIME.fullmatch(clock)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise InvalidParameter.for_field("time", "time_format", "time must be HH:MM (24 hours)")
    tz = parse_zone(principal.workspace_timezone)
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    start, _ = parse_instant(f"{day}T{hours:02d}:{minutes:02d}:{seconds:02d}", field="date", tz=tz)
    data: dict[str, Any] = {"start_at": start}
    for wire, core in _CORE_NAMES.items():
        value = fields.get(wire, "").strip()
        if value:  # an empty optional field is one not given
            data[core] = value
    try:
        return validate(SessionUpdate, data)
    except InvalidParameter as error:
        raise renamed(error, _WIRE_NAMES) from None


async def _fields(request: Request) -> dict[str, str]:
    """Query parameters, overridden by the body's fields (form or JSON object)."""
    fields = _single(request.query_params.multi_items())
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidParameter.for_field(
            "body", "max_size", f"the body is limited to {MAX_BODY_BYTES} bytes"
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body.strip():
        return fields
    if media_type in _FORMS:
        form = await read_form(request)
        items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        fields.update(_single(items))
        return fields
    try:
        loaded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidParameter.for_field(
            "body", "format", "send the fields as a form or as a JSON object"
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidParameter.for_field("body", "object", "the body must be a JSON object")
    for name, value in loaded.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidParameter.for_field(
                str(name)[:40], "type", f"{str(name)[:40]} must be text or a number"
            )
        fields[str(name)] = str(value)
    return fields


def _single(items: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in items:
        if name in fields:
            raise InvalidParameter.for_field(name[:40], "single", f"{name[:40]} is given twice")
        fields[name] = value
    return fields
