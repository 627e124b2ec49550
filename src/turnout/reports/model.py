"""What a report declares (metrics, dimensions, filters) and what a run receives and returns.

A report is data plus one `compute` function: the declarations drive parameter
parsing, `GET /v1/reports`, the output columns and the docs; `compute` gets a parsed
`ReportRequest` and returns rows keyed by dimension values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from turnout.formats import Column, ColumnType
from turnout.reports.buckets import Granularity

FilterKind = Literal["id", "text"]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    type: ColumnType
    description: str
    # a distinct count: exact per day in the daily rollup, otherwise from raw rows
    raw_only: bool = False


@dataclass(frozen=True, slots=True)
class Dimension:
    """A grouping key; `columns` are what the output shows for it (id first)."""

    name: str
    columns: tuple[Column, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Filter:
    """`name=value` (comma list = any of) on one report key."""

    name: str
    kind: FilterKind
    description: str


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a run must give up; `check()` raises Unavailable once it has passed."""

    at: float
    check: Callable[[], None]


@dataclass(frozen=True)
class ReportRequest:
    workspace_id: int
    start: datetime
    end: datetime
    tz: ZoneInfo
    granularity: Granularity | None
    group_by: tuple[str, ...]
    """Non-time dimensions, in the order asked for."""
    metrics: tuple[str, ...]
    filters: Mapping[str, tuple[Any, ...]]
    use_rollups: bool = True
    now: datetime | None = None
    use_days: bool = True
    """With rollups: read the daily ones when the window allows (False: hours only)."""


Key = tuple[Any, ...]
"""(bucket index or None, then one value per non-time dimension)."""


@dataclass
class ReportOutput:
    """Metric values per key, plus labels for dimension ids (name, reference ...)."""

    values: dict[Key, dict[str, Any]]
    labels: dict[str, dict[Any, tuple[Any, ...]]] = field(default_factory=dict)
    used_rollups: bool = False
    used_days: bool = False


Compute = Callable[[Connection, ReportRequest, Deadline], ReportOutput]


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    time_field: str
    metrics: tuple[Metric, ...]
    dimensions: tuple[Dimension, ...]
    filters: tuple[Filter, ...]
    default_group_by: tuple[str, ...]
    compute: Compute
    implicit_columns: tuple[Column, ...] = ()
    """Keys always present (currency for money reports), after the dimensions."""
    rollups: tuple[str, ...] = ()
    """Rollups (turnout.reports.rollups.ROLLUPS) refreshed before a run."""

    def metric(self, name: str) -> Metric | None:
        return next((m for m in self.metrics if m.name == name), None)

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    def filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "time_field": self.time_field,
            "metrics": [
                {"name": m.name, "type": m.type, "description": m.description} for m in self.metrics
            ],
            "dimensions": [
                {
                    "name": d.name,
                    "description": d.description,
                    "columns": [c.name for c in d.columns],
                }
                for d in self.dimensions
            ]
            + [
                {
                    "name": g,
                    "description": f"time bucket: one row per local {g}",
                    "columns": ["period"],
                }
                for g in ("hour", "day", "week", "month")
            ],
            "filters": [
                {"name": f.name, "kind": f.kind, "description": f.description} for f in self.filters
            ],
            "default_group_by": list(self.default_group_by),
            "parameters": list(COMMON_PARAMETERS),
        }


COMMON_PARAMETERS: Sequence[str] = (
    "from",
    "to",
    "preset",
    "range",
    "tz",
    "group_by",
    "metrics",
    "format",
    "bom",
)
