"""A workspace seen as a campus (Virbela's "world"): its name and its default team.

The world's client name is the workspace slug. The campus team, which new members
join when no team is given, is the workspace setting `campus_team` (team letters
such as "A" or "BC", or the team number); without one it is team A (0).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core.errors import InvalidParameter
from turnout.core.teams import parse_team
from turnout.db.schema import workspaces

DEFAULT_TEAM = 0
CAMPUS_TEAM_SETTING = "campus_team"


def campus_team(conn: Connection, workspace_id: int) -> int:
    """The team number new members get by default."""
    settings: Any = conn.execute(
        sa.select(workspaces.c.settings).where(workspaces.c.id == workspace_id)
    ).scalar_one_or_none()
    value = settings.get(CAMPUS_TEAM_SETTING) if isinstance(settings, dict) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return parse_team(value, field=CAMPUS_TEAM_SETTING)
        except InvalidParameter:
            return DEFAULT_TEAM  # a broken setting must not block invitations
    return DEFAULT_TEAM


def same_world(client_name: str, workspace_slug: str) -> bool:
    """Whether a client name names this workspace (letter case is ignored)."""
    return client_name.strip().lower() == workspace_slug.lower()
