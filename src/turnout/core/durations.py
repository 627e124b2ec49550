"""Durations such as ``1 month 5 days`` (SynthesisVR's ``range``), parsed strictly.

Grammar: one or more ``<positive integer> <unit>`` parts separated by whitespace, in
any order, case-insensitive. Units are minute, hour, day, week, month and year, singular
or plural, each at most once. Whitespace between the number and its unit is optional
(``3days``). Anything else (``five days``, ``1.5 days``, ``0 days``, ``-1 day``, ``1 day
day``, ``1 fortnight``) is refused with rule ``duration``; a total over 100 years is
refused with rule ``bounds``.

``parse_duration`` returns a ``relativedelta`` for callers that want one. Note that
relativedelta folds 24 hours into a day, so ``30 hours`` and ``1 day 6 hours`` become
the same value; ``parse_duration_parts`` keeps the parts as written, which is what the
window code needs to add hours as elapsed time but days as calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from turnout.core.errors import InvalidParameter, TurnoutError

__all__ = [
    "MAX_INPUT_LENGTH",
    "UNITS",
    "Duration",
    "fail",
    "parse_duration",
    "parse_duration_parts",
    "show",
]

MAX_INPUT_LENGTH = 200
UNITS: tuple[str, ...] = ("minute", "hour", "day", "week", "month", "year")
_UNIT_LIST = ", ".join(UNITS[:-1]) + " or " + UNITS[-1]

# ASCII only: \d and \s would also match Arabic-Indic digits or exotic spaces.
_PART = re.compile(r"([0-9]*)[ \t\n\r\f\v]*([A-Za-z]*)")
_SPACE = re.compile(r"[ \t\n\r\f\v]*")
_HUNDRED_YEARS_FROM = datetime(2000, 1, 1)
_HUNDRED_YEARS_TO = datetime(2100, 1, 1)


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration as written: every part a non-negative count of one unit."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @property
    def calendar(self) -> relativedelta:
        """The part counted on the calendar (in local wall time)."""
        return relativedelta(years=self.years, months=self.months, days=self.weeks * 7 + self.days)

    @property
    def elapsed(self) -> timedelta:
        """The part counted as real elapsed time."""
        return timedelta(hours=self.hours, minutes=self.minutes)

    def as_relativedelta(self) -> relativedelta:
        return relativedelta(
            years=self.years,
            months=self.months,
            days=self.weeks * 7 + self.days,
            hours=self.hours,
            minutes=self.minutes,
        )


def fail(field: str, rule: str, message: str) -> TurnoutError:
    """The InvalidParameter to raise for one broken rule on one field."""
    return InvalidParameter.for_field(field, rule, message)


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    assert match is not None  # the pattern also matches the empty string
    return match.end()


def show(text: str, limit: int = 40) -> str:
    """Quote user input for an error message: escaped, and cut so messages stay short."""
    cut = text if len(text) <= limit else text[:limit] + "..."
    return '"' + repr(cut)[1:-1] + '"'


def parse_duration_parts(text: str, *, field: str = "range") -> Duration:
    """Parse a duration, keeping its parts as written (see the module docstring)."""
    if len(text) > MAX_INPUT_LENGTH:
        raise fail(
            field, "max_length", f"{field} must be at most {MAX_INPUT_LENGTH} characters long"
        )
    example = 'such as "1 day" or "1 month 5 days"'
    if not text.strip():
        raise fail(field, "duration", f"{field} must not be empty; give a duration {example}")
    counts: dict[str, int] = {}
    pos = _skip_space(text, 0)
    while pos < len(text):
        match = _PART.match(text, pos)
        assert match is not None  # every group is optional, so it always matches
        number, word = match.groups()
        if not number:
            bad = match.group(0) or text[pos]
            raise fail(
                field,
                "duration",
                f"{field}: expected a whole number before {show(bad)}; give a duration {example}",
            )
        if not word:
            raise fail(
                field,
                "duration",
                f"{field}: the number {show(number)} needs a unit "
                f"({_UNIT_LIST}); give a duration {example}",
            )
        unit = word.lower()
        unit = unit[:-1] if unit.endswith("s") else unit
        if unit not in UNITS:
            raise fail(field, "duration", f"{field}: unknown unit {show(word)}; use {_UNIT_LIST}")
        if unit in counts:
            raise fail(field, "duration", f"{field}: the unit {unit} is given more than once")
        # Anything this long is over 100 years in every unit; refuse before doing big arithmetic.
        value = int(number) if len(number) <= 12 else 10**12
        if value == 0:
            raise fail(
                field, "duration", f"{field}: {show(match.group(0).strip())} must be positive"
            )
        counts[unit] = value
        end = match.end()
        pos = _skip_space(text, end)
        if pos == end and pos < len(text):
            raise fail(
                field,
                "duration",
                f"{field}: unexpected {show(text[pos:])}; separate parts with spaces, {example}",
            )
    duration = Duration(
        years=counts.get("year", 0),
        months=counts.get("month", 0),
        weeks=counts.get("week", 0),
        days=counts.get("day", 0),
        hours=counts.get("hour", 0),
        minutes=counts.get("minute", 0),
    )
    _check_at_most_100_years(duration, field)
    return duration


def _check_at_most_100_years(duration: Duration, field: str) -> None:
    # "100 years" is measured from 2000-01-01 (36525 days); compare in whole numbers so
    # that absurd counts never reach datetime arithmetic and overflow there.
    message = f"{field} must be at most 100 years"
    months = duration.years * 12 + duration.months
    if months > 1200:
        raise fail(field, "bounds", message)
    room = _HUNDRED_YEARS_TO - (_HUNDRED_YEARS_FROM + relativedelta(months=months))
    minutes = ((duration.weeks * 7 + duration.days) * 24 + duration.hours) * 60 + duration.minutes
    if minutes * 60 > room.total_seconds():
        raise fail(field, "bounds", message)


def parse_duration(text: str, *, field: str = "range") -> relativedelta:
    """Parse a duration such as ``1 month 5 days`` into a relativedelta.

    Raises InvalidParameter (rules ``max_length``, ``duration``, ``bounds``) on ``field``.
    """
    return parse_duration_parts(text, field=field).as_relativedelta()
