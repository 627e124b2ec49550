"""`/MemberProfile`: members' custom profile fields, listed, read and changed.

A profile shows `email`, `firstname`, `lastname`, then the workspace's profile
fields in the order they were defined (then any value kept from a field since
deleted), then `updatedAt` (when the profile last changed), and `userId` in the
list. Blank values are left out, as the seed says. `PUT` takes `update` (values
of defined fields, checked against their types) and `unset` (names), through
the core's `patch_profile`; a field that is not defined is a 400.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from turnout.auth.keys import Principal
from turnout.core.commands import customers
from turnout.core.commands.models import ProfilePatch
from turnout.core.commands.validation import validate
from turnout.core.query import Query
from turnout.core.resources.people import CUSTOMERS, PROFILE_FIELDS
from turnout.db.engine import write_transaction
from turnout.dialects.virbela import params
from turnout.dialects.virbela.bodies import json_object
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.errors import bad
from turnout.dialects.virbela.reading import Row, object_id, read_rows, total
from turnout.dialects.virbela.render import json_object as loaded_object
from turnout.dialects.virbela.render import success, timestamp
from turnout.dialects.virbela.users import (
    PENDING_OR_ACCEPTED,
    find_member,
    member_by_id,
    member_query,
    user_id_path,
)

# `order` keys that name a built-in field; any other must be a defined profile field.
ORDER_KEYS = {
    "updatedAt": "profile_updated_at",
    "email": "email",
    "firstname": "first_name",
    "lastname": "last_name",
    "displayname": "display_name",
    "userId": "id",
    "createdAt": "created_at",
}


def _definitions(conn: Connection, principal: Principal) -> list[str]:
    query = Query(
        resource=PROFILE_FIELDS,
        workspace_id=principal.workspace_id,
        tz=params.UTC_ZONE,
        fields=(PROFILE_FIELDS.field("name"),),
        sort=(("id", False),),
    )
    return [str(row["name"]) for row in read_rows(conn, query)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def render_profile(row: Row, defined: list[str], *, with_user_id: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in (("email", "email"), ("firstname", "first_name"), ("lastname", "last_name")):
        if not _blank(row[name]):
            out[key] = row[name]
    values = loaded_object(row["profile"])
    for name in [*defined, *(k for k in values if k not in defined)]:
        if name in values and not _blank(values[name]) and name not in out:
            out[name] = values[name]
    updated = timestamp(row["profile_updated_at"])
    if updated is not None:
        out["updatedAt"] = updated
    if with_user_id:
        out["userId"] = object_id(row)
    return out


def _order(text: str | None, defined: list[str]) -> tuple[tuple[str, bool], ...]:
    if text is None or not text.strip():
        return (("id", False),)
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.lstrip("-+").strip()
        if name in ORDER_KEYS:
            keys.append((ORDER_KEYS[name], descending))
        elif name in defined:
            keys.append((f"profile.{name}", descending))
        else:
            shown = ", ".join([*ORDER_KEYS, *defined])
            raise bad(
                "order",
                "one_of",
                f"order: cannot sort by {name[:60]!r}; use one of {shown} (with - for descending)",
            )
    return tuple(keys)


def list_profiles(request: Request) -> Any:
    principal = principal_of(request)
    pairs = list(request.query_params.multi_items())
    limit = params.limit(pairs, default=None)
    offset = params.offset(pairs, "offset", "skip")
    order_text = params.single(pairs, "order")
    with request.app.state.engine.connect() as conn:
        defined = _definitions(conn, principal)
        query = member_query(
            principal, limit=limit, offset=offset, sort=_order(order_text, defined)
        )
        for name, _ in query.sort:
            CUSTOMERS.field(name, param="order")
        rows = read_rows(conn, query)
        count = total(conn, query)
    profiles = [render_profile(row, defined, with_user_id=True) for row in rows]
    return success(
        request,
        "Successfully retrieved member profiles",
        f"Retrieved {len(profiles)} member profiles.",
        {"memberProfiles": profiles, "count": count},
    )


def get_profile(request: Request, user_id: str = user_id_path()) -> Any:
    principal = principal_of(request)
    with request.app.state.engine.connect() as conn:
        defined = _definitions(conn, principal)
        row = find_member(conn, principal, user_id)
    return success(
        request,
        "Successfully retrieved member profile",
        f"Retrieved member profile for user {user_id} in world {principal.workspace_slug}.",
        {"memberProfile": render_profile(row, defined, with_user_id=False)},
    )


async def update_profile(request: Request, user_id: str = user_id_path()) -> Any:
    body = await json_object(request)
    return await run_in_threadpool(_update, request, user_id, body)


def _update(request: Request, user_id: str, body: dict[str, Any]) -> Any:
    principal = principal_of(request)
    patch = validate(ProfilePatch, body)
    with write_transaction(request.app.state.engine) as conn:
        row = find_member(conn, principal, user_id, statuses=PENDING_OR_ACCEPTED)
        customers.patch_profile(conn, principal.as_actor(), int(row["id"]), patch)
        defined = _definitions(conn, principal)
        row = member_by_id(conn, principal, int(row["id"]), statuses=PENDING_OR_ACCEPTED)
    return success(
        request,
        "Successfully updated member profile",
        f"Updated member profile for user {user_id} in world {principal.workspace_slug}.",
        {"updatedMemberProfile": render_profile(row, defined, with_user_id=False)},
    )
