"""Time and identity helpers for the demo generator's hot loops.

Times are integer epoch milliseconds until the moment they are written, and are
written through a formatter that caches the text of each minute, so a million rows
do not cost millions of datetime objects.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

PAST_DAYS = 182
FUTURE_DAYS = 21

TimeFormatter = Callable[[int], str]


def make_formatter() -> TimeFormatter:
    """epoch ms -> `YYYY-MM-DDTHH:MM:SS.mmm000Z`, the fixed-width text Turnout stores."""
    minutes: dict[int, str] = {}
    seconds = [f"{s:02d}.{ms:03d}000Z" for s in range(60) for ms in range(1000)]

    def fmt(ms: int) -> str:
        minute, rest = divmod(ms, MINUTE)
        prefix = minutes.get(minute)
        if prefix is None:
            prefix = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(minute * 60))
            minutes[minute] = prefix
        return prefix + seconds[rest]

    return fmt


@dataclass(frozen=True)
class Calendar:
    """The demo's days: PAST_DAYS of history before `anchor`, FUTURE_DAYS of bookings.

    `day_start[i]` is local midnight of day i as epoch ms, computed with the UTC
    offset at local noon so that opening hours land right on DST change days.
    Day PAST_DAYS is the anchor day; its midnight is `now`, the moment the history
    ends (so "completed" never lies in the future when the anchor is today).
    """

    anchor: date
    zone: ZoneInfo
    day_start: Sequence[int]
    weekday: Sequence[int]

    @classmethod
    def build(cls, anchor: date, zone: ZoneInfo) -> Calendar:
        starts: list[int] = []
        weekdays: list[int] = []
        for offset in range(-PAST_DAYS, FUTURE_DAYS):
            day = anchor + timedelta(days=offset)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
            utc_offset = noon.utcoffset() or timedelta(0)
            midnight_utc = datetime(day.year, day.month, day.day, tzinfo=UTC) - utc_offset
            starts.append(int(midnight_utc.timestamp()) * 1000)
            weekdays.append(day.weekday())
        return cls(anchor=anchor, zone=zone, day_start=starts, weekday=weekdays)

    @property
    def start(self) -> int:
        return self.day_start[0]

    @property
    def now(self) -> int:
        return self.day_start[PAST_DAYS]

    def day_of(self, ms: int) -> int:
        """Index of the day holding `ms`, clamped to the calendar."""
        index = (ms - self.day_start[0]) // DAY
        if index < 0:
            return 0
        last = len(self.day_start) - 1
        if index > last:
            return last
        # DST shifts midnights by an hour either way; step back if we overshot.
        while index > 0 and self.day_start[index] > ms:
            index -= 1
        return index


def uuid4_text(bits: int) -> str:
    """Same text as `str(uuid.UUID(int=bits, version=4))`, at a fraction of the cost."""
    bits = (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_OBJECT_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def object_id(rng: random.Random, length: int = 12) -> str:
    """A Parse-style object id such as Virbela's `6DwTpLBvvX32`."""
    alphabet = _OBJECT_ID_ALPHABET
    return "".join(alphabet[int(rng.random() * 62)] for _ in range(length))


def stage_rng(seed: int, stage: str) -> random.Random:
    """A generator per table, so that the size of one table never shifts another's data."""
    return random.Random(f"turnout-demo:{seed}:{stage}")


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integer parts proportional to `weights` (largest remainder)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(x) for x in raw]
    short = total - sum(parts)
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[:short]:
        parts[i] += 1
    return parts


def cumulative(weights: Sequence[float]) -> list[float]:
    """Cumulative thresholds in [0, 1] for picking with one `random()` and a scan."""
    total = float(sum(weights))
    out: list[float] = []
    running = 0.0
    for w in weights:
        running += w
        out.append(running / total)
    out[-1] = 1.0
    return out


def pick(thresholds: Sequence[float], u: float) -> int:
    """Index for uniform `u` under `cumulative` thresholds (lists here are short)."""
    for i, t in enumerate(thresholds):
        if u < t:
            return i
    return len(thresholds) - 1
