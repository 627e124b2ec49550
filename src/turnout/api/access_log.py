"""An access log that never writes a key.

Some products put the API key in the URL (SynthesisVR in a path segment, LeadByte
in `?key=`), so uvicorn's own access log is off and this one redacts: any path
segment or query value shaped like a key, and the values of key-named parameters.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turnout.auth.secrets import split_key

log = logging.getLogger("turnout.access")

REDACTED = "[redacted]"
_SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "token", "secret", "password"})


# (path prefix, index in path.split("/")) of segments that carry a key whatever its
# shape, so that a mistyped or foreign key is not logged either (SynthesisVR).
_SECRET_SEGMENTS: set[tuple[str, int]] = set()


def register_secret_segment(prefix: str, index: int) -> None:
    """Redact segment `index` of every path under `prefix` ("/data/", 3); any case."""
    _SECRET_SEGMENTS.add((prefix.lower(), index))


def _looks_secret(text: str) -> bool:
    return split_key(unquote(text)) is not None


def redact_path(path: str) -> str:
    parts = [REDACTED if _looks_secret(part) else part for part in path.split("/")]
    for prefix, index in _SECRET_SEGMENTS:
        if path.lower().startswith(prefix) and index < len(parts):
            parts[index] = REDACTED
    return "/".join(parts)


def redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(k, REDACTED if k.lower() in _SECRET_PARAMS or _looks_secret(v) else v) for k, v in pairs]
    )


class AccessLog:
    def __init__(self, app: ASGIApp, *, path_redactors: tuple[str, ...] = ()) -> None:
        self.app = app
        # Path prefixes whose every segment after the prefix's first is treated as secret.
        self.path_redactors = path_redactors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            path = redact_path(scope.get("path", ""))
            query = redact_query(scope.get("query_string", b"").decode("latin-1"))
            client = scope.get("client") or ("-", 0)
            log.info(
                '%s "%s %s%s" %d %.1fms',
                client[0],
                scope.get("method", "-"),
                path,
                f"?{query}" if query else "",
                status,
                (time.perf_counter() - started) * 1000,
            )
