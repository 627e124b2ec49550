"""The v1 error envelope, and the handlers that produce it.

`{"error": {"type": ..., "message": ..., "errors": [{"field", "rule", "message"}]}}`
Every TurnoutError, FastAPI's own parameter validation, unknown routes and any bug
(as a bare 500 that reveals nothing) come out in this one shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from turnout.api.responses import JSONResponse
from turnout.core.errors import (
    FieldProblem,
    Internal,
    InvalidParameter,
    TooManyRequests,
    TurnoutError,
)

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
    headers = dict(getattr(exc, "headers", None) or {})
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


# A dialect answers errors in its own product's shape: it registers a renderer for
# its path prefix, and every handler below goes through `_render`.
ErrorRenderer = Callable[[Request, TurnoutError], Response]


def register_error_renderer(app: FastAPI, prefix: str, renderer: ErrorRenderer) -> None:
    """Errors under `prefix` are rendered by `renderer` (longest prefix wins)."""
    renderers = getattr(app.state, "error_renderers", [])
    renderers.append((prefix, renderer))
    renderers.sort(key=lambda item: len(item[0]), reverse=True)
    app.state.error_renderers = renderers


def _render(request: Request, exc: TurnoutError) -> Response:
    path = request.url.path
    for prefix, renderer in getattr(request.app.state, "error_renderers", ()):
        if path.startswith(prefix):
            return renderer(request, exc)
    return error_response(exc)


class HttpProblem(TurnoutError):
    """An HTTP-level refusal (unknown route, wrong method) as a TurnoutError."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = headers


async def _turnout_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TurnoutError)
    return _render(request, exc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = _validation_problems(exc)
    message = "; ".join(p.message for p in problems) or "invalid request"
    return _render(request, InvalidParameter(message, problems))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_TYPES.get(exc.status_code, "http_error")
    problem = HttpProblem(exc.status_code, kind, str(exc.detail), dict(exc.headers or {}))
    return _render(request, problem)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # The path may carry a key (dialects put keys in URLs), so log only the route.
    route = request.scope.get("route")
    log.exception("unhandled error in %s", getattr(route, "path", "?"), exc_info=exc)
    return _render(request, Internal("internal server error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TurnoutError, _turnout_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
