"""Errors under the Splash Networks paths, in one JSON shape, and the key's header.

    {"error": {"status": 400, "type": "invalid_parameter", "message": "...",
               "errors": [{"field": "per_page", "rule": "range", "message": "..."}]}}

The seed shows no error body, so this is Turnout's v1 envelope plus the HTTP
status as a number (for scripts that read the body before the status line).
Bad input, bad keys, unknown routes, wrong methods and unexpected failures all
come out like this, never with a 500 for anything a client sent.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from turnout.api.responses import JSONResponse
from turnout.core.errors import TurnoutError, Unauthenticated

# The paths this dialect owns; errors under each are rendered here.
PREFIXES = ("/api/customers", "/api/customer-visits", "/api/venues", "/api/vouchers")
KEY_HEADER = "X-API-Key"


class UnsupportedMediaType(TurnoutError):
    """A body in a format the voucher form does not take."""

    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(TurnoutError):
    """A body over the size the voucher form allows."""

    status = 413
    code = "too_large"


def x_api_key(request: Request) -> str:
    """The key as the seed sends it: the `X-API-Key` header, and nowhere else."""
    key = request.headers.get(KEY_HEADER)
    if key is None or not key.strip():
        raise Unauthenticated.for_field(
            KEY_HEADER,
            "required",
            f"an API key is required: send it in the {KEY_HEADER} header",
        )
    return key.strip()


def render_error(request: Request, exc: TurnoutError) -> Response:
    body: dict[str, Any] = {
        "error": {
            "status": exc.status,
            "type": exc.code,
            "message": exc.message,
            "errors": [
                {"field": p.field, "rule": p.rule, "message": p.message} for p in exc.problems
            ],
        }
    }
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status == 401:
        headers["WWW-Authenticate"] = KEY_HEADER
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=exc.status, headers=headers)
