"""`POST /v1/<resource>:import`: the request body is the file.

The body (NDJSON, CSV with a header row, or a JSON array, told apart by its
Content-Type) is spooled to a temporary file while it arrives, then imported as
one batch in one transaction under the request's Idempotency-Key: 200 with the
counts, or 400 with every rejected row in the error envelope's `errors` (each
field named with its line, `line 12: email`) and nothing written.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from typing import IO, Any

import orjson
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from turnout.api import idempotency
from turnout.api.idempotency import Answer
from turnout.auth.keys import Principal
from turnout.auth.scopes import require
from turnout.core.errors import InvalidParameter
from turnout.ingest.importables import Importable
from turnout.ingest.importer import Importer, read_records
from turnout.ingest.readers import MEDIA_TYPES

MAX_IMPORT_BYTES = 100 * 1024 * 1024
# Bodies up to this size stay in memory; larger ones go to a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024


class UnsupportedMediaType(InvalidParameter):
    status = 415
    code = "unsupported_media_type"


class TooLarge(InvalidParameter):
    status = 413
    code = "too_large"


def make_import_view(spec: Importable) -> Callable[..., Awaitable[Response]]:
    async def import_rows(
        request: Request, principal: Principal = require(spec.permission)
    ) -> Response:
        fmt = _format(request)
        body, digest = await _spool(request)
        try:
            answer = await run_in_threadpool(_import, request, principal, spec, body, fmt, digest)
        finally:
            body.close()
        headers = {idempotency.REPLAY_HEADER: "true"} if answer.replayed else None
        return Response(
            answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers
        )

    import_rows.__name__ = f"import_{spec.name}"
    return import_rows


def _format(request: Request) -> str:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = MEDIA_TYPES.get(given)
    if fmt is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise UnsupportedMediaType.for_field(
            "Content-Type",
            "one_of",
            f"Content-Type must be one of {known}, not {given or 'missing'!r}",
        )
    return fmt


async def _spool(request: Request) -> tuple[IO[bytes], str]:
    """The body in a temporary file (rewound), and its SHA-256 for idempotency."""
    body: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_IMPORT_BYTES:
                raise TooLarge.for_field(
                    "body",
                    "max_size",
                    f"an import body is limited to {MAX_IMPORT_BYTES // (1024 * 1024)} MB: "
                    "split the file, or use `turnout import` on the server",
                )
            digest.update(chunk)
            body.write(chunk)
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return body, digest.hexdigest()


def _import(
    request: Request,
    principal: Principal,
    spec: Importable,
    body: IO[bytes],
    fmt: str,
    digest: str,
) -> Answer:
    def perform(conn: Any) -> Answer:
        importer = Importer(spec, principal.as_actor())
        try:
            written = importer.write_batch(conn, read_records(spec, body, fmt))
        except InvalidParameter as error:
            # The file stopped making sense: report the rows rejected before it too.
            problems = importer.report.problems() + error.problems
            raise InvalidParameter(error.message + "; nothing was written", problems) from None
        report = importer.report
        if not written:
            raise InvalidParameter(
                f"{report.rejected} of {report.rows} rows rejected; nothing was written",
                report.problems(),
            )
        data = {
            "resource": spec.name,
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
        }
        return Answer(200, orjson.dumps({"data": data}))

    return idempotency.run(
        request.app.state.engine,
        principal,
        request.headers.get(idempotency.HEADER),
        idempotency.request_hash(
            request.method, request.url.path, request.url.query, digest.encode()
        ),
        perform,
        method=request.method,
        path=request.url.path,
    )


def request_body(spec: Importable) -> dict[str, Any]:
    """The OpenAPI requestBody: a JSON array of the create model, or NDJSON / CSV text."""
    schema = spec.model.model_json_schema()
    text = {"schema": {"type": "string"}}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": schema}},
            "application/x-ndjson": text,
            "text/csv": text,
        },
    }


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Imported: `data` has `rows`, `inserted` and `updated`.",
    },
    400: {"description": "Rows rejected (each as `line N: field` in `errors`); nothing written."},
    413: {"description": "The body is larger than the import limit."},
    415: {"description": "The Content-Type is not NDJSON, CSV or JSON."},
}
