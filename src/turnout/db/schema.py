"""The whole data model as SQLAlchemy Core tables.

Every tenant table leads with `workspace_id` and every secondary index starts with
it, so each query is a range scan inside one workspace and the schema can be
distributed by workspace on Citus. Columns exist for concepts several products
share or that need an index; the rest lives in an `attributes` JSON bag whose
declared paths the query engine can still filter and sort on.
"""

from __future__ import annotations

import sqlalchemy as sa

from turnout.db.types import Id, JSONType, Money, UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _workspace() -> sa.Column[int]:
    return sa.Column(
        "workspace_id", Id, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )


def _id() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    ]


def _ref(name: str, table: str) -> sa.Column[int]:
    return sa.Column(name, Id, sa.ForeignKey(f"{table}.id", ondelete="SET NULL"), nullable=True)


workspaces = sa.Table(
    "workspaces",
    metadata,
    _id(),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("region", sa.String(32)),
    sa.Column("settings", JSONType, nullable=False, server_default=sa.text("'{}'")),
    *_timestamps(),
)

venues = sa.Table(
    "venues",
    metadata,
    _workspace(),
    _id(),
    # store | room | private_volume | hotspot | arena
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(128)),
    sa.Column("external_id", sa.String(128)),
    sa.Column("group_name", sa.String(200)),
    sa.Column("capacity", sa.Integer),
    sa.Column("status", sa.String(32), nullable=False, server_default="open"),
    sa.Column("timezone", sa.String(64)),
    sa.Column("address", JSONType),
    # team/group access rules, visibility, room engine names and the like
    sa.Column("access", JSONType),
    sa.Column("attributes", JSONType),
    *_timestamps(),
    sa.UniqueConstraint("workspace_id", "code"),
    sa.Index(None, "workspace_id", "kind", "id"),
    sa.Index(None, "workspace_id", "updated_at"),
)

customers = sa.Table(
    "customers",
    metadata,
    _workspace(),
    _id(),
    sa.Column("external_id", sa.String(128)),
    sa.Column("email", sa.String(320)),
    sa.Column("first_name", sa.String(200)),
    sa.Column("last_name", sa.String(200)),
    sa.Column("display_name", sa.String(200)),
    sa.Column("title", sa.String(200)),
    sa.Column("phone", sa.String(64)),
    # member | leader | moderator | admin | owner (and "customer" for shop customers)
    sa.Column("role", sa.String(32), nullable=False, server_default="member"),
    # A=0, B=1, ... AZ=51, BA=52 ... (shown both ways at the edges)
    sa.Column("team", sa.Integer),
    # invited | active | suspended | erased
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("balance", Money, nullable=False, server_default="0"),
    sa.Column("source", sa.String(64)),
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    sa.Column("profile", JSONType),
    sa.Column("hardware", JSONType),
    sa.Column("metadata", JSONType),
    sa.Column("invited_at", UTCDateTime),
    sa.Column("accepted_at", UTCDateTime),
    sa.Column("suspended_at", UTCDateTime),
    sa.Column("erased_at", UTCDateTime),
    sa.Column("profile_updated_at", UTCDateTime),
    *_timestamps(),
    sa.Index(None, "workspace_id", sa.func.lower(sa.column("email")), unique=True),
    sa.Index(None, "workspace_id", "display_name", unique=True),
    sa.Index(None, "workspace_id", "external_id"),
    sa.Index(None, "workspace_id", "created_at"),
    sa.Index(None, "workspace_id", "updated_at"),
)

profile_fields = sa.Table(
    "profile_fields",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("label", sa.String(200)),
    # string | integer | number | boolean | date
    sa.Column("type", sa.String(16), nullable=False, server_default="string"),
    sa.Column("description", sa.Text),
    *_timestamps(),
    sa.UniqueConstraint("workspace_id", "name"),
)

