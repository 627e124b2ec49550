"""Time windows: turn ``from``/``to``/``preset``/``range`` input into an exact UTC window.

Every window is half-open, ``[start, end)``, aware and in UTC, and remembers the zone it
was computed in (reports bucket in it). Either bound may be open (None).

Rules of ``resolve_window`` (the documented inclusive rule):

* ``from`` (start): a date ``YYYY-MM-DD`` means that local midnight in ``tz``; a datetime
  is used as given (with ``Z`` or an offset it is exact; without one it is wall time in
  ``tz``).
* ``to`` (end) is inclusive: a date includes that whole local day, so the window ends at
  the next local midnight; a datetime includes that instant, so the window ends one
  microsecond after it. ``from=2024-01-01&to=2024-01-31`` is all of January.
* ``range``: a duration counted from ``from`` (``1 day``, ``1 month 5 days``). Years,
  months, weeks and days are added on the calendar in local wall time with relativedelta
  (``1 day`` from a local midnight ends at the next local midnight even across a DST
  change; ``1 month`` from Jan 31 ends at Feb 28/29); then hours and minutes are added as
  real elapsed time (``3 hours`` is always three hours). ``range`` needs ``from``
  (rule ``requires``) and cannot be combined with ``to`` or ``preset`` (``exclusive``).
* ``preset``: one of PRESETS (or an alias in PRESET_ALIASES; letter case and surrounding
  spaces are ignored), computed from ``now`` in ``tz``; every period is whole
  local days: today, yesterday, this_week / last_week (ISO weeks, Monday to Monday),
  last_7d / last_30d (the 7 or 30 whole days before today; today is excluded),
  this_month / last_month, this_year / last_year. A preset cannot be combined with
  ``from``, ``to`` or ``range`` (``exclusive``).
* Only ``from`` gives ``[start, None)``, only ``to`` gives ``(None, end)``, nothing gives
  an unbounded window. A window must not be empty: ``to`` before ``from`` is refused
  (rule ``order``, on the ``to`` field).
* Only None means "not given"; an empty string is a malformed value.

Local times that do not exist (the hour skipped when clocks go forward, or a midnight
skipped in zones that change at 00:00 such as America/Santiago) resolve to the first
instant that exists after them, so consecutive days stay contiguous. Local times that
happen twice (clocks going back) resolve to the first occurrence.

Every error is an InvalidParameter naming the field and one rule: ``max_length`` (over
200 characters, checked first), ``date_format``, ``zone``, ``one_of``, ``duration``,
``order``, ``exclusive``, ``requires`` or ``bounds`` (outside years 1..9999, or a
duration over 100 years).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil.relativedelta import relativedelta

from turnout.core.durations import (
    MAX_INPUT_LENGTH,
    fail,
    parse_duration,
    parse_duration_parts,
    show,
)

__all__ = [
    "PRESETS",
    "PRESET_ALIASES",
    "Window",
    "day_window",
    "local_midnight",
    "parse_duration",
    "parse_instant",
    "parse_zone",
    "resolve_window",
]

PRESETS: tuple[str, ...] = (
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "last_7d",
    "last_30d",
    "this_month",
    "last_month",
    "this_year",
    "last_year",
)
PRESET_ALIASES: dict[str, str] = {"lastweek": "last_week"}

_ONE_MICROSECOND = timedelta(microseconds=1)
# Names that exist in tzdata but depend on the host or mean nothing; refused as unknown.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_INSTANT = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
# "+02:00" sent unencoded in a query string arrives as " 02:00".
_LOST_PLUS = re.compile(r".*[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)? [0-9]{2}(?::?[0-9]{2})?")
_FORMATS = "a date (YYYY-MM-DD) or an ISO 8601 datetime (YYYY-MM-DDTHH:MM:SS with Z or an offset)"


@dataclass(frozen=True, slots=True)
class Window:
    """The half-open UTC window ``[start, end)``; None means unbounded on that side."""

    start: datetime | None
    end: datetime | None
    tz: ZoneInfo

    def contains(self, instant: datetime) -> bool:
        """Whether an aware instant lies in the window (start inclusive, end exclusive)."""
        if instant.tzinfo is None:
            raise ValueError("Window.contains needs an aware datetime")
        return (self.start is None or self.start <= instant) and (
            self.end is None or instant < self.end
        )


@contextmanager
def _in_calendar(field: str) -> Iterator[None]:
    # datetime signals leaving years 1..9999 with OverflowError (arithmetic) or
    # ValueError (replace, as relativedelta does); both mean the same to a client.
    try:
        yield
    except (OverflowError, ValueError) as exc:
        raise fail(field, "bounds", f"{field} falls outside the years 1 to 9999") from exc


def _check_length(text: str, field: str) -> None:
    if len(text) > MAX_INPUT_LENGTH:
        raise fail(
            field, "max_length", f"{field} must be at most {MAX_INPUT_LENGTH} characters long"
        )


@cache
def _zone_names() -> tuple[frozenset[str], dict[str, str]]:
    names = frozenset(available_timezones() - _NOT_ZONES)
    return names, {name.lower(): name for name in names}


def parse_zone(name: str | None, *, default: str = "UTC", field: str = "tz") -> ZoneInfo:
    """An IANA zone such as ``Europe/London`` (any letter case); None means ``default``."""
    if name is None:
        name = default
    _check_length(name, field)
    names, by_lower = _zone_names()
    key = name if name in names else by_lower.get(name.lower())
    if key is None:
        raise fail(
            field,
            "zone",
            f"{field}: unknown time zone {show(name)}; use an IANA name such as Europe/London",
        )
    return ZoneInfo(key)


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time, with the gap/fold rule of the module."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == wall:
        return first  # fold=0 is the earlier of two occurrences
    # In a gap the two folds give instants on either side of the transition; the first
    # instant whose wall time is past the requested one is the transition itself.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    steps = (high - low) // _ONE_MICROSECOND
    lo, hi = 0, steps
    while lo < hi:
        mid = (lo + hi) // 2
        if _wall(low + mid * _ONE_MICROSECOND, tz) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return low + lo * _ONE_MICROSECOND


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``tz``."""
    return _to_utc(datetime(day.year, day.month, day.day), tz)


