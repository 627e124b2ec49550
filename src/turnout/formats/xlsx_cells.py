"""Cell values of the streaming XLSX writer (`xlsx.py`): what goes inside `<c>`.

A cell is written as `<c r="B7` + *middle* + value + *end*. Most column types have
fixed middle and end pieces (`PIECES`) and a converter that turns a value into its
text. Dates and datetimes may fall back to text (before 1900, or not a date at
all), so their converters return the whole tail (middle, value and end) instead.

Datetimes are the costly cells of a typical export, so `DatetimeCells` also
converts a whole batch column at once with C-level `map` calls, for the common case
of a column in the database's own text form (or aware datetimes) with no gaps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from operator import add, floordiv, itemgetter, sub, truediv
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import orjson

from turnout.formats.base import date_text
from turnout.formats.escaping import EXCEL_MAX_TEXT, XML_UNSAFE, xml_escape, xml_text

HEADER_STYLE, DATETIME_STYLE, DATE_STYLE = 1, 2, 3

# Excel trims leading and trailing whitespace of a cell unless told to keep it.
TEXT = '" t="inlineStr"><is><t xml:space="preserve">'
PLAIN_TEXT = '" t="inlineStr"><is><t>'
TEXT_END = "</t></is></c>"
NUMBER, NUMBER_END = '"><v>', "</v></c>"
DATETIME = f'" s="{DATETIME_STYLE}"><v>'
# (middle, end) per column type; "" for types whose converters write the tail.
PIECES = {
    "string": (TEXT, TEXT_END),
    "json": (TEXT, TEXT_END),
    "integer": (NUMBER, NUMBER_END),
    "decimal": (NUMBER, NUMBER_END),
    "float": (NUMBER, NUMBER_END),
    "boolean": ('" t="b"><v>', NUMBER_END),
}

_EPOCH_UTC = datetime(1899, 12, 30, tzinfo=UTC)
_EPOCH_DATE = _EPOCH_UTC.date()
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)
_MICROSECOND = timedelta(microseconds=1)
_DAY_MICROS = 86_400_000_000
_HOUR_MICROS = 3_600_000_000
_DAY_61_MICROS = 61 * _DAY_MICROS


# -- text ------------------------------------------------------------------------------

# Over a column's `\n`-joined text; a false alarm only costs the exact path.
_UNSAFE_TEXT = XML_UNSAFE.search
_UNSAFE_ASCII = bytes([*b"&<>\r", *range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# Whitespace at the start or end of one of the `\n`-joined texts (XlsxWriter's rule).
_EDGE_SPACE = re.compile(r"(?:^|\n)\s|\s(?:\n|$)").search


def text_column(column: Sequence[Any]) -> tuple[Sequence[Any], str]:
    """A batch's text column (no nulls) ready for XML, and the middle piece its
    cells need.

    The column's texts are joined and scanned once. Clean text is used as it is;
    otherwise the joined text is escaped in one go and split again, unless a text
    holds the separator or is too long for a cell (then cell by cell).
    `xml:space="preserve"` is only written when some text starts or ends with
    whitespace.
    """
    try:
        joined = "\n".join(column)
    except TypeError:  # not all str
        column = list(map(str, column))
        joined = "\n".join(column)
    raw = None
    if _needs_escape(joined) or len(joined) > EXCEL_MAX_TEXT:
        if joined.count("\n") != len(column) - 1 or max(map(len, column)) > EXCEL_MAX_TEXT:
            return list(map(text, column)), TEXT
        # Edges are judged before and after: `\r` becomes `&#13;`, `\x00 ` becomes ` `.
        raw, joined = joined, xml_escape(joined)
        column = joined.split("\n")
    if "" in column:  # an empty text has no edges, but would look like one when joined
        joined = "\n".join(filter(None, column))
    edges = _has_edge_space(joined) or (raw is not None and _has_edge_space(raw))
    return column, TEXT if edges else PLAIN_TEXT


def _needs_escape(joined: str) -> bool:
    if joined.isascii():
        # One C pass of bytes.translate; the regex tries its pattern at every position.
        raw = joined.encode("ascii")
        if len(raw.translate(None, _UNSAFE_ASCII)) == len(raw) and b"_x" not in raw:
            return False
    return _UNSAFE_TEXT(joined) is not None


def _has_edge_space(joined: str) -> bool:
    if joined.isascii():
        return (
            joined[:1].isspace()
            or joined[-1:].isspace()
            or "\t" in joined
            or " \n" in joined
            or "\n " in joined
            or "\n\n" in joined
            or "\x0b" in joined
            or "\x0c" in joined
        )
    return _EDGE_SPACE(joined) is not None


def text(value: Any) -> str | None:
    if value is None:
        return None
    return xml_text(value if value.__class__ is str else str(value))


def text_tail(value: Any) -> str:
    return f"{TEXT}{xml_text(str(value))}{TEXT_END}"


# -- other plain values -------------------------------------------------------------------


def json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return xml_text(bytes(value).decode("utf-8", "replace"))
    return xml_text(value if value.__class__ is str else orjson.dumps(value).decode())


def real(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    # NaN and infinities ("nan", "inf", "Infinity") have no cell form; an empty
    # cell beats a corrupt file.
    return text if text[-1:].isdigit() else None


class _Booleans(dict[Any, str | None]):
    def __missing__(self, key: Any) -> str:
        return "1" if key else "0"


# -- dates and datetimes ----------------------------------------------------------------


def _early_serial_tail(serial: float, style: int, value: Any) -> str:
    serial -= 1  # Excel counts a 1900-02-29 that never was
    if serial < 1:  # and has no dates before 1900 at all: keep the text
        return text_tail(value)
    return f'" s="{style}"><v>{serial!r}</v></c>'


def date_tail(value: Any) -> str | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value if value.__class__ is str else date_text(value))
    except (TypeError, ValueError, AttributeError):
        return text_tail(value)
    serial = (day - _EPOCH_DATE).days
    if serial >= 61:
        return f'" s="{DATE_STYLE}"><v>{serial}</v></c>'
    return _early_serial_tail(serial, DATE_STYLE, value)


def exact_datetime_tail(value: Any, tz: ZoneInfo | None) -> str | None:
    """A datetime cell's tail (wall time in `tz`), by plain datetime arithmetic."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if value.__class__ is str else value
        if moment.tzinfo is None:  # the database hands out UTC
            moment = moment.replace(tzinfo=UTC)
        delta = moment - _EPOCH_UTC
        offset = moment.astimezone(tz).utcoffset() if tz is not None else None
        if offset is not None:
            delta += offset
    except (TypeError, ValueError, AttributeError, OverflowError):
        return text_tail(value)
    serial = delta / _DAY
    if serial >= 61:
        return f"{DATETIME}{serial!r}{NUMBER_END}"
    return _early_serial_tail(serial, DATETIME_STYLE, value)


