"""The native API surface, readable in one table.

Each row: path, handler, method, operation id, and the permission dependency.
Handlers live in their own modules; nothing here but the table.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from turnout.api import imports, meta, resources
from turnout.api.openapi_params import list_parameters
from turnout.api.writes import WRITE_ROUTES, make_write_view, request_body
from turnout.auth.scopes import public
from turnout.core.resources import REGISTRY
from turnout.ingest.importables import IMPORTABLES


def build_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        "/healthz",
        meta.health,
        methods=["GET"],
        operation_id="health",
        dependencies=[public()],
        tags=["meta"],
        summary="Is the server up and its database reachable",
    )
    router.add_api_route(
        "/v1/me",
        meta.me,
        methods=["GET"],
        operation_id="me",
        tags=["meta"],
        summary="Who this API key is: workspace, key id, permissions",
    )
    for resource in REGISTRY:
        path = f"/v1/{resource.name}"
        tag = resource.name
        router.add_api_route(
            path,
            resources.make_list_view(resource),
            methods=["GET"],
            operation_id=f"list_{resource.name.replace('-', '_')}",
            tags=[tag],
            summary=f"List {resource.name}",
            description=resource.description,
            openapi_extra={"parameters": list_parameters(resource)},
            responses=EXPORT_RESPONSES,
        )
        router.add_api_route(
            f"{path}/{{id}}",
            resources.make_item_view(resource),
            methods=["GET"],
            operation_id=f"get_{resource.name.replace('-', '_')}",
            tags=[tag],
            summary=f"One of {resource.name} by id",
        )
    for write in WRITE_ROUTES:
        router.add_api_route(
            write.path,
            make_write_view(write),
            methods=[write.method],
            operation_id=write.operation_id,
            tags=[write.path.split("/")[2]],
            summary=write.summary,
            openapi_extra={"requestBody": request_body(write.model)} if write.model else None,
            responses=WRITE_RESPONSES,
        )
    for spec in IMPORTABLES.values():
        router.add_api_route(
            f"/v1/{spec.name}:import",
            imports.make_import_view(spec),
            methods=["POST"],
            operation_id=f"import_{spec.name}",
            tags=[spec.name],
            summary=f"Import {spec.name} from NDJSON, CSV or a JSON array (all or nothing)",
            openapi_extra={"requestBody": imports.request_body(spec)},
            responses=imports.RESPONSES,
        )
    return router


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A JSON page, or the whole result streamed as NDJSON, CSV or XLSX.",
        "content": {
            "application/json": {},
            "application/x-ndjson": {},
            "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        },
    }
}

WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The record as GET shows it, in `data` (and `meta` where noted)."},
    201: {"description": "Created: the new record as GET shows it, in `data`."},
    204: {"description": "Deleted."},
    409: {"description": "A unique rule (email, code, external_uuid) or a reused Idempotency-Key."},
}
