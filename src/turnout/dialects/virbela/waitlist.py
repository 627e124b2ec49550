"""`GET /Activity/Waitlist/Called`, `/HelpDone` and `/SupportEnd`: waitlist events.

Each reads the core's events of one type (`waitlist.called`,
`waitlist.help_done`, `waitlist.support_end`) whose time is within `start` and
`stop` (both required and inclusive; no 90-day limit here, the seed sets none),
optionally only in one room (`sfsRoom`, the event's room), earliest first, with
`limit` (none by default) and `offset`. The `v-client-name` header is required
and must name the credentials' world. `data.count` is how many events match
(before `limit`/`offset`), `data.results` the page. `userId` is the customer's
objectId; `supportUserId` the event's own, else the acting agent's objectId;
the numbers are written as strings, as the seed types them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from turnout.core.clock import utcnow
from turnout.core.query import Query
from turnout.core.resources.marketing import EVENTS
from turnout.core.resources.people import CUSTOMERS
from turnout.dialects.virbela import params
from turnout.dialects.virbela.credentials import NAME_HEADER, check_world, principal_of
from turnout.dialects.virbela.reading import Row, eq, object_ids, read_rows, total
from turnout.dialects.virbela.render import json_object, success, timestamp

EVENT_FIELDS = ("id", "type", "occurred_at", "customer_id", "actor_id", "room", "data")
# endpoint -> (event type, words for the title, the numbers each result carries)
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Called": ("waitlist.called", "waitlist called", ("secondsInLine", "initialPlace")),
    "HelpDone": ("waitlist.help_done", "waitlist completed", ("secondsBeingHelped",)),
    "SupportEnd": (
        "waitlist.support_end",
        "waitlist support end",
        ("numUsersHelped", "secondsHelpingUsers", "secondsSupportingList"),
    ),
}
_WITH_SUPPORT_USER = ("Called", "HelpDone")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_event(endpoint: str, row: Row, users: dict[int, str]) -> dict[str, Any]:
    data = json_object(row["data"])
    customer, agent = row["customer_id"], row["actor_id"]
    out: dict[str, Any] = {
        "userId": users.get(int(customer)) if customer is not None else None,
        "room": row["room"],
        "time": timestamp(row["occurred_at"]),
    }
    if endpoint in _WITH_SUPPORT_USER:
        support = _text(data.get("supportUserId"))
        if support is None and agent is not None:
            support = users.get(int(agent))
        out["supportUserId"] = support
    for key in KINDS[endpoint][2]:
        out[key] = _text(data.get(key))
    return out


def _events(request: Request, endpoint: str) -> Any:
    principal = principal_of(request)
    check_world(principal, request.headers.get(NAME_HEADER), field=NAME_HEADER.lower())
    pairs = list(request.query_params.multi_items())
    now = utcnow()
    window = params.window(pairs, now=now, max_days=None)
    limit = params.limit(pairs, default=None)
    offset = params.offset(pairs, "offset")
    room = params.single(pairs, "sfsRoom")
    event_type, words, _ = KINDS[endpoint]
    filters = [eq(EVENTS, "type", event_type)]
    if room is not None and room.strip():
        filters.append(eq(EVENTS, "room", room.strip()))
    query = Query(
        resource=EVENTS,
        workspace_id=principal.workspace_id,
        tz=params.UTC_ZONE,
        filters=tuple(filters),
        window=window,
        time_field="occurred_at",
        sort=(("occurred_at", False), ("id", False)),
        fields=tuple(EVENTS.field(name) for name in EVENT_FIELDS),
        limit=limit,
        offset=offset or None,
        now=now,
    )
    with request.app.state.engine.connect() as conn:
        rows = read_rows(conn, query)
        count = total(conn, query)
        people = [r["customer_id"] for r in rows] + [r["actor_id"] for r in rows]
        users = object_ids(conn, CUSTOMERS, principal.workspace_id, people)
    results = [render_event(endpoint, row, users) for row in rows]
    return success(
        request,
        f"Successfully retrieved {words} events",
        f"Retrieved {len(results)} of {count} {words} events in world {principal.workspace_slug}.",
        {"count": count, "results": results},
    )


def make_view(endpoint: str) -> Callable[[Request], Any]:
    def view(request: Request) -> Any:
        return _events(request, endpoint)

    view.__name__ = f"waitlist_{endpoint.lower()}"
    return view