_HOUR_TEXT = itemgetter(slice(0, 13))  # "YYYY-MM-DDTHH"
_WITHIN_TEXT = itemgetter(slice(13, 20))  # ":MM:SS."
_MICROS_TEXT = itemgetter(slice(20, 26))  # "ffffff"
_ZONE_TEXT = itemgetter(26)  # "Z"
# ":MM:SS." → microseconds into the hour; a key that is not here is not the form.
_WITHIN_HOUR = {
    f":{m:02d}:{s:02d}.": (m * 60 + s) * 1_000_000 for m in range(60) for s in range(60)
}
_MAX_CACHED_HOURS = 100_000
_MAX_MEMO = 50_000


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Computed(dict[_K, _V]):
    """A dict that computes a missing value once (`compute`) and forgets everything
    when it grows past `_MAX_CACHED_HOURS` entries."""

    def compute(self, key: _K) -> _V:
        raise NotImplementedError

    def __missing__(self, key: _K) -> _V:
        if len(self) >= _MAX_CACHED_HOURS:
            self.clear()
        value = self[key] = self.compute(key)
        return value


class _HourOffsets(_Computed[int, int | None]):
    """UTC hour number → the zone's offset in microseconds through that whole hour,
    or None when it changes inside the hour (then the exact path decides)."""

    def __init__(self, tz: ZoneInfo | None) -> None:
        super().__init__()
        self.tz = tz

    def compute(self, key: int) -> int | None:
        if self.tz is None:
            return 0
        try:
            start = _EPOCH_UTC + timedelta(hours=key)
            first = start.astimezone(self.tz).utcoffset()
            last = (start + _HOUR - _MICROSECOND).astimezone(self.tz).utcoffset()
        except (OverflowError, ValueError):
            return None
        if first is None or first != last:
            return None
        return first // _MICROSECOND


