"""The OASIS error envelope, and the Joi-style problems the dialect raises.

`{"message": ..., "type": "E_...", "errors": [{"error", "rule", "field"}]}` as
the seed shows it: `field` is the quoted label (`"\\"count\\""`), `error` the
sentence that starts with it, and `rule` Joi's name for the broken rule
(`number.max`, `any.only`, `date.format`, ...). Every error under the dialect's
prefix comes out in this shape, whatever raised it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from turnout.api.responses import JSONResponse
from turnout.core.errors import FieldProblem, InvalidParameter, TooManyRequests, TurnoutError

# (type, message) for each status; 400s are all about the query string here.
_TYPES: dict[int, tuple[str, str]] = {
    400: ("E_INVALID_QUERY", "Invalid request query"),
    401: ("E_UNAUTHORIZED", "Unauthorized"),
    403: ("E_FORBIDDEN", "Forbidden"),
    404: ("E_NOT_FOUND", "Not found"),
    405: ("E_METHOD_NOT_ALLOWED", "Method not allowed"),
    409: ("E_CONFLICT", "Conflict"),
    422: ("E_INVALID_BODY", "Invalid request body"),
    429: ("E_TOO_MANY_REQUESTS", "Too many requests"),
    503: ("E_SERVICE_UNAVAILABLE", "Service unavailable"),
}
_INTERNAL = ("E_INTERNAL", "Internal server error")

# Core rule names, for errors the core raises itself, in Joi's words.
_CORE_RULES = {
    "required": "any.required",
    "format": "any.invalid",
    "valid": "any.invalid",
    "revoked": "any.invalid",
    "expired": "any.invalid",
    "requires": "any.invalid",
    "cursor": "any.invalid",
    "exists": "any.invalid",
    "one_of": "any.only",
    "unknown_parameter": "object.unknown",
    "unknown_field": "any.only",
    "integer": "number.base",
    "range": "number.max",
    "max_length": "string.max",
    "date_format": "date.format",
    "bounds": "date.base",
    "boolean": "boolean.base",
}


def quoted(name: str) -> str:
    return f'"{name}"'


def problem(param: str, rule: str, text: str) -> InvalidParameter:
    """A 400 naming `param`; `text` is the rest of Joi's sentence after the label."""
    sentence = f"{quoted(param)} {text}"
    return InvalidParameter(sentence, [FieldProblem(param, rule, sentence)])


def envelope(exc: TurnoutError) -> dict[str, object]:
    kind, message = _TYPES.get(exc.status, _INTERNAL)
    if exc.status >= 500:
        # A bug or an outage: say nothing about its details.
        return {"message": message, "type": kind, "errors": []}
    if exc.status not in (400, 422):
        message = exc.message or message
    errors = [
        {
            "error": p.message,
            "rule": p.rule if "." in p.rule else _CORE_RULES.get(p.rule, f"any.{p.rule}"),
            "field": quoted(p.field),
        }
        for p in exc.problems
    ]
    return {"message": message, "type": kind, "errors": errors}


def render_error(request: Request, exc: TurnoutError) -> Response:
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests) and exc.retry_after:
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(envelope(exc), status_code=exc.status, headers=headers)
