"""Errors in Virbela's envelope, for every path the dialect owns.

    {"responseCode": "error", "title": "Bad request", "detail": "...",
     "errors": [{"field": "permission", "rule": "one_of", "message": "..."}],
     "requestId": "..."}

`detail` is a sentence naming the field; `errors` lists every problem (Turnout's
addition, so a script can tell fields apart without parsing sentences). Bad
input, bad credentials, unknown routes, wrong methods and unexpected failures all
come out like this; a failure never says more than "Internal server error".
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from turnout.core.errors import FieldProblem, InvalidParameter, TooManyRequests, TurnoutError
from turnout.dialects.virbela.render import answer

# Every top-level path the dialect answers under (no common prefix to share).
PREFIXES = ("/User", "/MemberProfile", "/Rooms", "/Activity", "/api/purchase")

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    429: "Too many requests",
    503: "Service unavailable",
}
_INTERNAL = "Internal server error"


def render_error(request: Request, exc: TurnoutError) -> Response:
    status = exc.status
    title = _TITLES.get(status, _INTERNAL)
    detail = exc.message
    problems = [{"field": p.field, "rule": p.rule, "message": p.message} for p in exc.problems]
    if status >= 500:
        detail, problems = _INTERNAL, []
    elif status == 404 and not exc.problems:
        detail = f"No such endpoint: {request.method} {request.url.path[:200]}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path[:200]}"
    body = {
        "responseCode": "error",
        "title": title,
        "detail": detail,
        "errors": problems,
    }
    response = answer(request, body, status=status)
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[name] = value
    if isinstance(exc, TooManyRequests) and exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def renamed(error: TurnoutError, names: dict[str, str]) -> TurnoutError:
    """`error` with the core's field names replaced by Virbela's (`first_name` -> `firstName`)."""
    problems = []
    for p in error.problems:
        head, dot, rest = p.field.partition(".")
        wire = names.get(head, head) + dot + rest
        message = p.message.replace(p.field, wire, 1) if p.field != wire else p.message
        problems.append(FieldProblem(wire, p.rule, message))
    out = type(error)("; ".join(p.message for p in problems) or error.message, problems)
    return out


def bad(field: str, rule: str, message: str) -> InvalidParameter:
    return InvalidParameter.for_field(field, rule, message)
