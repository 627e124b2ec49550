"""The Virbela surface, readable in one table.

Each row: method, path, handler, operation id and the permission the client
credentials must hold (checked by the core's `Scope` on the two headers,
then `virbela_only`). Handlers live in the modules
named for their concept. The routes are left out of `/openapi.json` (that
document describes the native API and its error envelope); docs/dialects/virbela.md
is their reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import APIRouter, Depends

from turnout.dialects.virbela import (
    attendance,
    invitations,
    membership,
    profiles,
    purchases,
    rooms,
    users,
    waitlist,
)
from turnout.dialects.virbela.credentials import virbela_only, virbela_scope


class Route(NamedTuple):
    method: str
    path: str
    handler: Callable[..., Any]
    operation_id: str
    permission: str
    summary: str


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/User/Invitation",
        invitations.invite_user,
        "virbela_invite_user",
        "customers:write",
        "Create or update one user",
    ),
    Route("GET", "/User", users.list_users, "virbela_users", "customers:read", "All users"),
    Route(
        "POST",
        "/User/Membership/suspend",
        membership.suspend_user,
        "virbela_suspend_user",
        "customers:write",
        "Suspend a user (userId or email)",
    ),
    Route(
        "POST",
        "/User/Membership/deleteMember",
        membership.delete_member,
        "virbela_delete_member",
        "customers:write",
        "Erase a user for good (userId and email)",
    ),
    Route(
        "GET",
        "/User/Attendance/Room/{roomId}",
        attendance.room_attendance,
        "virbela_room_attendance",
        "sessions:read",
        "Who was in a room between start and stop",
    ),
    Route(
        "GET",
        "/User/Attendance/PrivateVolume/{volumeId}",
        attendance.private_volume_attendance,
        "virbela_private_volume_attendance",
        "sessions:read",
        "Who was in a private volume between start and stop",
    ),
    Route("GET", "/User/{userId}", users.get_user, "virbela_user", "customers:read", "One user"),
    Route(
        "GET",
        "/MemberProfile",
        profiles.list_profiles,
        "virbela_member_profiles",
        "customers:read",
        "Every member's profile",
    ),
    Route(
        "GET",
        "/MemberProfile/{userId}",
        profiles.get_profile,
        "virbela_member_profile",
        "customers:read",
        "One member's profile",
    ),
    Route(
        "PUT",
        "/MemberProfile/{userId}",
        profiles.update_profile,
        "virbela_update_member_profile",
        "customers:write",
        "Update and unset a member's profile fields",
    ),
    Route(
        "POST",
        "/api/purchase",
        purchases.create,
        "virbela_purchase",
        "sales:write",
        "Buy a private space at a price",
    ),
    Route(
        "GET",
        "/Rooms/World/{clientName}",
        rooms.list_rooms,
        "virbela_rooms",
        "sessions:read",
        "Every room of the world",
    ),
    *(
        Route(
            "GET",
            f"/Activity/Waitlist/{endpoint}",
            waitlist.make_view(endpoint),
            f"virbela_waitlist_{endpoint.lower()}",
            "events:read",
            f"Waitlist {endpoint} events between start and stop",
        )
        for endpoint in waitlist.KINDS
    ),
)


def build_router() -> APIRouter:
    router = APIRouter()
    for route in ROUTES:
        router.add_api_route(
            route.path,
            route.handler,
            methods=[route.method],
            operation_id=route.operation_id,
            dependencies=[Depends(virbela_scope(route.permission)), Depends(virbela_only)],
            summary=route.summary,
            include_in_schema=False,
        )
    return router
