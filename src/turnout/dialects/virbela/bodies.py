"""Request bodies: one JSON object, read the way Virbela's examples are written.

The seed's own invitation example leaves out a comma between two members
(`"sendInvitationEmail": "all"` then a new line with `"overwriteData": true`).
A client that copies it must still work, so when a body does not parse, a comma
is put back wherever a line ends a value and the next line starts a new
`"key":`, and the body is read again; anything else that is not JSON is a 400.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import Request

from turnout.core.errors import InvalidParameter

MAX_BODY_BYTES = 64 * 1024
_MISSING_COMMA = re.compile(r'("|\d|true|false|null|\}|\])([ \t]*\r?\n\s*)(?="[^"\n]*"\s*:)')


async def json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidParameter.for_field(
            "body", "max_size", f"the body is limited to {MAX_BODY_BYTES} bytes"
        )
    if not body.strip():
        raise InvalidParameter.for_field("body", "required", "the body must be a JSON object")
    loaded = _parse(body)
    if not isinstance(loaded, dict):
        raise InvalidParameter.for_field("body", "object", "the body must be a JSON object")
    return loaded


def _parse(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        text = body.decode("utf-8")
        return orjson.loads(_MISSING_COMMA.sub(r"\1,\2", text))
    except (UnicodeDecodeError, orjson.JSONDecodeError):
        raise InvalidParameter.for_field("body", "format", "the body is not valid JSON") from None