class _HourStarts(_Computed[str, int | None]):
    """ "YYYY-MM-DDTHH" (a UTC hour as the database writes it) → microseconds from
    Excel's epoch to that hour's start in wall time, or None."""

    def __init__(self, offsets: _HourOffsets) -> None:
        super().__init__()
        self.offsets = offsets

    def compute(self, key: str) -> int | None:
        hour_text = key
        if hour_text[10:11] != "T":
            return None
        try:
            moment = datetime.fromisoformat(f"{hour_text}:00:00+00:00")
        except ValueError:
            return None
        utc = (moment - _EPOCH_UTC) // _MICROSECOND
        offset = self.offsets[utc // _HOUR_MICROS]
        return None if offset is None else utc + offset


class DatetimeCells:
    """Datetime cells shown as wall time in `tz`.

    Everything is whole microseconds since Excel's epoch: the zone offset is looked
    up once per UTC hour, and one int division gives exactly the serial that the
    exact path's timedelta arithmetic gives. Anything unusual (an offset change
    inside the hour, text in another form, dates before March 1900) goes to
    `exact_datetime_tail`.
    """

    def __init__(self, tz: ZoneInfo | None) -> None:
        self.tz = tz
        self.offsets = _HourOffsets(tz)
        self.starts = _HourStarts(self.offsets)
        self.memo: dict[Any, str] = {}

    def __call__(self, value: Any) -> str | None:
        """One value's tail (middle, value and end), the exact way."""
        return exact_datetime_tail(value, self.tz)

    def serials(self, column: Sequence[Any]) -> list[str] | None:
        """The serials of a batch column's values (no nulls), or None when some
        value needs the exact path (then convert one by one).

        Serials are remembered by value: bookings start on the same slots, and
        created_at often equals updated_at, so a batch repeats many of its times.
        """
        memo = self.memo
        if len(memo) > _MAX_MEMO:
            memo.clear()
        new = set(column).difference(memo)
        if new:
            values = list(new)
            micros = self._micros(values)
            if micros is None:
                return None
            serials = map(repr, map(truediv, micros, repeat(_DAY_MICROS)))
            memo.update(zip(values, serials, strict=True))
        return list(map(memo.__getitem__, column))

    def _micros(self, column: Sequence[Any]) -> list[int] | None:
        try:
            if column[0].__class__ is str:
                if set(map(len, column)) != {27} or set(map(_ZONE_TEXT, column)) != {"Z"}:
                    return None
                starts = map(self.starts.__getitem__, map(_HOUR_TEXT, column))
                within = map(_WITHIN_HOUR.__getitem__, map(_WITHIN_TEXT, column))
                fraction = map(int, map(_MICROS_TEXT, column))
                micros = list(map(add, map(add, starts, within), fraction))
            else:
                # Aware datetimes only: a naive one fails the subtraction.
                deltas = map(sub, column, repeat(_EPOCH_UTC))
                utc = list(map(floordiv, deltas, repeat(_MICROSECOND)))
                hours = map(floordiv, utc, repeat(_HOUR_MICROS))
                micros = list(map(add, utc, map(self.offsets.__getitem__, hours)))
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
            # None from a cache (TypeError in add) also lands here.
            return None
        if min(micros) < _DAY_61_MICROS:
            return None
        return micros


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "json": json_text,
    "decimal": real,
    "float": real,
    "boolean": _Booleans({None: None, 0: "0", 1: "1"}).__getitem__,
    "date": date_tail,
}