labels = sa.Table(
    "labels",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("color", sa.String(16)),
    *_timestamps(),
    sa.UniqueConstraint("workspace_id", "name"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    _workspace(),
    _id(),
    sa.Column("uuid", sa.String(36), nullable=False),
    sa.Column("external_uuid", sa.String(128)),
    _ref("venue_id", "venues"),
    _ref("customer_id", "customers"),
    sa.Column("code", sa.String(128)),
    sa.Column("token", sa.String(128)),
    # booked | active | completed | cancelled | expired (and the stores' own words)
    sa.Column("status", sa.String(32), nullable=False, server_default="booked"),
    # api | online | on-site
    sa.Column("channel", sa.String(16), nullable=False, server_default="on-site"),
    sa.Column("experience", sa.String(200)),
    sa.Column("start_at", UTCDateTime),
    sa.Column("duration_minutes", sa.Integer),
    sa.Column("people", sa.Integer),
    sa.Column("stations", sa.Integer),
    # first entered / last exited: the attendance interval
    sa.Column("joined_at", UTCDateTime),
    sa.Column("left_at", UTCDateTime),
    sa.Column("last_entered_at", UTCDateTime),
    sa.Column("first_exited_at", UTCDateTime),
    sa.Column("code_first_scanned_at", UTCDateTime),
    sa.Column("code_last_scanned_at", UTCDateTime),
    sa.Column("talk_seconds", sa.Integer),
    sa.Column("visitors", sa.Integer),
    sa.Column("group_size", sa.Integer),
    sa.Column("satisfaction", sa.Integer),
    sa.Column("satisfaction_submitted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("suspected_fraud", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    sa.Column("payment_instrument_id", sa.BigInteger),
    sa.Column("location_id", sa.String(128)),
    _ref("referenced_session_id", "sessions"),
    _ref("scannable_at_venue_id", "venues"),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("comments", sa.Text),
    sa.Column("metadata", JSONType),
    sa.Column("attributes", JSONType),
    sa.Column("cancelled_at", UTCDateTime),
    *_timestamps(),
    sa.UniqueConstraint("workspace_id", "uuid"),
    sa.Index(None, "workspace_id", "start_at"),
    sa.Index(None, "workspace_id", "venue_id", "joined_at"),
    sa.Index(None, "workspace_id", "venue_id", "left_at"),
    sa.Index(None, "workspace_id", "updated_at"),
    sa.Index(None, "workspace_id", "created_at"),
    sa.Index(None, "workspace_id", "customer_id"),
    # An integration's own id: one session per external_uuid, so retried creates
    # cannot duplicate (rows without one are unconstrained).
    sa.Index(
        "uq_sessions_workspace_id_external_uuid",
        "workspace_id",
        "external_uuid",
        unique=True,
        sqlite_where=sa.text("external_uuid IS NOT NULL"),
        postgresql_where=sa.text("external_uuid IS NOT NULL"),
    ),
)

session_labels = sa.Table(
    "session_labels",
    metadata,
    _workspace(),
    sa.Column("session_id", Id, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label_id", Id, sa.ForeignKey("labels.id", ondelete="CASCADE"), nullable=False),
    sa.PrimaryKeyConstraint("workspace_id", "session_id", "label_id"),
    sa.Index(None, "workspace_id", "label_id"),
)

sales = sa.Table(
    "sales",
    metadata,
    _workspace(),
    _id(),
    _ref("session_id", "sessions"),
    _ref("customer_id", "customers"),
    _ref("venue_id", "venues"),
    sa.Column("item", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100)),
    sa.Column("quantity", sa.Integer, nullable=False, server_default="1"),
    sa.Column("unit_price", Money, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("sold_at", UTCDateTime, nullable=False),
    sa.Column("attributes", JSONType),
    *_timestamps(),
    sa.Index(None, "workspace_id", "sold_at"),
    sa.Index(None, "workspace_id", "session_id"),
    sa.Index(None, "workspace_id", "updated_at"),
)

vouchers = sa.Table(
    "vouchers",
    metadata,
    _workspace(),
    _id(),
    _ref("venue_id", "venues"),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("validity_days", sa.Integer),
    # 0 means unlimited, as the captive portal documents
    sa.Column("upspeed_mbps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("downspeed_mbps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("volume_cap_gb", sa.Integer, nullable=False, server_default="0"),
    sa.Column("max_devices", sa.Integer, nullable=False, server_default="0"),
    sa.Column("amount", Money),
    sa.Column("currency", sa.String(3)),
    # active | used | expired | deleted
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("deleted_at", UTCDateTime),
    *_timestamps(),
    sa.UniqueConstraint("workspace_id", "code"),
    sa.Index(None, "workspace_id", "created_at"),
    sa.Index(None, "workspace_id", "updated_at"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("reference", sa.String(100)),
    sa.Column("currency", sa.String(3), nullable=False, server_default="GBP"),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    *_timestamps(),
    sa.Index(None, "workspace_id", "reference"),
)

suppliers = sa.Table(
    "suppliers",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("reference", sa.String(100)),
    *_timestamps(),
)

leads = sa.Table(
    "leads",
    metadata,
    _workspace(),
    _id(),
    sa.Column("campaign_id", Id, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    _ref("supplier_id", "suppliers"),
    _ref("customer_id", "customers"),
    sa.Column("email", sa.String(320)),
    sa.Column("phone", sa.String(64)),
    # valid | invalid | pending
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    # approved | rejected | returned, or null while undecided
    sa.Column("outcome", sa.String(16)),
    sa.Column("supplier_cost", Money, nullable=False, server_default="0"),
    sa.Column("email_cost", Money, nullable=False, server_default="0"),
    sa.Column("sms_cost", Money, nullable=False, server_default="0"),
    sa.Column("validation_cost", Money, nullable=False, server_default="0"),
    sa.Column("revenue", Money, nullable=False, server_default="0"),
    sa.Column("currency", sa.String(3), nullable=False, server_default="GBP"),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("data", JSONType),
    *_timestamps(),
    sa.Index(None, "workspace_id", "received_at"),
    sa.Index(None, "workspace_id", "campaign_id", "received_at"),
    sa.Index(None, "workspace_id", "updated_at"),
)

events = sa.Table(
    "events",
    metadata,
    _workspace(),
    _id(),
    # e.g. waitlist.called, waitlist.help_done, waitlist.support_end
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    _ref("venue_id", "venues"),
    _ref("customer_id", "customers"),
    _ref("actor_id", "customers"),
    sa.Column("room", sa.String(128)),
    # the numbers each event type carries (seconds in line, users helped, ...)
    sa.Column("data", JSONType),
    *_timestamps(),
    sa.Index(None, "workspace_id", "type", "occurred_at"),
    sa.Index(None, "workspace_id", "occurred_at"),
    sa.Index(None, "workspace_id", "updated_at"),
)

products = sa.Table(
    "products",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("type", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.Integer, nullable=False, server_default="0"),
    _ref("venue_id", "venues"),
    *_timestamps(),
)

prices = sa.Table(
    "prices",
    metadata,
    _workspace(),
    _id(),
    sa.Column("product_id", Id, sa.ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("amount", Money, nullable=False, server_default="0"),
    sa.Column("currency", sa.String(3), nullable=False, server_default="USD"),
    sa.Column("status", sa.Integer, nullable=False, server_default="0"),
    *_timestamps(),
    sa.Index(None, "workspace_id", "product_id"),
)

purchases = sa.Table(
    "purchases",
    metadata,
    _workspace(),
    _id(),
    sa.Column("price_id", Id, sa.ForeignKey("prices.id", ondelete="RESTRICT"), nullable=False),
    _ref("customer_id", "customers"),
    sa.Column("purchase_type", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.Integer, nullable=False, server_default="0"),
    sa.Column("remote_subscription_id", sa.String(128)),
    sa.Column("details", sa.Text, nullable=False, server_default=""),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("first_name", sa.String(200)),
    sa.Column("last_name", sa.String(200)),
    *_timestamps(),
    sa.Index(None, "workspace_id", "created_at"),
    sa.Index(None, "workspace_id", "customer_id"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    _workspace(),
    _id(),
    sa.Column("public_id", sa.String(32), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("permissions", JSONType, nullable=False),
    sa.Column("allowed_ips", JSONType),
    # set for credentials that belong to one dialect (Virbela's single pair per campus)
    sa.Column("dialect", sa.String(32)),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("created_by", sa.String(200)),
    *_timestamps(),
    sa.Index(None, "workspace_id", "created_at"),
)

admin_users = sa.Table(
    "admin_users",
    metadata,
    _id(),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("last_login_at", UTCDateTime),
    *_timestamps(),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    _workspace(),
    _id(),
    # "key:<public id>", "admin:<email>" or "cli"
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("resource", sa.String(64)),
    sa.Column("resource_id", sa.String(128)),
    sa.Column("details", JSONType),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index(None, "workspace_id", "created_at"),
)

# Replays of POST/PATCH/DELETE carrying an Idempotency-Key header. A row is
# claimed (response_status NULL) before the write runs, in its own transaction, so
# a concurrent duplicate finds it and waits or is refused instead of writing twice.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    _workspace(),
    _id(),
    sa.Column("api_key_id", Id, sa.ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False),
    sa.Column("idempotency_key", sa.String(255), nullable=False),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(2000), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_body", sa.LargeBinary),
    sa.Column("response_type", sa.String(100)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("workspace_id", "api_key_id", "idempotency_key"),
    sa.Index(None, "expires_at"),
)

# Reports: the one-at-a-time lock on SQLite (PostgreSQL uses advisory locks), and
# hourly rollups that reports read for whole UTC hours (see docs/reports.md).
report_locks = sa.Table(
    "report_locks",
    metadata,
    _workspace(),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("acquired_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("workspace_id", "name"),
)

rollup_watermarks = sa.Table(
    "rollup_watermarks",
    metadata,
    _workspace(),
    sa.Column("name", sa.String(32), nullable=False),
    # rows changed after this instant, or with an id above last_id, are not yet rolled up
    sa.Column("changed_after", UTCDateTime, nullable=False),
    sa.Column("last_id", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("refreshed_at", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("workspace_id", "name"),
)

rollup_session_hours = sa.Table(
    "rollup_session_hours",
    metadata,
    _workspace(),
    sa.Column("hour", UTCDateTime, nullable=False),
    sa.Column("venue_id", Id),
    # arrivals (joined_at in the hour), any session
    sa.Column("visits", sa.Integer, nullable=False),
    sa.Column("dwell_us", sa.BigInteger, nullable=False),
    sa.Column("dwell_count", sa.Integer, nullable=False),
    sa.Column("satisfaction_sum", sa.BigInteger, nullable=False),
    sa.Column("satisfaction_count", sa.Integer, nullable=False),
    # closed sessions (joined_at and left_at known)
    sa.Column("started", sa.Integer, nullable=False),
    sa.Column("present_at_start", sa.Integer, nullable=False),
    sa.Column("attendance_us", sa.BigInteger, nullable=False),
    sa.Column("talk_us", sa.BigInteger, nullable=False),
    sa.Column("peak", sa.Integer, nullable=False),
    sa.Index(None, "workspace_id", "hour", "venue_id"),
)

rollup_sale_hours = sa.Table(
    "rollup_sale_hours",
    metadata,
    _workspace(),
    sa.Column("hour", UTCDateTime, nullable=False),
    sa.Column("venue_id", Id),
    sa.Column("item", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100)),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("sales", sa.Integer, nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Index(None, "workspace_id", "hour"),
)

rollup_lead_hours = sa.Table(
    "rollup_lead_hours",
    metadata,
    _workspace(),
    sa.Column("hour", UTCDateTime, nullable=False),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("supplier_id", Id),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("leads", sa.Integer, nullable=False),
    sa.Column("valid", sa.Integer, nullable=False),
    sa.Column("invalid", sa.Integer, nullable=False),
    sa.Column("pending", sa.Integer, nullable=False),
    sa.Column("rejections", sa.Integer, nullable=False),
    sa.Column("approved", sa.Integer, nullable=False),
    sa.Column("returns", sa.Integer, nullable=False),
    sa.Column("supplier_cost", Money, nullable=False),
    sa.Column("email_cost", Money, nullable=False),
    sa.Column("sms_cost", Money, nullable=False),
    sa.Column("validation_cost", Money, nullable=False),
    sa.Column("revenue", Money, nullable=False),
    sa.Index(None, "workspace_id", "hour"),
)

# Signed-in admin UI sessions. The cookie holds a random token; only its SHA-256
# is stored (the id). Admins see every workspace, so this is not a tenant table:
# the workspace they are looking at is `selected_workspace_id`, not `workspace_id`.
admin_sessions = sa.Table(
    "admin_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "admin_user_id",
        Id,
        sa.ForeignKey("admin_users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    _ref("selected_workspace_id", "workspaces"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Index(None, "admin_user_id"),
    sa.Index(None, "expires_at"),
)

# UTC hours a write moved rows out of or into, not yet recomputed in the report rollups
# (see docs/reports.md): written in the writer's transaction, consumed by the refresh.
rollup_dirty = sa.Table(
    "rollup_dirty",
    metadata,
    _workspace(),
    _id(),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("hour_from", UTCDateTime, nullable=False),
    sa.Column("hour_to", UTCDateTime, nullable=False),  # exclusive
    # sessions only: whose first visits to recompute (NULL: any customer arriving in
    # the hours; 0: none)
    sa.Column("customer_id", sa.BigInteger),
    sa.Index(None, "workspace_id", "name", "id"),
)

# Daily rollups: per local day in the workspace's zone (see docs/reports.md), built
# from the hourly ones plus the distinct counts; `rollup_day_zones` says which zone
# a rollup's days are in (a workspace whose zone changed rebuilds them).
rollup_day_zones = sa.Table(
    "rollup_day_zones",
    metadata,
    _workspace(),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("zone", sa.String(64), nullable=False),
    sa.Column("built_at", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("workspace_id", "name"),
)

rollup_session_days = sa.Table(
    "rollup_session_days",
    metadata,
    _workspace(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("venue_id", Id),
    # as in rollup_session_hours, for the local day
    sa.Column("visits", sa.Integer, nullable=False),
    sa.Column("dwell_us", sa.BigInteger, nullable=False),
    sa.Column("dwell_count", sa.Integer, nullable=False),
    sa.Column("satisfaction_sum", sa.BigInteger, nullable=False),
    sa.Column("satisfaction_count", sa.Integer, nullable=False),
    sa.Column("started", sa.Integer, nullable=False),
    sa.Column("present_at_start", sa.Integer, nullable=False),
    sa.Column("attendance_us", sa.BigInteger, nullable=False),
    sa.Column("talk_us", sa.BigInteger, nullable=False),
    sa.Column("peak", sa.Integer, nullable=False),
    # distinct customers present (closed sessions), arriving, arriving for the first time
    sa.Column("customers", sa.Integer, nullable=False),
    sa.Column("visitors", sa.Integer, nullable=False),
    sa.Column("new_visitors", sa.Integer, nullable=False),
    sa.Index(None, "workspace_id", "day", "venue_id"),
)

# The distinct counts of a local day across all venues (and sessions without one).
rollup_workspace_days = sa.Table(
    "rollup_workspace_days",
    metadata,
    _workspace(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("customers", sa.Integer, nullable=False),
    sa.Column("visitors", sa.Integer, nullable=False),
    sa.Column("new_visitors", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("workspace_id", "day"),
)

# Each known customer's first counted arrival per venue, and anywhere: what makes
# new_visitors of a day exact and cheap to keep current.
rollup_first_visits = sa.Table(
    "rollup_first_visits",
    metadata,
    _workspace(),
    sa.Column("customer_id", Id, nullable=False),
    sa.Column("venue_id", Id),
    sa.Column("anywhere", sa.Boolean, nullable=False),
    sa.Column("first_at", UTCDateTime, nullable=False),
    sa.Index(None, "workspace_id", "customer_id"),
    sa.Index(None, "workspace_id", "first_at"),
)

rollup_sale_days = sa.Table(
    "rollup_sale_days",
    metadata,
    _workspace(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("venue_id", Id),
    sa.Column("item", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100)),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("sales", sa.Integer, nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Index(None, "workspace_id", "day"),
)

rollup_lead_days = sa.Table(
    "rollup_lead_days",
    metadata,
    _workspace(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("supplier_id", Id),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("leads", sa.Integer, nullable=False),
    sa.Column("valid", sa.Integer, nullable=False),
    sa.Column("invalid", sa.Integer, nullable=False),
    sa.Column("pending", sa.Integer, nullable=False),
    sa.Column("rejections", sa.Integer, nullable=False),
    sa.Column("approved", sa.Integer, nullable=False),
    sa.Column("returns", sa.Integer, nullable=False),
    sa.Column("supplier_cost", Money, nullable=False),
    sa.Column("email_cost", Money, nullable=False),
    sa.Column("sms_cost", Money, nullable=False),
    sa.Column("validation_cost", Money, nullable=False),
    sa.Column("revenue", Money, nullable=False),
    sa.Index(None, "workspace_id", "day"),
)

_WAITLIST_SUMS = (
    "called",
    "seconds_in_line",
    "helped",
    "seconds_helping",
    "shifts",
    "seconds_supporting_list",
)

# Waitlist events (waitlist.*) per agent (actor), room and venue.
rollup_waitlist_hours = sa.Table(
    "rollup_waitlist_hours",
    metadata,
    _workspace(),
    sa.Column("hour", UTCDateTime, nullable=False),
    sa.Column("actor_id", Id),
    sa.Column("room", sa.String(128)),
    sa.Column("venue_id", Id),
    *(sa.Column(name, sa.BigInteger, nullable=False) for name in _WAITLIST_SUMS),
    sa.Index(None, "workspace_id", "hour"),
)

rollup_waitlist_days = sa.Table(
    "rollup_waitlist_days",
    metadata,
    _workspace(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("actor_id", Id),
    sa.Column("room", sa.String(128)),
    sa.Column("venue_id", Id),
    *(sa.Column(name, sa.BigInteger, nullable=False) for name in _WAITLIST_SUMS),
    sa.Index(None, "workspace_id", "day"),
)

# Rows added since a rollup watermark (`workspace_id = ? AND id > ?`), and a
# workspace's highest id: a range inside the workspace, whatever other tenants add.
for _table in (sessions, sales, leads, events):
    sa.Index(f"ix_{_table.name}_workspace_id_id", _table.c.workspace_id, _table.c.id)

TENANT_TABLES = tuple(t for t in metadata.sorted_tables if "workspace_id" in t.c)
