"""`GET /User` and `GET /User/{userId}`: the campus's members, and finding one.

A Virbela user is a Turnout customer with a campus role (member, leader,
moderator, admin, owner); shop customers (role `customer`) are not users.
The lists show members who accepted their invitation (status active or
suspended), never pending invitations nor erased customers. `objectId` is the
customer's external id, or Turnout's id when it has none; `userId` in a path
or body may be either.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Path, Request
from sqlalchemy.engine import Connection

from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.errors import NotFound
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.resources.people import CUSTOMERS
from turnout.core.teams import MAX_TEAM, team_letters
from turnout.dialects.virbela import params
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.reading import Row, eq, find_by_object_id, object_id, read_rows
from turnout.dialects.virbela.render import json_value, quoted, success, timestamp

MEMBER_ROLES = ("member", "leader", "moderator", "admin", "owner")
ACCEPTED = ("active", "suspended")
PENDING_OR_ACCEPTED = ("invited", "active", "suspended")
DEFAULT_LIMIT = 1000
USER_FIELDS = (
    "id",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "title",
    "role",
    "team",
    "status",
    "hardware",
    "profile",
    "profile_updated_at",
)


def member_query(
    principal: Principal,
    *,
    statuses: tuple[str, ...] = ACCEPTED,
    limit: int | None = None,
    offset: int | None = None,
    sort: tuple[tuple[str, bool], ...] = (("id", False),),
) -> Query:
    filters: tuple[FieldFilter, ...] = (
        eq(CUSTOMERS, "role", *MEMBER_ROLES),
        eq(CUSTOMERS, "status", *statuses),
    )
    if "invited" not in statuses:
        # Accepted: a member suspended before accepting still has not.
        accepted = FieldFilter(CUSTOMERS.field("accepted_at"), OPERATORS["null"], (False,))
        filters = (*filters, accepted)
    return Query(
        resource=CUSTOMERS,
        workspace_id=principal.workspace_id,
        tz=params.UTC_ZONE,
        filters=filters,
        fields=tuple(CUSTOMERS.field(name) for name in USER_FIELDS),
        sort=sort,
        limit=limit,
        offset=offset or None,
        now=utcnow(),
    )


def find_member(
    conn: Connection,
    principal: Principal,
    user_id: str,
    *,
    statuses: tuple[str, ...] = ACCEPTED,
    field: str = "userId",
) -> Row:
    """The member `user_id` names, or a 404 saying so."""
    found = find_by_object_id(conn, member_query(principal, statuses=statuses), user_id)
    if found is None:
        raise NotFound.for_field(
            field,
            "exists",
            f"No user with id {quoted(user_id[:100])} in world {quoted(principal.workspace_slug)}.",
        )
    return found


def member_by_id(
    conn: Connection, principal: Principal, customer_id: int, *, statuses: tuple[str, ...]
) -> Row:
    query = member_query(principal, statuses=statuses, limit=1)
    rows = read_rows(
        conn, replace(query, filters=(*query.filters, eq(CUSTOMERS, "id", customer_id)))
    )
    if not rows:
        raise NotFound.for_field("userId", "exists", f"No user with id {customer_id}.")
    return rows[0]


def virbela_role(row: Row) -> str:
    """Virbela shows a suspended member with the role `suspended`."""
    return "suspended" if row["status"] == "suspended" else str(row["role"])


def team_text(team: Any) -> str | None:
    return team_letters(team) if isinstance(team, int) and 0 <= team <= MAX_TEAM else None


def render_user(row: Row) -> dict[str, Any]:
    return {
        "objectId": object_id(row),
        "email": row["email"],
        "firstname": row["first_name"],
        "lastname": row["last_name"],
        "displayname": row["display_name"],
        "profileLastUpdatedAt": timestamp(row["profile_updated_at"]),
        "hardware": json_value(row["hardware"]),
        "teamId": team_text(row["team"]),
        "role": virbela_role(row),
    }


def list_users(request: Request) -> Any:
    principal = principal_of(request)
    pairs = list(request.query_params.multi_items())
    limit = params.limit(pairs, default=DEFAULT_LIMIT)
    skip = params.offset(pairs, "skip")
    query = member_query(principal, limit=limit, offset=skip)
    with request.app.state.engine.connect() as conn:
        rows = read_rows(conn, query)
    world = principal.workspace_slug
    return success(
        request,
        "Successfully retrieved users",
        f"Retrieved data for {len(rows)} users in world {world}",
        [render_user(row) for row in rows],
    )


def user_id_path() -> Any:
    return Path(alias="userId", description="The user's objectId.")


def get_user(request: Request, user_id: str = user_id_path()) -> Any:
    principal = principal_of(request)
    with request.app.state.engine.connect() as conn:
        row = find_member(conn, principal, user_id)
    world = principal.workspace_slug
    return success(
        request,
        "Successfully retrieved user",
        f"Retrieved data for user with id {quoted(user_id)} in world {quoted(world)}.",
        [render_user(row)],
    )
