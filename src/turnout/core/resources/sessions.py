"""Sessions: bookings, store visits, room attendance, hotspot logins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from turnout.core.fields import Field, boolean, enum, ident, integer, json, string, timestamp
from turnout.core.registry import Relation, Resource, SearchVia
from turnout.core.resources.common import VENUE, customer_fields, stamps, venue_fields
from turnout.core.resources.places import VENUE_KINDS
from turnout.db.schema import customers, session_labels, sessions

if TYPE_CHECKING:
    from turnout.core.query import QueryContext

CHANNELS = ("api", "online", "on-site")
ONLINE_CHANNELS = ("api", "online")
# Statuses after which a booking can no longer be "used".
FINISHED_STATUSES = ("cancelled", "completed", "expired", "no-show")


def label_ids(table: sa.Table, dialect: str) -> sa.ColumnElement[object]:
    link = session_labels
    where = sa.and_(link.c.workspace_id == table.c.workspace_id, link.c.session_id == table.c.id)
    if dialect == "postgresql":
        agg = sa.func.coalesce(
            sa.func.json_agg(sa.literal_column("label_id ORDER BY label_id")),
            sa.literal_column("'[]'::json"),
        )
        return sa.select(sa.cast(agg, sa.Text)).where(where).scalar_subquery()
    ordered = (
        sa.select(link.c.label_id)
        .where(where)
        .order_by(link.c.label_id)
        .correlate(table)
        .subquery()
    )
    return sa.select(sa.func.json_group_array(ordered.c.label_id)).scalar_subquery()


def _upcoming(ctx: QueryContext) -> sa.ColumnElement[bool]:
    t = ctx.table
    return sa.and_(
        t.c.start_at >= ctx.now,
        t.c.joined_at.is_(None),
        t.c.status.not_in(FINISHED_STATUSES),
    )


def _today(ctx: QueryContext) -> sa.ColumnElement[bool]:
    window = ctx.today()
    return sa.and_(ctx.table.c.start_at >= window.start, ctx.table.c.start_at < window.end)


def _skip_api(ctx: QueryContext) -> sa.ColumnElement[bool]:
    return ctx.table.c.channel.not_in(ONLINE_CHANNELS)


def _api_only(ctx: QueryContext) -> sa.ColumnElement[bool]:
    return ctx.table.c.channel.in_(ONLINE_CHANNELS)


def _open(ctx: QueryContext) -> sa.ColumnElement[bool]:
    return sa.and_(ctx.table.c.joined_at.is_not(None), ctx.table.c.left_at.is_(None))


SESSION_FIELDS: tuple[Field, ...] = (
    ident(),
    string("uuid", searchable=True, sortable=True, description="Turnout's session id, a UUID."),
    string("external_uuid", searchable=True, description="The id a client supplied at creation."),
    *venue_fields(),
    enum(
        "venue_kind",
        VENUE_KINDS,
        join=VENUE,
        column="kind",
        default=False,
        description="The venue's kind (hotspot sessions are Wi-Fi visits).",
    ),
    *customer_fields(),
    string("code", searchable=True, sortable=True),
    string("token", description="Session token (stores)."),
    string("status", sortable=True),
    enum("channel", CHANNELS, sortable=True, description="api/online (booked online) or on-site."),
    string("experience", sortable=True, searchable=True),
    timestamp("start_at", description="Scheduled start (bookings)."),
    integer("duration_minutes", sortable=True),
    integer("people", sortable=True),
    integer("stations"),
    timestamp("joined_at", description="First entered / joined (attendance start)."),
    timestamp("left_at", description="Last exited / left (attendance end); null while open."),
    timestamp("last_entered_at"),
    timestamp("first_exited_at"),
    timestamp("code_first_scanned_at"),
    timestamp("code_last_scanned_at"),
    integer("talk_seconds", sortable=True),
    integer("visitors", sortable=True),
    integer("group_size", sortable=True),
    integer("satisfaction", sortable=True),
    boolean("satisfaction_submitted"),
    boolean("suspected_fraud"),
    integer("priority", sortable=True),
    integer("payment_instrument_id"),
    string("location_id"),
    integer("referenced_session_id"),
    integer("scannable_at_venue_id"),
    timestamp("expires_at"),
    string("comments", searchable=False, filterable=False),
    json("metadata"),
    json("attributes"),
    Field(
        "label_ids",
        "json",
        expression=label_ids,
        filterable=False,
        default=False,
        description="Ids of the session's labels (filter with label=ID).",
    ),
    timestamp("cancelled_at"),
    *stamps(),
)

SESSIONS = Resource(
    name="sessions",
    table=sessions,
    permission="sessions:read",
    description="Bookings, visits and attendance records.",
    fields=SESSION_FIELDS,
    time_field="start_at",
    time_fields=(
        "start_at",
        "joined_at",
        "left_at",
        "created_at",
        "updated_at",
        "expires_at",
        "code_last_scanned_at",
        "last_entered_at",
    ),
    interval=("joined_at", "left_at"),
    default_sort=("-start_at",),
    flags={
        "upcoming": _upcoming,
        "today": _today,
        "skip_api": _skip_api,
        "api_only": _api_only,
        "open": _open,
    },
    search_keys={
        "customer": "customer_id",
        "venue": "venue_id",
        "externaluuid": "external_uuid",
        "label": "label",
        "date": "start_at",
        "crdate": "created_at",
    },
    search_via=(
        SearchVia(
            "customer_id", customers, ("first_name", "last_name", "display_name", "email", "phone")
        ),
    ),
    open_json=("attributes", "metadata"),
    relations={"label": Relation(session_labels, "session_id", "label_id")},
)
