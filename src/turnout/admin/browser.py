"""The data browser: any registered resource as a table, through the query engine.

The page's URL speaks the native API's parameter language (filters, `q`, windows,
`sort`, `cursor`, `limit`), parsed by the same `parse_list_params` and run by the
same `fetch_page` / `stream_rows`; only the admin session replaces the API key.
Keyset paging goes forward by cursor; "previous" works because each page's URL
carries the cursors of the pages before it (`back`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Path, Request
from starlette.responses import Response, StreamingResponse

from turnout.admin.web import PREFIX, AdminContext, current_admin, redirect, render
from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter, NotFound, TurnoutError
from turnout.core.execute import Page, fetch_page, stream_rows
from turnout.core.operators import OPERATORS
from turnout.core.params import RESERVED, parse_list_params
from turnout.core.registry import Resource
from turnout.core.resources import REGISTRY
from turnout.core.windows import PRESETS
from turnout.db.types import format_utc
from turnout.formats import FORMATS, Column, FormatOptions

PAGE_SIZES = (25, 50, 100, 500)
DEFAULT_PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx", "ndjson")
# How many earlier pages "previous" can walk back through.
MAX_BACK = 40
ADD_PARAMS = ("add_field", "add_op", "add_value")
ADMIN_PARAMS = frozenset({"back", *ADD_PARAMS})
_NOT_EXPORTED = frozenset({"cursor", "limit", "page", "per_page", "offset", "format"})
OP_SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "null": "empty?"}
_MAX_CELL = 120

Params = list[tuple[str, str]]


def resource_named(name: str) -> Resource:
    if name not in REGISTRY:
        raise NotFound.for_field("resource", "exists", f"no resource named {name[:64]!r}")
    return REGISTRY.get(name)


def query_params(request: Request) -> Params:
    """The engine's parameters: admin-only ones dropped, and empty reserved ones
    (an empty form field means "not given", not "empty value")."""
    return [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ADMIN_PARAMS and k != "format" and not (k in RESERVED and v == "")
    ]


def url(path: str, params: Sequence[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(list(params))}" if params else path


def without(params: Params, *names: str) -> Params:
    return [(k, v) for k, v in params if k not in names]


@dataclass(frozen=True)
class Chip:
    """One active filter, shown with a link that removes it."""

    label: str
    remove_url: str


def filter_key(field: str, op: str) -> str:
    return field if op == "eq" else f"{field}[{op}]"


def _chips(path: str, params: Params) -> list[Chip]:
    chips = []
    for index, (key, value) in enumerate(params):
        if key in RESERVED:
            continue
        field, _, rest = key.partition("[")
        op = rest.rstrip("]") or "eq"
        label = f"{field} {OP_SYMBOLS.get(op, op)} {value}"
        kept = [p for i, p in enumerate(params) if i != index and p[0] != "cursor"]
        chips.append(Chip(label, url(path, kept)))
    return chips


def _added_filter(request: Request, params: Params) -> Params:
    field, op, value = (request.query_params.get(name, "").strip() for name in ADD_PARAMS)
    if field and op in OPERATORS and (value or op == "null"):
        params = [*without(params, "cursor"), (filter_key(field, op), value or "true")]
    return params


def format_cell(value: Any, column: Column, tz: ZoneInfo) -> str:
    """A value as the table shows it: local wall time, yes/no, long text cut short."""
    if value is None:
        return ""
    if column.type == "boolean":
        return "yes" if value else "no"
    if column.type == "datetime" and isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


@dataclass(frozen=True)
class SortLink:
    url: str
    arrow: str


def _sort_links(path: str, resource: Resource, params: Params) -> dict[str, SortLink]:
    current = dict(params).get("sort") or ",".join(resource.default_sort)
    first = current.split(",")[0].strip()
    first_name, first_desc = first.lstrip("-+"), first.startswith("-")
    base = without(params, "cursor", "sort")
    links = {}
    for f in resource.fields:
        if not f.sortable:
            continue
        arrow = ""
        next_sort = f.name
        if f.name == first_name:
            arrow = "▼" if first_desc else "▲"
            next_sort = f.name if first_desc else f"-{f.name}"
        links[f.name] = SortLink(url(path, [*base, ("sort", next_sort)]), arrow)
    return links


def browse_index(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    admin.require_workspace()
    return render(request, "browse_index.html", resources=list(REGISTRY))


def browse(
    request: Request,
    name: str = Path(max_length=64),
    admin: AdminContext = Depends(current_admin),
) -> Response:
    resource = resource_named(name)
    workspace = admin.require_workspace()
    path = f"{PREFIX}/browse/{resource.name}"
    params = query_params(request)
    if any(k in request.query_params for k in ADD_PARAMS):
        return redirect(url(path, _added_filter(request, params)))
    back = [v for k, v in request.query_params.multi_items() if k == "back"][-MAX_BACK:]
    page: Page | None = None
    error = ""
    status_code = 200
    tz = workspace.zone
    try:
        options = parse_list_params(
            resource,
            params,
            workspace_id=workspace.id,
            workspace_tz=workspace.timezone,
            now=utcnow(),
            default_limit=DEFAULT_PAGE_SIZE,
        )
        tz = options.query.tz
        with request.app.state.engine.connect() as conn:
            page = fetch_page(conn, options.query)
    except TurnoutError as exc:
        error, status_code = exc.message, exc.status

    cursor = dict(params).get("cursor", "")
    base = without(params, "cursor")
    next_url = prev_url = ""
    if page is not None and page.next_cursor:
        trail = [("back", b) for b in [*back, cursor][-MAX_BACK:]]
        next_url = url(path, [*base, ("cursor", page.next_cursor), *trail])
    if cursor:
        earlier = back[-1] if back else ""
        trail = [("back", b) for b in back[:-1]]
        prev_url = url(path, [*base, *([("cursor", earlier)] if earlier else []), *trail])
    exported = [(k, v) for k, v in params if k not in _NOT_EXPORTED]
    columns = page.columns if page is not None else ()
    rows = [
        [format_cell(v, c, tz) for v, c in zip(row, columns, strict=True)]
        for row in (page.rows if page is not None else [])
    ]
    return render(
        request,
        "browse.html",
        status_code=status_code,
        resource=resource,
        columns=columns,
        rows=rows,
        error=error,
        chips=_chips(path, params),
        hidden=[(k, v) for k, v in base if k not in RESERVED or k in {"sort", "fields", "tz"}],
        values=dict(params),
        presets=PRESETS,
        page_sizes=PAGE_SIZES,
        page_size=dict(params).get("limit", str(DEFAULT_PAGE_SIZE)),
        filterable=[f for f in resource.fields if f.filterable],
        operators=OP_SYMBOLS,
        sort_links=_sort_links(path, resource, params),
        next_url=next_url,
        prev_url=prev_url,
        first_url=url(path, base) if cursor else "",
        page_number=len(back) + 1 if cursor else 1,
        exports={
            fmt: url(f"{path}/export", [*exported, ("format", fmt)]) for fmt in EXPORT_FORMATS
        },
        tz=tz.key,
    )


def export(
    request: Request,
    name: str = Path(max_length=64),
    admin: AdminContext = Depends(current_admin),
) -> Response:
    """The whole filtered result, streamed as CSV, XLSX or NDJSON."""
    resource = resource_named(name)
    workspace = admin.require_workspace()
    fmt_name = request.query_params.get("format", "csv")
    if fmt_name not in EXPORT_FORMATS:
        raise InvalidParameter.for_field(
            "format", "one_of", f"format must be one of {', '.join(EXPORT_FORMATS)}"
        )
    fmt = FORMATS[fmt_name]
    now = utcnow()
    params = [(k, v) for k, v in query_params(request) if k not in _NOT_EXPORTED]
    options = parse_list_params(
        resource,
        params,
        workspace_id=workspace.id,
        workspace_tz=workspace.timezone,
        now=now,
        default_limit=None,
    )
    columns, rows = stream_rows(request.app.state.engine, options.query)
    filename = f"{workspace.slug}-{resource.name}-{date.today().isoformat()}.{fmt.extension}"
    return StreamingResponse(
        fmt.stream(
            columns,
            rows,
            options=FormatOptions(tz=options.query.tz, sheet_name=resource.name),
        ),
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Snapshot-Time": format_utc(now),
            "Cache-Control": "no-store",
        },
    )
