"""`POST /User/Invitation`: create or update one user, through the core's commands.

A new email becomes a customer with status `invited` (so `GET /User` shows them
once they accept). An existing one is updated only with `overwriteData: true`,
and then only with the fields sent; either way a suspended member is
reactivated, since an invitation is how a campus lets someone in again. Taken
display names get random digits appended (the core's rule). Team and permission
defaults (the campus team, `member`) apply to new users only.

Turnout sends no mail: what would be sent is recorded as an `email.invitation`
event (data: recipient, kind, whether the user is new), for an outbox to deliver.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from turnout.auth.keys import Principal
from turnout.core.campus import campus_team
from turnout.core.commands import customers, marketing
from turnout.core.commands.models import CustomerCreate, CustomerUpdate, EventCreate
from turnout.core.commands.validation import validate
from turnout.core.errors import InvalidParameter
from turnout.core.teams import parse_team
from turnout.db.engine import write_transaction
from turnout.dialects.virbela.bodies import json_object
from turnout.dialects.virbela.credentials import principal_of
from turnout.dialects.virbela.errors import bad, renamed
from turnout.dialects.virbela.reading import object_id
from turnout.dialects.virbela.render import quoted, success
from turnout.dialects.virbela.users import (
    MEMBER_ROLES,
    PENDING_OR_ACCEPTED,
    member_by_id,
    team_text,
    virbela_role,
)

EMAIL_CHOICES = ("all", "newToVirbela", "newToCampus", "none")
EMAIL_EVENT = "email.invitation"
FIELDS = (
    "email",
    "displayName",
    "firstName",
    "lastName",
    "title",
    "teamId",
    "permission",
    "sendInvitationEmail",
    "overwriteData",
)
_TEXT = {
    "email": "email",
    "displayName": "display_name",
    "firstName": "first_name",
    "lastName": "last_name",
    "title": "title",
}
_WIRE = {core: wire for wire, core in _TEXT.items()} | {"team": "teamId", "role": "permission"}
_TEAM_HINT = "teamId must be team letters A-Z, AA-AZ or BA-BZ (capitals)"


async def invite_user(request: Request) -> Any:
    body = await json_object(request)
    return await run_in_threadpool(_invite, request, body)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise bad(name, "type", f"{name} must be a string")
    return value.strip()


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(body, name)
    if value is None:
        return default
    if value not in allowed:
        raise bad(name, "one_of", f"{name} must be one of {', '.join(allowed)} (exactly so)")
    return value


def _team(body: dict[str, Any]) -> int | None:
    value = _text(body, "teamId")
    if value is None:
        return None
    if not value.isalpha():
        raise bad("teamId", "team", f"{_TEAM_HINT}, not {value[:20]!r}")
    try:
        return parse_team(value, field="teamId")
    except InvalidParameter:
        raise bad("teamId", "team", f"{_TEAM_HINT}, not {value[:20]!r}") from None


def _overwrite(body: dict[str, Any]) -> bool:
    value = body.get("overwriteData")
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise bad("overwriteData", "boolean", "overwriteData must be true or false")


def _fields(body: dict[str, Any]) -> tuple[dict[str, Any], str, bool]:
    unknown = [name for name in body if name not in FIELDS]
    if unknown:
        raise bad(
            str(unknown[0])[:60],
            "unknown_field",
            f"unknown field {str(unknown[0])[:60]!r}; the fields are {', '.join(FIELDS)}",
        )
    if _blank(body.get("email")):
        raise bad("email", "required", "email is required")
    values: dict[str, Any] = {}
    for wire, core in _TEXT.items():
        text = _text(body, wire)
        if text is not None:
            values[core] = text
    team = _team(body)
    if team is not None:
        values["team"] = team
    permission = _text(body, "permission")
    if permission is not None:
        values["role"] = _choice(body, "permission", MEMBER_ROLES, "member")
    send = _choice(body, "sendInvitationEmail", EMAIL_CHOICES, "all")
    return values, send, _overwrite(body)


def _invite(request: Request, body: dict[str, Any]) -> Any:
    principal = principal_of(request)
    values, send, overwrite = _fields(body)
    actor = principal.as_actor()
    with write_transaction(request.app.state.engine) as conn:
        existing = customers.find_by_email(conn, actor, values["email"])
        if existing is not None and existing.status == "erased":
            existing = None
        if existing is None:
            values.setdefault("team", campus_team(conn, principal.workspace_id))
        try:
            data = validate(CustomerCreate, values | {"status": "invited"})
        except InvalidParameter as error:
            raise renamed(error, _WIRE) from None
        written = customers.create_customer(conn, actor, data, overwrite=overwrite)
        _join_campus(conn, principal, written.id, existing, values)
        new = written.outcome == "created"
        emailed = send == "all" or (new and send in ("newToVirbela", "newToCampus"))
        if emailed:
            _record_email(conn, principal, written.id, values["email"], send, new=new)
        row = member_by_id(conn, principal, written.id, statuses=PENDING_OR_ACCEPTED)
    return _answer(request, principal, row, written.outcome, emailed=emailed)


def _join_campus(
    conn: Connection, principal: Principal, customer_id: int, existing: Any, values: dict[str, Any]
) -> None:
    """An existing customer becomes (again) a campus member, whatever `overwriteData` says."""
    if existing is None:
        return
    actor = principal.as_actor()
    if existing.role not in MEMBER_ROLES:
        role = values.get("role", "member")
        customers.update_customer(conn, actor, customer_id, CustomerUpdate(role=role))
    if existing.status == "suspended":
        customers.set_status(conn, actor, customer_id, "active")


def _record_email(
    conn: Connection, principal: Principal, customer_id: int, email: str, kind: str, *, new: bool
) -> None:
    event = EventCreate(
        type=EMAIL_EVENT,
        customer_id=customer_id,
        data={"recipient": email, "kind": kind, "new": new, "world": principal.workspace_slug},
    )
    marketing.append_event(conn, principal.as_actor(), event)


_TITLES = {
    "created": ("Successfully invited user", "successfully invited to"),
    "updated": ("Successfully updated user", "successfully updated in"),
    "unchanged": ("User already exists", "already exists in"),
}


def _answer(
    request: Request, principal: Principal, row: Any, outcome: str, *, emailed: bool
) -> Any:
    title, verb = _TITLES[outcome]
    detail = (
        f"User with email {quoted(row['email'])} {verb} world {quoted(principal.workspace_slug)}."
    )
    if outcome == "unchanged":
        detail = detail[:-1] + "; their data was not changed (overwriteData is false)."
    data = {
        "objectId": object_id(row),
        "email": row["email"],
        "firstname": row["first_name"],
        "lastname": row["last_name"],
        "displayname": row["display_name"],
        "title": row["title"],
        "teamId": row["team"],
        "teamName": team_text(row["team"]),
        "role": virbela_role(row),
        "status": row["status"],
        "invitationEmailSent": emailed,
    }
    return success(request, title, detail, data)
