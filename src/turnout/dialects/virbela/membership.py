"""`POST /User/Membership/suspend` and `/deleteMember`, through the core's commands.

Suspend takes `userId` or `email` (`userId` wins when both are sent) and sets the
member's status to suspended (Virbela says role "suspended"; the role itself is
kept for when they are reactivated). Delete takes both, which must name the same
member, and erases them for good (`erase_customer`: personal data removed, the
anonymous id kept so sessions and counts stay right). Pending invitations can
be suspended or deleted too.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from turnout.auth.keys import Principal
from turnout.core.commands import customers
from turnout.core.errors import NotFound
from turnout.db.engine import write_transaction
from turnout.dialects.virbela.bodies import json_object
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.errors import bad
from turnout.dialects.virbela.reading import Row, object_id
from turnout.dialects.virbela.render import quoted, success
from turnout.dialects.virbela.users import (
    MEMBER_ROLES,
    PENDING_OR_ACCEPTED,
    find_member,
    member_by_id,
)

FIELDS = ("userId", "email")


async def suspend_user(request: Request) -> Any:
    body = await json_object(request)
    return await run_in_threadpool(_suspend, request, body)


async def delete_member(request: Request) -> Any:
    body = await json_object(request)
    return await run_in_threadpool(_delete, request, body)


def _given(body: dict[str, Any]) -> tuple[str | None, str | None]:
    unknown = [name for name in body if name not in FIELDS]
    if unknown:
        name = str(unknown[0])[:60]
        raise bad(name, "unknown_field", f"unknown field {name!r}; the fields are userId, email")
    out: list[str | None] = []
    for name in FIELDS:
        value = body.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(None)
        elif isinstance(value, str):
            out.append(value.strip())
        else:
            raise bad(name, "type", f"{name} must be a string")
    return out[0], out[1]


def _by_email(conn: Connection, principal: Principal, email: str) -> Row:
    found = customers.find_by_email(conn, principal.as_actor(), email)
    if found is None or found.role not in MEMBER_ROLES or found.status == "erased":
        raise NotFound.for_field(
            "email",
            "exists",
            f"No user with email {quoted(email[:320])} "
            f"in world {quoted(principal.workspace_slug)}.",
        )
    return member_by_id(conn, principal, found.id, statuses=PENDING_OR_ACCEPTED)


def _label(row: Row) -> str:
    return str(row["email"] or object_id(row))


def _suspend(request: Request, body: dict[str, Any]) -> Any:
    principal = principal_of(request)
    user_id, email = _given(body)
    if user_id is None and email is None:
        raise bad("userId", "required", "give userId or email")
    with write_transaction(request.app.state.engine) as conn:
        if user_id is not None:
            row = find_member(conn, principal, user_id, statuses=PENDING_OR_ACCEPTED)
        else:
            assert email is not None
            row = _by_email(conn, principal, email)
        customers.set_status(conn, principal.as_actor(), int(row["id"]), "suspended")
    return success(
        request,
        "Successfully updated user role",
        f"User with email {quoted(_label(row))} successfully updated with role "
        f"{quoted('suspended')}.",
    )


def _delete(request: Request, body: dict[str, Any]) -> Any:
    principal = principal_of(request)
    user_id, email = _given(body)
    for value, name in ((user_id, "userId"), (email, "email")):
        if value is None:
            raise bad(name, "required", f"{name} is required: give both userId and email")
    assert user_id is not None and email is not None
    with write_transaction(request.app.state.engine) as conn:
        row = find_member(conn, principal, user_id, statuses=PENDING_OR_ACCEPTED)
        if str(row["email"] or "").lower() != email.lower():
            raise bad(
                "email",
                "mismatch",
                f"userId {quoted(user_id[:100])} and email {quoted(email[:320])} "
                "do not belong to the same user",
            )
        customers.erase_customer(conn, principal.as_actor(), int(row["id"]))
    return success(
        request,
        "Successfully deleted user",
        f"User with email {quoted(_label(row))} successfully deleted.",
    )
