"""Output formats: small streaming writers behind one interface.

`FORMATS` maps each format name to its writer; `negotiate` picks one for a request
from an explicit `format=` parameter or the Accept header.
"""

from __future__ import annotations

from turnout.core.errors import InvalidParameter
from turnout.formats.base import Column, ColumnType, Format, FormatOptions
from turnout.formats.csv import CsvFormat
from turnout.formats.json import JsonFormat
from turnout.formats.ndjson import NdjsonFormat
from turnout.formats.xlsx import XlsxFormat

__all__ = ["FORMATS", "Column", "ColumnType", "Format", "FormatOptions", "negotiate"]

FORMATS: dict[str, Format] = {
    "json": JsonFormat(),
    "ndjson": NdjsonFormat(),
    "csv": CsvFormat(),
    "xlsx": XlsxFormat(),
}

_MEDIA_TYPES: dict[str, str] = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/jsonlines": "ndjson",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def negotiate(format_param: str | None, accept: str | None, *, default: str = "json") -> Format:
    """An explicit `format=` wins; else the best Accept match; else `default`.

    An Accept header that names nothing we write falls back to the default rather
    than a 406: clients send all sorts of headers and still want their data.
    """
    if format_param is not None and format_param.strip():
        chosen = FORMATS.get(format_param.strip().lower())
        if chosen is None:
            raise InvalidParameter.for_field(
                "format", "one_of", "format must be one of json, ndjson, csv, xlsx"
            )
        return chosen
    if accept:
        name = _from_accept(accept)
        if name is not None:
            return FORMATS[name]
    return FORMATS[default]


def _from_accept(accept: str) -> str | None:
    """The supported media type with the highest q (earliest on ties); `*/*` is no pick."""
    best: tuple[float, int] | None = None
    chosen = None
    for position, item in enumerate(accept.split(",")):
        media_type, *params = (part.strip() for part in item.split(";"))
        name = _MEDIA_TYPES.get(media_type.lower())
        if name is None:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        rank = (quality, -position)
        if best is None or rank > best:
            best, chosen = rank, name
    return chosen
