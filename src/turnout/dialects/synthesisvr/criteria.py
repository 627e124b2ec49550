"""RANGE and SEARCH CRITERIA, translated into a core Query.

The path `/data/{sessions|goods}/{KEY}/{TYPE}/{RANGE}/{SEARCH CRITERIA}` carries a
duration (read by the core's duration parser) and a space-separated list of terms
(read by the core's search-language parser). This module only maps SynthesisVR's
words onto the core's fields, flags and windows; the query engine does the rest.

The main date (`date=`, or `crdate=` for the creation date; today when no date term
is given) starts a window RANGE long on the resource's time field. `date>` and
`date<` are inclusive whole-day bounds; given without `date=`, they bound the rows
by themselves and RANGE is not applied. A `uuid:` or `externaluuid:` lookup without
any date term is not limited to a window either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from turnout.core.errors import InvalidParameter
from turnout.core.fields import Field
from turnout.core.operators import OPERATORS
from turnout.core.params import integer_bits
from turnout.core.query import FieldFilter, Predicate, Query, RelationFilter
from turnout.core.registry import Resource
from turnout.core.resources.commerce import SALES
from turnout.core.resources.sessions import ONLINE_CHANNELS, SESSIONS
from turnout.core.search import FieldTerm, Flag, Text, parse
from turnout.core.values import parse_value
from turnout.core.windows import Window, parse_duration, resolve_window

DEFAULT_RANGE = "1 day"
CRITERIA = "criteria"
# Bare words with a meaning; any other bare word is free text.
FLAGS = ("today", "upcoming", "skip_api", "api_only", "comments", "phone")
KEYS = ("date", "crdate", "customer", "label", "uuid", "externaluuid")
_EQUALS = frozenset({"=", ":"})
_AT_LEAST = frozenset({">", ">="})
_AT_MOST = frozenset({"<", "<="})


@dataclass(frozen=True)
class Endpoint:
    """One of `sessions` and `goods`: its resource and where its words point."""

    name: str
    resource: Resource
    time_field: str
    uuid_field: str
    external_uuid_field: str
    # Sessions carry the flags themselves; goods read their session's channel.
    channel_field: str | None = None


ENDPOINTS: dict[str, Endpoint] = {
    "sessions": Endpoint("sessions", SESSIONS, "start_at", "uuid", "external_uuid"),
    "goods": Endpoint(
        "goods",
        SALES,
        "sold_at",
        "session_uuid",
        "session_external_uuid",
        channel_field="session_channel",
    ),
}


@dataclass(frozen=True)
class Selection:
    """The core query, and the optional columns the criteria asked for."""

    query: Query
    comments: bool = False
    phone: bool = False


@dataclass
class _Terms:
    main: FieldTerm | None = None
    bounds: list[FieldTerm] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    filters: list[Predicate] = field(default_factory=list)
    uuids: list[str] = field(default_factory=list)
    external_uuids: list[str] = field(default_factory=list)


def _bad(rule: str, message: str, name: str = CRITERIA) -> InvalidParameter:
    return InvalidParameter.for_field(name, rule, message)


def _shown(term: FieldTerm) -> str:
    text = f"{term.key}{term.op}{term.value}"
    return text if len(text) <= 60 else text[:60] + "..."


def normalise_range(text: str | None) -> str:
    """RANGE as written, with `+` read as a space (form-encoded clients send `1+day`)."""
    if text is None or not text.strip():
        return DEFAULT_RANGE
    return text.replace("+", " ").strip()


def build_selection(
    endpoint: Endpoint,
    range_text: str | None,
    criteria: str | None,
    *,
    workspace_id: int,
    tz: ZoneInfo,
    now: datetime,
) -> Selection:
    duration = normalise_range(range_text)
    parse_duration(duration, field="range")  # a malformed RANGE is refused even when unused
    # A trailing slash is part of the path, not of the last term.
    terms = _read_terms(endpoint, (criteria or "").rstrip("/"), tz)
    resource = endpoint.resource
    filters = list(terms.filters)
    flags: list[str] = []
    for name in terms.flags:
        if name in {"comments", "phone", "today"}:
            continue
        if endpoint.channel_field is None:
            flags.append(name)  # the sessions resource declares these flags
        elif name in {"skip_api", "api_only"}:
            channel = resource.field(endpoint.channel_field)
            operator = OPERATORS["ne" if name == "skip_api" else "eq"]
            filters.append(FieldFilter(channel, operator, ONLINE_CHANNELS))
        else:
            raise _bad("one_of", f"{CRITERIA}: {name!r} applies to sessions only")
    if terms.uuids:
        filters.append(_any_of(resource.field(endpoint.uuid_field), terms.uuids))
    if terms.external_uuids:
        filters.append(_any_of(resource.field(endpoint.external_uuid_field), terms.external_uuids))

    time_field = endpoint.time_field
    window: Window | None = None
    today = "today" in terms.flags
    main = terms.main
    if main is not None:
        if main.key == "crdate":
            time_field = "created_at"
        window = resolve_window(
            start=main.value,
            range_=duration,
            tz=tz,
            now=now,
            start_field=main.key,
            range_field="range",
        )
    elif today or not (terms.bounds or terms.uuids or terms.external_uuids):
        start = now.astimezone(tz).date().isoformat()
        window = resolve_window(start=start, range_=duration, tz=tz, now=now, range_field="range")
    for bound in terms.bounds:
        name = "created_at" if bound.key == "crdate" else endpoint.time_field
        operator = OPERATORS["gte" if bound.op in _AT_LEAST else "lte"]
        bounded = resource.field(name)
        value = parse_value(bounded, bound.value, param=f"{bound.key}{bound.op}", tz=tz)
        filters.append(FieldFilter(bounded, operator, (value,)))

    query = Query(
        resource=resource,
        workspace_id=workspace_id,
        tz=tz,
        filters=tuple(filters),
        window=window,
        time_field=time_field,
        texts=tuple(terms.texts),
        flags=tuple(flags),
        sort=((endpoint.time_field, False),),
        now=now,
    )
    return Selection(query, comments="comments" in terms.flags, phone="phone" in terms.flags)


def _any_of(f: Field, values: Sequence[str]) -> FieldFilter:
    return FieldFilter(f, OPERATORS["eq"], tuple(dict.fromkeys(values)))


def _read_terms(endpoint: Endpoint, criteria: str, tz: ZoneInfo) -> _Terms:
    terms = _Terms()
    for term in parse(criteria, flags=FLAGS, field=CRITERIA):
        if isinstance(term, Flag):
            if term.name in terms.flags:
                continue
            terms.flags.append(term.name)
        elif isinstance(term, Text):
            if term.value:
                terms.texts.append(term.value)
        else:
            _read_field_term(endpoint, term, terms, tz)
    if terms.main is not None and "today" in terms.flags:
        raise _bad("exclusive", f"{CRITERIA}: give {terms.main.key}= or today, not both")
    return terms


def _read_field_term(endpoint: Endpoint, term: FieldTerm, terms: _Terms, tz: ZoneInfo) -> None:
    key = term.key.lower()
    term = FieldTerm(key, term.op, term.value, term.quoted, term.position)
    if key not in KEYS:
        raise _bad(
            "unknown_key",
            f"{CRITERIA}: unknown term {_shown(term)!r} at position {term.position}; "
            f"use {', '.join(k + ':' for k in KEYS[2:])} date=, date>, date<, crdate= "
            f"or one of {', '.join(FLAGS)}",
        )
    if key in {"date", "crdate"}:
        if term.op in _EQUALS:
            if terms.main is not None:
                raise _bad(
                    "single",
                    f"{CRITERIA}: give one main date (date= or crdate=), "
                    f"not {terms.main.key}= and {key}=",
                )
            terms.main = term
        elif term.op in _AT_LEAST | _AT_MOST:
            terms.bounds.append(term)
        else:
            raise _bad("unknown_operator", f"{CRITERIA}: {_shown(term)!r}: use {key}=, > or <")
        return
    if term.op not in _EQUALS:
        raise _bad("unknown_operator", f"{CRITERIA}: {_shown(term)!r}: write {key}:VALUE")
    values = [v.strip() for v in term.value.split(",") if v.strip()]
    if not values:
        raise _bad("missing_value", f"{CRITERIA}: {_shown(term)!r} needs a value")
    resource = endpoint.resource
    param = f"{key}:"
    if key == "customer":
        customer = resource.field("customer_id")
        bits = integer_bits(resource, customer)
        ids = tuple(parse_value(customer, v, param=param, tz=tz, int_bits=bits) for v in values)
        terms.filters.append(FieldFilter(customer, OPERATORS["eq"], ids))
    elif key == "label":
        relation = resource.relations.get("label")
        if relation is None:
            raise _bad("one_of", f"{CRITERIA}: label: applies to sessions only", name=param)
        number = Field("label", "integer")
        ids = tuple(parse_value(number, v, param=param, tz=tz) for v in values)
        terms.filters.append(RelationFilter(relation, ids))
    elif key == "uuid":
        # Session ids are stored in lower case; clients copy them in either.
        terms.uuids.extend(v.lower() for v in values)
    else:
        terms.external_uuids.extend(values)
