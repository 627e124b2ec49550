"""One exception hierarchy for every edge.

The core raises these; each edge (native v1, a dialect, the admin UI, the CLI) maps
them into its own envelope in one handler. Each error names the field and the rule
it broke so that a client can fix its request without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one input: which field, which rule, in words."""

    field: str
    rule: str
    message: str


@dataclass
class TurnoutError(Exception):
    """Base of every error an edge turns into a 4xx answer."""

    message: str
    problems: list[FieldProblem] = field(default_factory=list)

    status = 400
    code = "invalid_request"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def for_field(cls, field_name: str, rule: str, message: str) -> Self:
        return cls(message, [FieldProblem(field_name, rule, message)])

    @property
    def field(self) -> str | None:
        return self.problems[0].field if self.problems else None

    @property
    def rule(self) -> str | None:
        return self.problems[0].rule if self.problems else None


class InvalidParameter(TurnoutError):
    """A query parameter or body field is malformed or breaks a rule."""

    status = 400
    code = "invalid_parameter"


class Unauthenticated(TurnoutError):
    """No credentials, or credentials that are unknown, revoked or expired."""

    status = 401
    code = "unauthenticated"


class PermissionDenied(TurnoutError):
    """The credentials are valid but may not do this (scope or IP address)."""

    status = 403
    code = "permission_denied"


class NotFound(TurnoutError):
    """The addressed object does not exist in the caller's workspace."""

    status = 404
    code = "not_found"


class Conflict(TurnoutError):
    """The request clashes with existing state (duplicate, idempotency mismatch)."""

    status = 409
    code = "conflict"


class Unprocessable(TurnoutError):
    """The body is well-formed but cannot be applied."""

    status = 422
    code = "unprocessable"


class TooManyRequests(TurnoutError):
    """A limit or a one-at-a-time lock refused the request for now."""

    status = 429
    code = "too_many_requests"
    retry_after: int | None = None


class Unavailable(TurnoutError):
    """The server could not finish in time (a report timeout, a database outage)."""

    status = 503
    code = "unavailable"


class Internal(TurnoutError):
    """A bug, reported without details (they are logged, never sent)."""

    status = 500
    code = "internal_error"
