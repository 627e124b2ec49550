"""List and fetch any registered resource: the v1 read API, generated from the registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
from fastapi import Path, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response, StreamingResponse

from turnout.auth.keys import Principal
from turnout.auth.scopes import require
from turnout.core.clock import utcnow
from turnout.core.execute import fetch_one, fetch_page, stream_rows
from turnout.core.params import parse_list_params
from turnout.core.query import Query
from turnout.core.registry import Resource
from turnout.core.values import parse_bool
from turnout.core.windows import parse_zone
from turnout.db.types import format_utc
from turnout.formats import FormatOptions, negotiate
from turnout.formats.json import DUMPS_OPTIONS, json_default, object_batches

SNAPSHOT_HEADER = "X-Snapshot-Time"


def _param(request: Request, name: str) -> str | None:
    return request.query_params.get(name)


def make_list_view(resource: Resource) -> Callable[..., Response]:
    def list_rows(
        request: Request, principal: Principal = require(resource.permission)
    ) -> Response:
        # Taken before the query runs, so an incremental sync that resumes from it
        # can see every change committed while this response was being written.
        now = utcnow()
        params = list(request.query_params.multi_items())
        fmt = negotiate(_param(request, "format"), request.headers.get("accept"))
        options = parse_list_params(
            resource,
            params,
            workspace_id=principal.workspace_id,
            workspace_tz=principal.workspace_timezone,
            now=now,
            default_limit=None if fmt.name != "json" else 100,
        )
        headers = {SNAPSHOT_HEADER: format_utc(now)}
        engine = request.app.state.engine
        if fmt.name == "json":
            with engine.connect() as conn:
                page = fetch_page(conn, options.query, include_total=options.include_total)
            meta: dict[str, Any] = {"next_cursor": page.next_cursor, "has_more": page.has_more}
            if page.total is not None:
                meta["total"] = page.total
            body = b"".join(fmt.stream(page.columns, page.rows, meta=meta))
            return Response(body, media_type=fmt.media_type, headers=headers)
        bom_text = _param(request, "bom")
        format_options = FormatOptions(
            bom=parse_bool(bom_text, "bom") if bom_text is not None else False,
            tz=options.query.tz,
            sheet_name=resource.name,
        )
        columns, rows = stream_rows(engine, options.query)
        filename = f"{resource.name}-{date.today().isoformat()}.{fmt.extension}"
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return StreamingResponse(
            fmt.stream(columns, rows, options=format_options),
            media_type=fmt.media_type,
            headers=headers,
        )

    list_rows.__name__ = f"list_{resource.name.replace('-', '_')}"
    return list_rows


def fetch_item(conn: Connection, query: Query, object_id: int) -> dict[str, Any]:
    """One record as `GET /v1/<resource>/{id}` shows it (NotFound outside the workspace)."""
    columns, row = fetch_one(conn, query, object_id)
    (item,) = next(object_batches(columns, [row]))
    return item


def make_item_view(resource: Resource) -> Callable[..., Response]:
    def get_row(
        request: Request,
        object_id: int = Path(alias="id", ge=1, le=2**63 - 1),
        principal: Principal = require(resource.permission),
    ) -> Response:
        tz = parse_zone(_param(request, "tz"), default=principal.workspace_timezone)
        fields_text = _param(request, "fields")
        fields = None
        if fields_text:
            names = [n.strip() for n in fields_text.split(",") if n.strip()]
            fields = tuple(resource.field(n, param="fields") for n in names)
        query = Query(resource=resource, workspace_id=principal.workspace_id, tz=tz, fields=fields)
        with request.app.state.engine.connect() as conn:
            item = fetch_item(conn, query, object_id)
        body = orjson.dumps({"data": item}, default=json_default, option=DUMPS_OPTIONS)
        return Response(body, media_type="application/json")

    get_row.__name__ = f"get_{resource.name.replace('-', '_')}"
    return get_row
