"""LeadByte's envelope for failures under `/restapi`, and where the key is read.

    {"status": "Error", "message": "...", "errors": [{"field", "rule", "message"}]}

The seed shows only the success envelope (`"status": "Success"`, `"message": "OK"`)
and the busy message; a failure keeps the same two leading keys with the status
word LeadByte's REST API uses for refusals, `Error`, and the HTTP status that fits
(400, 401, 403, 404, 429, 503). `errors` names the parameter and the rule broken,
for clients that want more than the sentence. Bad input, bad keys, unknown paths,
wrong methods and unexpected failures all come out like this.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from turnout.api.responses import JSONResponse
from turnout.core.errors import TurnoutError, Unauthenticated

PREFIX = "/restapi"
SUCCESS = "Success"
FAILURE = "Error"
KEY_PARAMETER = "key"
# LeadByte's newer REST calls (v1.3) send the key in this header; accepted too.
KEY_HEADERS = ("x_key", "x-key")
# The core's names for the credential, as LeadByte clients know it.
_KEY_FIELDS = {"api_key": KEY_PARAMETER, "authorization": KEY_PARAMETER}
# Shown for paths under the prefix that name no report.
USAGE = "use GET /restapi/v1.2/reports/<type>?key=<REST API key>&from=...&to=... or &datePreset=..."


def query_key(request: Request) -> str:
    """The REST API key: `?key=` as the seed sends it (or an `X_KEY` header)."""
    given = request.query_params.getlist(KEY_PARAMETER)
    if len(given) > 1:
        raise Unauthenticated.for_field(KEY_PARAMETER, "single", "key: give the API key once")
    if given and given[0].strip():
        return given[0].strip()
    for header in KEY_HEADERS:
        value = request.headers.get(header)
        if value and value.strip():
            return value.strip()
    raise Unauthenticated.for_field(
        KEY_PARAMETER,
        "required",
        "key: a REST API key is required; add key=<your API key> to the query string",
    )


def _message(request: Request, exc: TurnoutError) -> str:
    if exc.status >= 500 and exc.status != 503:
        return "Internal server error"
    if exc.status == 404 and not exc.problems:
        return f"No such endpoint: {USAGE}"
    if exc.status == 405:
        return f"Method not allowed: {USAGE}"
    return exc.message


def render_error(request: Request, exc: TurnoutError) -> Response:
    body: dict[str, Any] = {
        "status": FAILURE,
        "message": _message(request, exc),
        "errors": [
            {"field": _KEY_FIELDS.get(p.field, p.field), "rule": p.rule, "message": p.message}
            for p in (exc.problems if exc.status < 500 else ())
        ],
    }
    headers = dict(getattr(exc, "headers", None) or {})
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=exc.status, headers=headers)
