"""The OpenAPI document, corrected where FastAPI's defaults would mislead.

FastAPI documents a 422 `HTTPValidationError` on every operation with parameters
or a body; Turnout answers bad input with a 400 in its own error envelope, so the
document says that instead, together with the 401/403/404 every v1 call can give.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message", "errors"],
            "properties": {
                "type": {"type": "string", "examples": ["invalid_parameter"]},
                "message": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "rule", "message"],
                        "properties": {
                            "field": {"type": "string"},
                            "rule": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_ERRORS = {
    "400": "Bad input: the errors name each field and the rule it broke.",
    "401": "No API key, or one that is unknown, revoked or expired.",
    "403": "The key lacks the permission, or the client address is not allowed.",
    "404": "No such record in the key's workspace.",
}
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    for path, item in doc.get("paths", {}).items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            codes = _ERRORS if path.startswith("/v1/") else {}
            if path.startswith("/v1/") and "{" not in path:
                codes = {k: v for k, v in _ERRORS.items() if k != "404"}
            for code, description in codes.items():
                responses.setdefault(code, {"description": description, "content": _ERROR_REF})
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    schemas["Error"] = ERROR_SCHEMA
    return doc
