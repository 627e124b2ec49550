"""Where the daily rollups stand, for the reports and the rollups alike: the zone a
rollup's days were built in, and days still waiting to be recomputed.

Kept apart from `turnout.reports.rollups` so that the report modules the rollups
build on can ask without importing them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.schema import rollup_day_zones, rollup_dirty

# customer_id of a session mark that concerns nobody's first visits
NOBODY = 0


def day_marks(name: str) -> str:
    """The name of a rollup's daily-stage marks (forwarded by its hourly refresh)."""
    return f"{name}_days"


def built_zone(conn: Connection, workspace_id: int, name: str) -> str | None:
    found = conn.execute(
        sa.select(rollup_day_zones.c.zone).where(
            rollup_day_zones.c.workspace_id == workspace_id, rollup_day_zones.c.name == name
        )
    ).scalar_one_or_none()
    return None if found is None else str(found)


def pending(conn: Connection, workspace_id: int, name: str, start: datetime, end: datetime) -> bool:
    """Whether days of [start, end) may be out of date: a pending day mark overlaps it,
    or one still has customers to follow (their first visits can move any day)."""
    marks = rollup_dirty
    query = (
        sa.select(sa.literal(1))
        .where(
            marks.c.workspace_id == workspace_id,
            marks.c.name == day_marks(name),
            sa.or_(
                marks.c.customer_id.is_(None),
                marks.c.customer_id != NOBODY,
                (marks.c.hour_from < end) & (marks.c.hour_to > start),
            ),
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None
