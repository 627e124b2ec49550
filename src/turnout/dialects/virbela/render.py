"""The Virbela envelope and value formats, shared by every endpoint.

Success: `{"responseCode": "success", "title", "detail", "data", "requestId"}`
(`data` only where the seed shows it). Every answer, errors included, carries a
`requestId` (24 hex digits, like Virbela's) in the body where the seed's API has
an envelope and always in the `X-Request-Id` header. Timestamps are written as
JavaScript's `toISOString()` does (`2023-07-21T17:47:36.593Z`); attendance
times with the seed's `+00:00`.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson
from fastapi import Request

from turnout.api.responses import JSONResponse

REQUEST_ID_HEADER = "X-Request-Id"
_NOTHING: Any = object()


def request_id(request: Request) -> str:
    """This request's id: seconds since the epoch then random digits, in hex."""
    found = getattr(request.state, "virbela_request_id", None)
    if isinstance(found, str):
        return found
    made = f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"
    request.state.virbela_request_id = made
    return made


def answer(
    request: Request, body: dict[str, Any], *, status: int = 200, in_body: bool = True
) -> JSONResponse:
    """`body` with the request id appended (and always in the header)."""
    rid = request_id(request)
    if in_body:
        body = {**body, "requestId": rid}
    return JSONResponse(body, status_code=status, headers={REQUEST_ID_HEADER: rid})


def success(request: Request, title: str, detail: str, data: Any = _NOTHING) -> JSONResponse:
    body: dict[str, Any] = {"responseCode": "success", "title": title, "detail": detail}
    if data is not _NOTHING:
        body["data"] = data
    return answer(request, body)


def timestamp(value: Any) -> str | None:
    """Canonical UTC text (`...HH:MM:SS.ffffffZ`) cut to milliseconds."""
    if value is None:
        return None
    text = str(value)
    return text[:23] + "Z" if len(text) == 27 and text.endswith("Z") else text


def offset_time(value: Any) -> str | None:
    """`2023-01-19T11:55:56.140+00:00`, as the attendance APIs write times."""
    text = timestamp(value)
    return None if text is None else text.removesuffix("Z") + "+00:00"


def json_value(value: Any) -> Any:
    """A JSON column as the engine returns it (text), loaded."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value


def json_object(value: Any) -> dict[str, Any]:
    loaded = json_value(value)
    return loaded if isinstance(loaded, dict) else {}


def quoted(text: str) -> str:
    """A value inside a detail sentence, as Virbela quotes it."""
    return f'"{text}"'
