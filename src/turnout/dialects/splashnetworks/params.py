"""The seed's parameters: `slug`, `page`, `per_page`, `start_date`, `end_date`.

Each is read once, checked, and turned into what the core takes: the team check
against the key's workspace, an offset page, and a time window in the
workspace's zone (`turnout.core.windows`, whose end is inclusive). An empty
optional value counts as not given, as form-built query strings send them; a
parameter the endpoint does not document is refused, so a misspelt
`startdate` cannot silently return everything.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from turnout.auth.keys import Principal
from turnout.core.errors import InvalidParameter, PermissionDenied
from turnout.core.paging import MAX_LIMIT
from turnout.core.params import MAX_OFFSET
from turnout.core.values import MAX_VALUE_LENGTH
from turnout.core.windows import Window, parse_zone, resolve_window

Params = Sequence[tuple[str, str]]

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = MAX_LIMIT
# `slug=default` names the key's own team, whatever its workspace slug is.
DEFAULT_SLUG = "default"

PAGING = ("slug", "page", "per_page")
DATED = (*PAGING, "start_date", "end_date")

_WHOLE = re.compile(r"[+-]?[0-9]{1,20}")


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def single(params: Params, name: str) -> str | None:
    """The one value of `name` (None if absent or empty); twice is an error."""
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise InvalidParameter.for_field(name, "single", f"{name} may be given only once")
    if not values or not values[0].strip():
        return None
    if len(values[0]) > MAX_VALUE_LENGTH:
        raise InvalidParameter.for_field(
            name, "max_length", f"{name} is limited to {MAX_VALUE_LENGTH} characters"
        )
    return values[0].strip()


def check_known(names: Collection[str], allowed: Sequence[str], *, what: str = "parameter") -> None:
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        shown = unknown[0][:60]
        raise InvalidParameter.for_field(
            shown,
            "unknown_parameter" if what == "parameter" else "unknown_field",
            f"unknown {what} {shown!r}; use {', '.join(allowed)}",
        )


def check_team(slug: str | None, principal: Principal) -> None:
    """`slug` must name the key's own team: its workspace slug, or `default`."""
    if slug is None:
        raise InvalidParameter.for_field(
            "slug",
            "required",
            f"slug is required: your team's identifier, or {DEFAULT_SLUG!r} for your own team",
        )
    if slug not in (DEFAULT_SLUG, principal.workspace_slug):
        shown = slug if len(slug) <= 60 else slug[:60] + "..."
        raise PermissionDenied.for_field(
            "slug", "team", f"this API key does not belong to team {shown!r}"
        )


def whole_number(name: str, text: str, *, low: int, high: int, hint: str = "") -> int:
    if not _WHOLE.fullmatch(text):
        raise InvalidParameter.for_field(name, "integer", f"{name} must be a whole number{hint}")
    number = int(text)
    if not low <= number <= high:
        raise InvalidParameter.for_field(
            name, "range", f"{name} must be between {low} and {high}{hint}, not {text}"
        )
    return number


def paging(params: Params) -> Paging:
    per_page_text = single(params, "per_page")
    per_page = DEFAULT_PER_PAGE
    if per_page_text is not None:
        per_page = whole_number("per_page", per_page_text, low=1, high=MAX_PER_PAGE)
    page_text = single(params, "page")
    page = 1
    if page_text is not None:
        page = whole_number("page", page_text, low=1, high=MAX_OFFSET)
    result = Paging(page, per_page)
    if result.offset > MAX_OFFSET:
        raise InvalidParameter.for_field(
            "page",
            "range",
            f"page {page} of {per_page} starts past row {MAX_OFFSET}; "
            "narrow the list with start_date and end_date",
        )
    return result


def window(params: Params, *, timezone: str, now: datetime) -> Window | None:
    """`start_date`..`end_date`, both inclusive, in the workspace's zone."""
    start, end = single(params, "start_date"), single(params, "end_date")
    if start is None and end is None:
        return None
    return resolve_window(
        start=start,
        end=end,
        tz=parse_zone(timezone),
        now=now,
        start_field="start_date",
        end_field="end_date",
    )


@dataclass(frozen=True, slots=True)
class ListRequest:
    paging: Paging
    window: Window | None


def list_request(
    params: Params, principal: Principal, *, dated: bool, now: datetime
) -> ListRequest:
    """A list call's parameters: team first, then the rest in the seed's order."""
    check_team(single(params, "slug"), principal)
    check_known([key for key, _ in params], DATED if dated else PAGING)
    pages = paging(params)
    dates = window(params, timezone=principal.workspace_timezone, now=now) if dated else None
    return ListRequest(pages, dates)
