"""What an import did: counts, the rejected rows (line, field, rule), and why it stopped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from turnout.core.errors import FieldProblem, InvalidParameter


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    problems: tuple[FieldProblem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "errors": [
                {"field": p.field, "rule": p.rule, "message": p.message} for p in self.problems
            ],
        }


@dataclass
class ImportReport:
    resource: str
    rows: int = 0  # records read
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    skipped: int = 0  # valid rows of batches that were rolled back
    batches: int = 0  # committed
    failed_batches: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    error: InvalidParameter | None = None  # reading stopped here

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and self.error is None

    def problems(self) -> list[FieldProblem]:
        """Every problem, each field named with its line (`line 12: email`)."""
        out = [
            FieldProblem(f"line {r.line}: {p.field}", p.rule, p.message)
            for r in self.rejections
            for p in r.problems
        ]
        if self.error is not None:
            out.extend(self.error.problems)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "batches": self.batches,
            "failed_batches": self.failed_batches,
            "rejections": [r.as_dict() for r in self.rejections],
            "error": self.error.message if self.error is not None else None,
        }
