"""Errors under `/data`, in one JSON shape, never carrying the key from the path.

    {"error": {"status": 400, "type": "invalid_parameter", "message": "...",
               "errors": [{"field": "range", "rule": "duration", "message": "..."}]}}

The v1 shape plus the HTTP status as a number, for the scripts and spreadsheet
connectors that read the body before the status line. Bad input, bad keys, unknown
routes, FastAPI's own validation and unexpected failures all come out like this.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from turnout.api.access_log import REDACTED
from turnout.api.responses import JSONResponse
from turnout.core.errors import TurnoutError

PREFIX = "/data"
# The key is the third segment of every /data path: /data/<endpoint>/<KEY>/...
KEY_SEGMENT = 3
USAGE = (
    "use /data/sessions/<API_KEY>/<json|xlsx>/<RANGE>/<SEARCH CRITERIA>, "
    "/data/goods/<API_KEY>/<json|xlsx>/<RANGE>/<SEARCH CRITERIA> or "
    "/data/customers/<API_KEY>/json, /search/<TEXT> or /csv/<COLUMNS>"
)
# Shorter text than this is not scrubbed out of messages: it would garble them.
_MIN_SCRUB = 8


def key_from_path(request: Request) -> str:
    """The API key as SynthesisVR clients send it: a segment of the path."""
    return str(request.path_params.get("key", ""))


def _presented_key(request: Request) -> str:
    key = request.path_params.get("key")
    if key is None:
        parts = request.url.path.split("/")
        key = parts[KEY_SEGMENT] if len(parts) > KEY_SEGMENT else ""
    return str(key)


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, REDACTED) if len(secret) >= _MIN_SCRUB else text


def render_error(request: Request, exc: TurnoutError) -> Response:
    secret = _presented_key(request)
    message = exc.message
    if exc.status == 404 and not exc.problems:
        message = f"no such endpoint; {USAGE}"
    body: dict[str, Any] = {
        "error": {
            "status": exc.status,
            "type": exc.code,
            "message": _scrub(message, secret),
            "errors": [
                {
                    "field": _scrub(p.field, secret),
                    "rule": p.rule,
                    "message": _scrub(p.message, secret),
                }
                for p in exc.problems
            ],
        }
    }
    headers = dict(getattr(exc, "headers", None) or {})
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=exc.status, headers=headers)
