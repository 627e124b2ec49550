"""Names for the ids a report groups by (venue, campaign, supplier, agent), per workspace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.schema import campaigns, customers, suppliers, venues

# dimension -> (table, label columns in output order)
_SOURCES: dict[str, tuple[sa.Table, tuple[str, ...]]] = {
    "venue": (venues, ("name",)),
    "campaign": (campaigns, ("name", "reference")),
    "supplier": (suppliers, ("name",)),
    "agent": (customers, ("display_name",)),
}


def fetch_labels(
    conn: Connection, workspace_id: int, dimension: str, ids: Iterable[Any]
) -> dict[Any, tuple[Any, ...]]:
    wanted = sorted({i for i in ids if i is not None})
    if dimension not in _SOURCES or not wanted:
        return {}
    table, names = _SOURCES[dimension]
    found: dict[Any, tuple[Any, ...]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        # `workspace_id + 0`: looked up by primary key; SQLite would otherwise walk a
        # (workspace_id, ...) index through every customer of the workspace
        query = sa.select(table.c.id, *(table.c[n] for n in names)).where(
            (table.c.workspace_id + 0) == workspace_id, table.c.id.in_(chunk)
        )
        for row in conn.execute(query):
            found[row[0]] = tuple(row[1:])
    return found
