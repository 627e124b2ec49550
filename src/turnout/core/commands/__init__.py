"""Commands: every write in Turnout, whichever edge asks for it.

The native v1 API, the dialects, bulk import, the admin UI and the CLI all call
these functions; each validates the business rules, writes inside the caller's
transaction, bumps `updated_at` and records an audit entry where the action is
destructive or permission-relevant. Edges only translate wire formats.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is writing, and where: a workspace and an audit name ("key:abc…", "cli")."""

    workspace_id: int
    name: str
