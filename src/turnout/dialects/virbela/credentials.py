"""Virbela client credentials: `V-Client-Id` and `V-Client-Secret` headers.

The id is the key's public id and the secret its secret; only keys created for
this dialect (`turnout keys create --dialect virbela`) are accepted, and creating
one revokes the workspace's previous pair at once, as Virbela's single credential
set per campus behaves. The world (`clientName`, `v-client-name`) is the key's
workspace slug.
"""

from __future__ import annotations

from fastapi import Request

from turnout.auth.keys import Principal
from turnout.auth.scopes import Scope
from turnout.core.campus import same_world
from turnout.core.errors import InvalidParameter, PermissionDenied, Unauthenticated

DIALECT = "virbela"
ID_HEADER, SECRET_HEADER, NAME_HEADER = "V-Client-Id", "V-Client-Secret", "V-Client-Name"
_MAX_LENGTH = 200


def client_credentials(request: Request) -> tuple[str, str]:
    """(public id, secret) from the two headers (header names are case-insensitive)."""
    client_id = request.headers.get(ID_HEADER, "").strip()
    secret = request.headers.get(SECRET_HEADER, "").strip()
    for value, name in ((client_id, ID_HEADER), (secret, SECRET_HEADER)):
        if not value:
            raise Unauthenticated.for_field(
                name,
                "required",
                f"the {ID_HEADER} and {SECRET_HEADER} headers are required (missing {name})",
            )
        if len(value) > _MAX_LENGTH:
            raise Unauthenticated.for_field(name, "valid", "the client credentials are not valid")
    return client_id, secret


def virbela_scope(permission: str) -> Scope:
    """The route's permission, checked on the two headers (see `virbela_only`)."""
    return Scope(permission, extract=client_credentials)


def virbela_only(request: Request) -> None:
    """Runs after the scope: the verified key must be a Virbela credential pair."""
    principal = principal_of(request)
    if principal.dialect != DIALECT:
        raise Unauthenticated.for_field(
            ID_HEADER,
            "dialect",
            "these are not Virbela client credentials; create them with "
            "'turnout keys create --workspace SLUG --dialect virbela'",
        )


def check_world(principal: Principal, name: str | None, *, field: str) -> str:
    """The world name given in `field`, if it is the credentials' own; else 400/403."""
    if name is None or not name.strip():
        raise InvalidParameter.for_field(field, "required", f"{field} is required")
    if not same_world(name, principal.workspace_slug):
        raise PermissionDenied.for_field(
            field,
            "world",
            f'{field} "{name.strip()[:100]}" is not the world of these client credentials',
        )
    return principal.workspace_slug


def principal_of(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal
