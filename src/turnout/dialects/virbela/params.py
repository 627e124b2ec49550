"""Query-string values the Virbela endpoints take: limits, offsets, windows, names.

Unknown parameters are ignored, as Virbela's gateway ignores them; a parameter
given twice, a limit that is not a whole number and the like are 400s naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from turnout.core.attendance import MAX_WINDOW_DAYS, attendance_window
from turnout.core.errors import InvalidParameter
from turnout.core.windows import Window

Params = Sequence[tuple[str, str]]
UTC_ZONE = ZoneInfo("UTC")
# Far beyond any campus; keeps a typo from asking the database for 10**30 rows.
MAX_ROWS = 1_000_000
MAX_OFFSET = 100_000_000
_WHOLE = re.compile(r"[0-9]{1,12}")
_MAX_TEXT = 200


def single(params: Params, name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise InvalidParameter.for_field(name, "single", f"{name} may be given only once")
    if values and len(values[0]) > _MAX_TEXT:
        raise InvalidParameter.for_field(
            name, "max_length", f"{name} is limited to {_MAX_TEXT} characters"
        )
    return values[0] if values else None


def whole_number(params: Params, name: str, *, low: int, high: int) -> int | None:
    """A whole number in `low..high`, or None when not given (or given empty)."""
    text = single(params, name)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        raise InvalidParameter.for_field(
            name, "integer", f"{name} must be a whole number, not {text[:40]!r}"
        )
    value = int(text)
    if not low <= value <= high:
        raise InvalidParameter.for_field(
            name, "range", f"{name} must be between {low} and {high:,}"
        )
    return value


def limit(params: Params, *, default: int | None) -> int | None:
    found = whole_number(params, "limit", low=1, high=MAX_ROWS)
    return default if found is None else found


def offset(params: Params, *names: str) -> int:
    """The first of `names` given (`offset`, or its alias `skip`); 0 by default."""
    given = [n for n in names if single(params, n) not in (None, "")]
    if len(given) > 1:
        raise InvalidParameter.for_field(
            given[1], "exclusive", f"give {' or '.join(names)}, not both"
        )
    for name in given:
        return whole_number(params, name, low=0, high=MAX_OFFSET) or 0
    return 0


def window(params: Params, *, now: datetime, max_days: int | None = MAX_WINDOW_DAYS) -> Window:
    """`start` and `stop` (ISO 8601, an offset or Z; UTC when none), both inclusive."""
    return attendance_window(
        single(params, "start"), single(params, "stop"), tz=UTC_ZONE, now=now, max_days=max_days
    )
