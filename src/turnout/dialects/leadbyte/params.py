"""LeadByte's query string into the core report's parameters.

`from` / `to` keep the core's window rules (`turnout.core.windows`), with one
LeadByte reading: a `to` at exactly midnight (`2020-07-31T00:00:00Z`, as in the
seed's "month of July" example) means that whole day, like a bare date does.
`datePreset` takes LeadByte's eight names and maps them to the core presets, in
the workspace's zone. Nothing given: `today`. `campaignId` and `supplierId` become
the core filters; every other parameter is refused with the list of accepted ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from turnout.core.errors import InvalidParameter
from turnout.dialects.leadbyte.errors import KEY_PARAMETER
from turnout.dialects.leadbyte.reports import FILTERS

# LeadByte's datePreset values -> the core's presets (same meaning; see the docs).
DATE_PRESETS: dict[str, str] = {
    "today": "today",
    "yesterday": "yesterday",
    "this_week": "this_week",
    "last_7d": "last_7d",
    "lastweek": "last_week",
    "last_30d": "last_30d",
    "this_month": "this_month",
    "last_month": "last_month",
}
DEFAULT_PRESET = "today"
ACCEPTED = (KEY_PARAMETER, "from", "to", "datePreset", *FILTERS)
_MAX_ID = 2**63
_MIDNIGHT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]00:00(?::00(?:[.,]0+)?)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


@dataclass(frozen=True)
class LeadByteParams:
    core: list[tuple[str, str]]
    """Parameters for `turnout.reports.params.parse_report_params` (window and filters)."""
    campaign_id: int | None
    supplier_id: int | None


def _bad(field: str, rule: str, message: str) -> InvalidParameter:
    return InvalidParameter.for_field(field, rule, message)


def _single(params: Sequence[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in params:
        if name not in ACCEPTED:
            raise _bad(
                name[:100],
                "unknown_parameter",
                f"{name[:100]}: unknown parameter; accepted: {', '.join(ACCEPTED)}",
            )
        if name in values and name != KEY_PARAMETER:
            raise _bad(name, "single", f"{name} may be given only once")
        values[name] = value
    return values


def _identifier(name: str, text: str) -> int:
    value = text.strip()
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < _MAX_ID:
        raise _bad(
            name, "integer", f"{name}: {text[:100]!r} is not an id (a positive whole number)"
        )
    return int(value)


def inclusive_to(text: str) -> str:
    """A `to` at midnight covers that whole day: `...T00:00:00Z` -> `...T23:59:59.999999Z`."""
    match = _MIDNIGHT.fullmatch(text.strip())
    if match is None:
        return text
    return f"{match['date']}T23:59:59.999999{match['zone'] or ''}"


def parse_params(params: Sequence[tuple[str, str]]) -> LeadByteParams:
    values = _single(params)
    core: list[tuple[str, str]] = []
    preset = values.get("datePreset")
    if preset is not None:
        given = [name for name in ("from", "to") if name in values]
        if given:
            raise _bad(
                "datePreset",
                "exclusive",
                f"datePreset cannot be combined with {' or '.join(given)}; "
                "give either datePreset or from/to",
            )
        name = DATE_PRESETS.get(preset.strip().lower())
        if name is None:
            raise _bad(
                "datePreset",
                "one_of",
                f"datePreset: unknown preset {preset[:100]!r}; "
                f"use one of {', '.join(DATE_PRESETS)}",
            )
        core.append(("preset", name))
    elif "from" in values:
        core.append(("from", values["from"]))
        if "to" in values:
            core.append(("to", inclusive_to(values["to"])))
    elif "to" in values:
        raise _bad("from", "required", "from is required when to is given (or use datePreset)")
    else:
        core.append(("preset", DATE_PRESETS[DEFAULT_PRESET]))
    ids: dict[str, int | None] = {}
    for name, core_filter in FILTERS.items():
        text = values.get(name)
        ids[name] = None if text is None else _identifier(name, text)
        if ids[name] is not None:
            core.append((core_filter, str(ids[name])))
    return LeadByteParams(core, ids["campaignId"], ids["supplierId"])