def day_window(day: date, tz: ZoneInfo, *, field: str = "day") -> Window:
    """The whole local day (23 or 25 hours on DST days; empty if the zone skipped it)."""
    with _in_calendar(field):
        return Window(local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz), tz)


def parse_instant(text: str, *, field: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Parse a date or ISO 8601 datetime; returns (aware UTC instant, whether it was a date).

    A date is its local midnight in ``tz``; a datetime without an offset is wall time in
    ``tz``. Fractions beyond microseconds are truncated.
    """
    instant, _, is_date = _parse_instant(text, field, tz)
    return instant, is_date


def _parse_instant(text: str, field: str, tz: ZoneInfo) -> tuple[datetime, datetime, bool]:
    """(UTC instant, local wall time as the client meant it, whether it was a date)."""
    _check_length(text, field)
    match = _INSTANT.fullmatch(text)
    if match is None:
        hint = ""
        if _LOST_PLUS.fullmatch(text):
            hint = ' (a "+" in a query string must be sent as %2B)'
        raise fail(field, "date_format", f"{field} must be {_FORMATS}; got {show(text)}{hint}")
    parts = match.groupdict()
    year = int(parts["year"])
    if year == 0:
        raise fail(field, "bounds", f"{field} falls outside the years 1 to 9999")
    try:
        written = datetime(
            year,
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")[:6]),
        )
    except ValueError as exc:
        raise fail(
            field, "date_format", f"{field}: {show(text)} is not a valid date or time ({exc})"
        ) from exc
    zone = parts["zone"]
    with _in_calendar(field):
        if zone is None:
            return _to_utc(written, tz), written, parts["hour"] is None
        offset = timedelta(0)
        if zone not in "Zz":
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or minutes > 59:
                raise fail(field, "date_format", f"{field}: {show(zone)} is not a valid UTC offset")
            offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
        instant = (written - offset).replace(tzinfo=UTC)
        return instant, _wall(instant, tz), False


def _preset_window(name: str, tz: ZoneInfo, now: datetime) -> Window:
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    year = today.replace(month=1, day=1)
    days: dict[str, tuple[date, date]] = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "this_week": (monday, monday + timedelta(days=7)),
        "last_week": (monday - timedelta(days=7), monday),
        "last_7d": (today - timedelta(days=7), today),
        "last_30d": (today - timedelta(days=30), today),
        "this_month": (month, month + relativedelta(months=1)),
        "last_month": (month - relativedelta(months=1), month),
        "this_year": (year, year + relativedelta(years=1)),
        "last_year": (year - relativedelta(years=1), year),
    }
    first, after = days[name]
    return Window(local_midnight(first, tz), local_midnight(after, tz), tz)


def _resolve_preset(text: str, tz: ZoneInfo, now: datetime, field: str) -> Window:
    key = text.strip().lower()
    key = PRESET_ALIASES.get(key, key)
    if key not in PRESETS:
        raise fail(
            field,
            "one_of",
            f"{field}: unknown preset {show(text)}; use one of {', '.join(PRESETS)}",
        )
    with _in_calendar(field):
        return _preset_window(key, tz, now)


def resolve_window(
    *,
    start: str | None = None,
    end: str | None = None,
    preset: str | None = None,
    range_: str | None = None,
    tz: ZoneInfo,
    now: datetime,
    start_field: str = "from",
    end_field: str = "to",
    preset_field: str = "preset",
    range_field: str = "range",
) -> Window:
    """Resolve user input into a Window by the rules in the module docstring."""
    if now.tzinfo is None:
        raise ValueError("resolve_window needs an aware now")
    for text, field in (
        (start, start_field),
        (end, end_field),
        (preset, preset_field),
        (range_, range_field),
    ):
        if text is not None:
            _check_length(text, field)

    if preset is not None and (start is not None or end is not None or range_ is not None):
        given = [
            f
            for v, f in ((start, start_field), (end, end_field), (range_, range_field))
            if v is not None
        ]
        raise fail(
            preset_field,
            "exclusive",
            f"{preset_field} cannot be combined with {' or '.join(given)}; "
            f"give either {preset_field} or {start_field}/{end_field}",
        )
    if range_ is not None and end is not None:
        raise fail(
            range_field,
            "exclusive",
            f"{range_field} cannot be combined with {end_field}; "
            f"give {start_field} with either {end_field} or {range_field}",
        )
    if range_ is not None and start is None:
        raise fail(
            range_field,
            "requires",
            f"{range_field} needs {start_field}: the duration is counted from {start_field}",
        )

    if preset is not None:
        return _resolve_preset(preset, tz, now, preset_field)

    lower: datetime | None = None
    upper: datetime | None = None
    if start is not None:
        lower, lower_wall, _ = _parse_instant(start, start_field, tz)
        if range_ is not None:
            duration = parse_duration_parts(range_, field=range_field)
            with _in_calendar(range_field):
                upper = _to_utc(lower_wall + duration.calendar, tz) + duration.elapsed
    if end is not None:
        instant, end_wall, is_date = _parse_instant(end, end_field, tz)
        with _in_calendar(end_field):
            if is_date:
                upper = local_midnight(end_wall.date() + timedelta(days=1), tz)
            else:
                upper = instant + _ONE_MICROSECOND

    if lower is not None and upper is not None and lower >= upper:
        if range_ is not None:  # only where the zone skips time; kept as a safety net
            raise fail(range_field, "order", f"{range_field} must end after {start_field}")
        raise fail(end_field, "order", f"{end_field} must not be before {start_field}")
    return Window(lower, upper, tz)
