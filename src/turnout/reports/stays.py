"""Which sessions the attendance and visits reports count, and how a stay is read.

Shared by the reports, the raw-row computations and the rollups, so every path
counts the same rows.
"""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from turnout.db.schema import sessions

# Sessions that count in attendance and visits.
COUNTED: ColumnElement[bool] = sessions.c.status != "cancelled"

STAY_COLUMNS = (
    sessions.c.venue_id,
    sessions.c.joined_at,
    sessions.c.left_at,
    sessions.c.talk_seconds,
    sessions.c.satisfaction,
)

# `customer_id + 0`: the same test, but no index on (workspace_id, customer_id) can
# serve it, so the databases use the (workspace_id, venue_id, time) range instead of
# reading the whole workspace by customer (SQLite without ANALYZE chose that).
KNOWN_CUSTOMER: ColumnElement[bool] = (sessions.c.customer_id + 0).is_not(None)
