"""The v1 error envelope, and the handlers that produce it.

`{"error": {"type": ..., "message": ..., "errors": [{"field", "rule", "message"}]}}`
Every TurnoutError, FastAPI's own parameter validation, unknown routes and any bug
(as a bare 500 that reveals nothing) come out in this one shape.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from turnout.api.responses import JSONResponse
from turnout.core.errors import FieldProblem, TooManyRequests, TurnoutError

log = logging.getLogger("turnout.api")

_HTTP_TYPES = {
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


def envelope(kind: str, message: str, problems: Sequence[FieldProblem] = ()) -> dict[str, Any]:
    return {
        "error": {
            "type": kind,
            "message": message,
            "errors": [{"field": p.field, "rule": p.rule, "message": p.message} for p in problems],
        }
    }


def error_response(exc: TurnoutError) -> JSONResponse:
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests) and exc.retry_after:
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(
        envelope(exc.code, exc.message, exc.problems), status_code=exc.status, headers=headers
    )


def _validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path", "header")]
        name = ".".join(loc) or "request"
        problems.append(
            FieldProblem(name, str(err.get("type", "invalid")), f"{name}: {err.get('msg')}")
        )
    return problems


async def _turnout_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TurnoutError)
    return error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = _validation_problems(exc)
    message = "; ".join(p.message for p in problems) or "invalid request"
    return JSONResponse(envelope("invalid_parameter", message, problems), status_code=400)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_TYPES.get(exc.status_code, "http_error")
    return JSONResponse(
        envelope(kind, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The path may carry a key (dialects put keys in URLs), so log only the route.
    route = request.scope.get("route")
    log.exception("unhandled error in %s", getattr(route, "path", "?"), exc_info=exc)
    return JSONResponse(envelope("internal_error", "internal server error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TurnoutError, _turnout_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
