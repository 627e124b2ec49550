"""Report rollups: hourly per UTC hour, daily per local day of the workspace's zone.

Four rollups, each in two stages:

| rollup | hours (`hourly`) | days (`daily`) |
|---|---|---|
| `sessions` | `rollup_session_hours` | `rollup_session_days`, `rollup_workspace_days` |
| `sales` | `rollup_sale_hours` | `rollup_sale_days` |
| `leads` | `rollup_lead_hours` | `rollup_lead_days` |
| `waitlist` | `rollup_waitlist_hours` | `rollup_waitlist_days` |

(the session days also keep `rollup_first_visits`, see `first_visits`).

Writers mark what they change (`marks`); a report refreshes the rollups it reads
(hours, then the days the consumed hours touch) and reads days when its window and
buckets are whole days of the workspace's zone, hours otherwise. `turnout rollups
rebuild` recomputes everything from raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from turnout.db.schema import rollup_lead_days, rollup_sale_days, rollup_waitlist_days
from turnout.reports.rollups.additive_days import AdditiveDays
from turnout.reports.rollups.daily import DayStage, rebuild_days, refresh_days
from turnout.reports.rollups.hourly import (
    LEADS,
    SALES,
    SESSIONS,
    WAITLIST,
    AdditiveHours,
    Check,
    SessionHours,
    no_check,
    venue_parts,
)
from turnout.reports.rollups.import_marks import mark_import
from turnout.reports.rollups.marks import mark_all_dirty, mark_write
from turnout.reports.rollups.session_days import SessionDays

__all__ = [
    "LEADS",
    "ROLLUPS",
    "SALES",
    "SESSIONS",
    "WAITLIST",
    "Rollup",
    "mark_all_dirty",
    "mark_import",
    "mark_write",
    "rebuild_all",
    "venue_parts",
]


@dataclass(frozen=True)
class Rollup:
    name: str
    hours: AdditiveHours | SessionHours
    days: DayStage

    def rebuild_hours(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        self.hours.rebuild(engine, workspace_id, check)

    def rebuild_days(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        rebuild_days(engine, self.days, workspace_id, check)

    def rebuild(self, engine: Engine, workspace_id: int, check: Check = no_check) -> None:
        """Both stages from scratch."""
        self.rebuild_hours(engine, workspace_id, check)
        self.rebuild_days(engine, workspace_id, check)

    def refresh(
        self,
        engine: Engine,
        workspace_id: int,
        check: Check = no_check,
        budget: float | None = None,
    ) -> bool:
        """Bring the hours, then the days, up to date. The days get at most `budget`
        seconds (then the rest waits for the next refresh); True when none is pending."""
        self.hours.refresh(engine, workspace_id, check)
        return refresh_days(engine, self.days, workspace_id, check, budget)


ROLLUPS: dict[str, Rollup] = {
    "sessions": Rollup("sessions", SESSIONS, SessionDays()),
    "sales": Rollup("sales", SALES, AdditiveDays(SALES, rollup_sale_days)),
    "leads": Rollup("leads", LEADS, AdditiveDays(LEADS, rollup_lead_days)),
    "waitlist": Rollup("waitlist", WAITLIST, AdditiveDays(WAITLIST, rollup_waitlist_days)),
}


def rebuild_all(engine: Engine, workspace_id: int) -> None:
    for rollup in ROLLUPS.values():
        rollup.rebuild(engine, workspace_id)
