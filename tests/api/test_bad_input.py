"""Bad input to the v1 read API: every malformed request is a 4xx naming the field and rule.

Issue 3, "Bad input": unknown fields and operators, wrong types, bad dates, inverted
windows, unknown presets and zones, bad ranges, limits out of bounds, tampered cursors,
malformed `q`, SQL meta characters and 10,000-character values all get a 400 (or a
404 for ids) in the one v1 envelope; none reaches a 500. Every case runs on SQLite
and PostgreSQL (the `engine` fixture).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient

from tests.factories import (
    make_customer,
    make_key,
    make_label,
    make_sale,
    make_session,
    make_venue,
    make_workspace,
)
from turnout.core.paging import encode_cursor
from turnout.core.resources import REGISTRY

ERROR_TYPES = {400: "invalid_parameter", 404: "not_found"}
LONG = 10_000


@dataclass(frozen=True)
class Bad:
    """One bad request: where it goes, what must come back."""

    id: str
    url: str  # may hold {placeholders} filled from the `world` fixture
    field: str | None
    rule: str | None
    status: int = 400


def q(**params: str) -> str:
    """A query string, encoded the way a careful client would."""
    return urlencode(params, quote_via=quote)


def raw_cursor(payload: bytes) -> str:
    """A cursor with a valid checksum around any payload (the key is not a secret)."""
    digest = hmac.new(b"turnout-cursor-v1", payload, hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest + payload).rstrip(b"=").decode()


SESSION_SORT = "sessions:-start_at,-id"
WHEN = "2024-05-01T10:00:00.000000Z"

CASES: list[Bad] = [
    # --- unknown fields and parameters -----------------------------------------------
    Bad("unknown-field", "/v1/sessions?nope=1", "nope", "unknown_field"),
    Bad("unknown-field-with-op", "/v1/sessions?nope[gte]=1", "nope[gte]", "unknown_field"),
    Bad("unknown-field-customers", "/v1/customers?shoe_size=42", "shoe_size", "unknown_field"),
    Bad(
        "json-path-too-deep", "/v1/customers?profile.a.b.c.d=1", "profile.a.b.c.d", "unknown_field"
    ),
    Bad("json-path-empty-key", "/v1/customers?profile.=1", "profile.", "unknown_field"),
    Bad("json-path-on-closed-column", "/v1/venues?access.x=1", "access.x", "unknown_field"),
    Bad("malformed-key", "/v1/sessions?a[b][c]=1", "a[b][c]", "unknown_parameter"),
    Bad("sql-in-key", "/v1/sessions?" + q(**{"people'--": "1"}), "people'--", "unknown_parameter"),
    Bad("long-key", "/v1/sessions?" + "k" * LONG + "=1", "k" * 60, "unknown_parameter"),
    Bad("not-filterable", "/v1/sessions?comments=x", "comments", "not_filterable"),
    Bad("json-not-filterable", "/v1/sessions?attributes=x", "attributes", "not_filterable"),
    # --- unknown operators -----------------------------------------------------------
    Bad("unknown-operator", "/v1/sessions?people[foo]=1", "people[foo]", "unknown_operator"),
    Bad("unknown-operator-like", "/v1/sessions?code[like]=a", "code[like]", "unknown_operator"),
    Bad("relation-operator", "/v1/sessions?label[gt]=1", "label[gt]", "unknown_operator"),
    Bad(
        "boolean-ordering",
        "/v1/sessions?suspected_fraud[gt]=true",
        "suspected_fraud[gt]",
        "unknown_operator",
    ),
    Bad(
        "boolean-ordering-lte",
        "/v1/sessions?satisfaction_submitted[lte]=false",
        "satisfaction_submitted[lte]",
        "unknown_operator",
    ),
    # --- integers --------------------------------------------------------------------
    Bad("integer-text", "/v1/sessions?people=abc", "people", "integer"),
    Bad("integer-fraction", "/v1/sessions?people=1.5", "people", "integer"),
    Bad("integer-empty", "/v1/sessions?people=", "people", "integer"),
    Bad("integer-hex", "/v1/sessions?people=0x10", "people", "integer"),
    Bad("integer-underscore", "/v1/sessions?people=1_000", "people", "integer"),
    Bad("integer-arabic-digit", "/v1/sessions?people=%D9%A1", "people", "integer"),
    Bad("integer-fullwidth-digit", "/v1/sessions?id=%EF%BC%91", "id", "integer"),
    Bad("integer-in-list", "/v1/sessions?people=1,two", "people", "integer"),
    Bad("integer-list-for-gte", "/v1/sessions?people[gte]=1,2", "people[gte]", "integer"),
    Bad("integer-sql", "/v1/sessions?" + q(id="1;DROP TABLE sessions"), "id", "integer"),
    Bad("integer-overflow-32", "/v1/sessions?people=2147483648", "people", "integer"),
    Bad("integer-overflow-64", "/v1/sessions?id=9223372036854775808", "id", "integer"),
    Bad("integer-overflow-huge", "/v1/sessions?id=" + "9" * 40, "id", "integer"),
    Bad(
        "integer-negative-overflow", "/v1/sessions?people[gt]=-2147483649", "people[gt]", "integer"
    ),
    Bad("relation-id-text", "/v1/sessions?label=abc", "label", "integer"),
    # --- decimals and money -----------------------------------------------------------
    Bad("decimal-text", "/v1/sales?amount=abc", "amount", "decimal"),
    Bad("decimal-nan", "/v1/sales?amount=NaN", "amount", "decimal"),
    Bad("decimal-infinity", "/v1/sales?amount[lt]=Infinity", "amount[lt]", "decimal"),
    Bad("decimal-underscore", "/v1/sales?amount=1_000", "amount", "decimal"),
    Bad("decimal-comma", "/v1/sales?amount[gte]=2%2C5", "amount[gte]", "decimal"),
    Bad("decimal-too-big", "/v1/sales?amount=1e20", "amount", "decimal"),
    Bad("money-too-precise", "/v1/sales?amount=1.23456", "amount", "decimal_places"),
    Bad("money-empty", "/v1/leads?revenue[gte]=", "revenue[gte]", "decimal"),
    # --- booleans --------------------------------------------------------------------
    Bad("boolean-text", "/v1/sessions?suspected_fraud=maybe", "suspected_fraud", "boolean"),
    Bad("boolean-empty", "/v1/sessions?suspected_fraud=", "suspected_fraud", "boolean"),
    Bad("null-maybe", "/v1/sessions?people[null]=maybe", "people[null]", "boolean"),
    Bad("null-empty", "/v1/sessions?left_at[null]=", "left_at[null]", "boolean"),
    Bad("overlaps-maybe", "/v1/sessions?overlaps=maybe", "overlaps", "boolean"),
    Bad("bom-maybe", "/v1/sessions?format=csv&bom=maybe", "bom", "boolean"),
    # --- timestamps ------------------------------------------------------------------
    Bad("timestamp-word", "/v1/sessions?start_at=yesterday", "start_at", "date_format"),
    Bad("timestamp-month-13", "/v1/sessions?start_at=2024-13-01", "start_at", "date_format"),
    Bad(
        "timestamp-feb-30", "/v1/sessions?start_at[gte]=2024-02-30", "start_at[gte]", "date_format"
    ),
    Bad(
        "timestamp-hour-25", "/v1/sessions?start_at=2024-05-01T25:00:00", "start_at", "date_format"
    ),
    Bad(
        "timestamp-lost-plus",
        "/v1/sessions?start_at=2024-05-01T10:00:00+02:00",
        "start_at",
        "date_format",
    ),
    Bad(
        "timestamp-bad-offset",
        "/v1/sessions?from=2024-05-01T10:00:00%2B99:00",
        "from",
        "date_format",
    ),
    Bad("timestamp-empty", "/v1/sessions?joined_at[lt]=", "joined_at[lt]", "date_format"),
    Bad("timestamp-end-of-calendar", "/v1/sessions?start_at=9999-12-31", "start_at", "bounds"),
    Bad(
        "timestamp-end-of-calendar-gt",
        "/v1/sessions?start_at[gt]=9999-12-31",
        "start_at[gt]",
        "bounds",
    ),
    Bad("timestamp-year-zero", "/v1/sessions?created_at=0000-01-01", "created_at", "bounds"),
    Bad("updated-since-word", "/v1/sessions?updated_since=nope", "updated_since", "date_format"),
    Bad("updated-since-empty", "/v1/sessions?updated_since=", "updated_since", "date_format"),
    # --- enums -----------------------------------------------------------------------
    Bad("enum-unknown", "/v1/sessions?channel=teleport", "channel", "one_of"),
    Bad("enum-one-of-list", "/v1/sessions?channel=api,teleport", "channel", "one_of"),
    Bad("enum-wrong-case", "/v1/sessions?channel=API", "channel", "one_of"),
    Bad("enum-empty", "/v1/sessions?channel[ne]=", "channel[ne]", "one_of"),
    Bad("enum-customer-status", "/v1/customers?status=gone", "status", "one_of"),
    Bad("enum-lead-outcome", "/v1/leads?outcome=maybe", "outcome", "one_of"),
    Bad("enum-venue-kind", "/v1/venues?kind=castle", "kind", "one_of"),
    # --- lengths and characters ------------------------------------------------------
    Bad("value-1001", "/v1/sessions?code=" + "A" * 1001, "code", "max_length"),
    Bad("value-10000", "/v1/sessions?code=" + "A" * LONG, "code", "max_length"),
    Bad("value-10000-integer", "/v1/sessions?people=" + "1" * LONG, "people", "max_length"),
    Bad(
        "value-10000-json-path",
        "/v1/venues?attributes.x=" + "x" * LONG,
        "attributes.x",
        "max_length",
    ),
    Bad("q-10000", "/v1/sessions?q=" + "a" * LONG, "q", "max_length"),
    Bad("tz-10000", "/v1/sessions?tz=" + "Z" * LONG, "tz", "max_length"),
    Bad("from-10000", "/v1/sessions?from=" + "2" * LONG, "from", "max_length"),
    Bad("to-10000", "/v1/sessions?to=" + "2" * LONG, "to", "max_length"),
    Bad("preset-10000", "/v1/sessions?preset=" + "p" * LONG, "preset", "max_length"),
    Bad(
        "range-10000",
        "/v1/sessions?from=2024-01-01&range=" + "1%20day%20" * 1000,
        "range",
        "max_length",
    ),
    Bad("sort-10000", "/v1/sessions?sort=" + "s" * LONG, "sort", "max_length"),
    Bad("fields-10000", "/v1/sessions?fields=" + "f" * LONG, "fields", "max_length"),
    Bad("cursor-10000", "/v1/sessions?cursor=" + "c" * LONG, "cursor", "max_length"),
    Bad("limit-10000", "/v1/sessions?limit=" + "1" * LONG, "limit", "max_length"),
    Bad("format-10000", "/v1/sessions?format=" + "x" * LONG, "format", "one_of"),
    Bad("nul-in-string", "/v1/sessions?code=1%00", "code", "invalid_character"),
    Bad("nul-in-json-path", "/v1/sessions?attributes.k=1%00", "attributes.k", "invalid_character"),
    Bad("nul-in-json-gt", "/v1/customers?profile.x[gt]=a%00", "profile.x[gt]", "invalid_character"),
    Bad("nul-in-list", "/v1/sessions?status=ok,%00", "status", "invalid_character"),
    # --- sort ------------------------------------------------------------------------
    Bad("sort-unknown", "/v1/sessions?sort=nope", "sort", "unknown_field"),
    Bad("sort-unknown-desc", "/v1/sessions?sort=-start_at,-nope", "sort", "unknown_field"),
    Bad("sort-not-sortable", "/v1/sessions?sort=comments", "sort", "not_sortable"),
    Bad("sort-empty-part", "/v1/sessions?sort=id,,people", "sort", "format"),
    Bad("sort-bare-minus", "/v1/sessions?sort=-", "sort", "unknown_field"),
    Bad("sort-sql", "/v1/sessions?" + q(sort="id;DROP TABLE sessions"), "sort", "unknown_field"),
    # --- limit and offset ------------------------------------------------------------
    Bad("limit-zero", "/v1/sessions?limit=0", "limit", "range"),
    Bad("limit-negative", "/v1/sessions?limit=-1", "limit", "range"),
    Bad("limit-over-max", "/v1/sessions?limit=1001", "limit", "range"),
    Bad("limit-huge", "/v1/sessions?limit=99999999999999999999999", "limit", "range"),
    Bad("limit-text", "/v1/sessions?limit=ten", "limit", "integer"),
    Bad("limit-float", "/v1/sessions?limit=1.5", "limit", "integer"),
    Bad("limit-exponent", "/v1/sessions?limit=1e3", "limit", "integer"),
    Bad("limit-empty", "/v1/sessions?limit=", "limit", "integer"),
    Bad("limit-arabic-digit", "/v1/sessions?limit=%D9%A1", "limit", "integer"),
    Bad("per-page-text", "/v1/sessions?per_page=abc", "per_page", "integer"),
    Bad("per-page-zero", "/v1/sessions?page=1&per_page=0", "per_page", "range"),
    Bad("page-zero", "/v1/sessions?page=0", "page", "range"),
    Bad("page-huge", "/v1/sessions?page=99999999999", "page", "range"),
    Bad("offset-negative", "/v1/sessions?offset=-1", "offset", "range"),
    Bad("offset-text", "/v1/sessions?offset=ten", "offset", "integer"),
    Bad("page-and-offset", "/v1/sessions?page=2&offset=10", "page", "exclusive"),
    Bad("cursor-and-offset", "/v1/sessions?cursor=abc&offset=5", "cursor", "exclusive"),
    Bad("include-unknown", "/v1/sessions?include=everything", "include", "one_of"),
    # --- cursors ---------------------------------------------------------------------
    Bad("cursor-garbage", "/v1/sessions?cursor=garbage", "cursor", "cursor"),
    Bad("cursor-empty", "/v1/sessions?cursor=", "cursor", "cursor"),
    Bad("cursor-not-base64", "/v1/sessions?cursor=%21%21%21", "cursor", "cursor"),
    Bad("cursor-tampered", "/v1/sessions?cursor={tampered_cursor}", "cursor", "cursor"),
    Bad("cursor-other-sort", "/v1/sessions?sort=id&cursor={session_cursor}", "cursor", "cursor"),
    Bad("cursor-other-resource", "/v1/customers?cursor={venue_cursor}", "cursor", "cursor"),
    Bad("cursor-other-resource-2", "/v1/sessions?cursor={customer_cursor}", "cursor", "cursor"),
    Bad(
        "cursor-old-version",
        "/v1/sessions?cursor=" + raw_cursor(b'[2,"sessions:-start_at,-id",[]]'),
        "cursor",
        "cursor",
    ),
    Bad(
        "cursor-no-table",
        "/v1/sessions?cursor=" + encode_cursor("-start_at,-id", [WHEN, 1]),
        "cursor",
        "cursor",
    ),
    Bad("cursor-not-a-list", "/v1/sessions?cursor=" + raw_cursor(b'{"a":1}'), "cursor", "cursor"),
    Bad("cursor-not-json", "/v1/sessions?cursor=" + raw_cursor(b"\xff\xfe"), "cursor", "cursor"),
    Bad(
        "cursor-huge-int",
        "/v1/sessions?cursor="
        + raw_cursor(b'[1,"sessions:-start_at,-id",["x",' + b"9" * 30 + b"]]"),
        "cursor",
        "cursor",
    ),
    # Well-formed cursors (right checksum) holding values of the wrong type or shape.
    *(
        Bad(
            f"cursor-forged-{name}",
            "/v1/sessions?cursor=" + encode_cursor(SESSION_SORT, values),
            "cursor",
            "cursor",
        )
        for name, values in (
            ("ints-for-time", [1, 2]),
            ("text-for-id", [WHEN, "x"]),
            ("float-for-id", [WHEN, 1.5]),
            ("bool-for-id", [WHEN, True]),
            ("id-over-64-bits", [WHEN, 2**63]),
            ("object-for-time", [{"a": 1}, 1]),
            ("bad-time", ["yesterday", 1]),
            ("short", [WHEN]),
            ("empty", []),
            ("long", [WHEN, 1, 2]),
        )
    ),
    Bad(
        "cursor-forged-money-nan",
        "/v1/sales?sort=amount&cursor=" + encode_cursor("sales:amount,id", ["NaN", 1]),
        "cursor",
        "cursor",
    ),
    Bad(
        "cursor-forged-money-text",
        "/v1/sales?sort=amount&cursor=" + encode_cursor("sales:amount,id", ["abc", 1]),
        "cursor",
        "cursor",
    ),
    Bad(
        "cursor-forged-int-for-text",
        "/v1/sessions?sort=code&cursor=" + encode_cursor("sessions:code,id", [5, 1]),
        "cursor",
        "cursor",
    ),
    Bad(
        "cursor-forged-nul-text",
        "/v1/sessions?sort=code&cursor=" + encode_cursor("sessions:code,id", ["a\0", 1]),
        "cursor",
        "cursor",
    ),
    # --- time windows ----------------------------------------------------------------
    Bad("window-inverted-dates", "/v1/sessions?from=2024-05-02&to=2024-05-01", "to", "order"),
    Bad(
        "window-inverted-times",
        "/v1/sessions?from=2024-05-01T10:00:00Z&to=2024-05-01T09:59:59Z",
        "to",
        "order",
    ),
    Bad(
        "window-inverted-overlaps",
        "/v1/sessions?from=2024-05-02&to=2024-05-01&overlaps=true",
        "to",
        "order",
    ),
    Bad("from-word", "/v1/sessions?from=yesterday", "from", "date_format"),
    Bad("from-empty", "/v1/sessions?from=", "from", "date_format"),
    Bad("to-slashes", "/v1/sessions?to=01/05/2024", "to", "date_format"),
    Bad("from-year-zero", "/v1/sessions?from=0000-01-01", "from", "bounds"),
    Bad("to-end-of-calendar", "/v1/sessions?to=9999-12-31", "to", "bounds"),
    Bad("preset-unknown", "/v1/sessions?preset=fortnight", "preset", "one_of"),
    Bad("preset-empty", "/v1/sessions?preset=", "preset", "one_of"),
    Bad("preset-and-from", "/v1/sessions?preset=today&from=2024-01-01", "preset", "exclusive"),
    Bad("tz-unknown", "/v1/sessions?tz=Mars/Olympus", "tz", "zone"),
    Bad("tz-empty", "/v1/sessions?tz=", "tz", "zone"),
    Bad("tz-offset", "/v1/sessions?tz=%2B02:00", "tz", "zone"),
    Bad("tz-host-local", "/v1/sessions?tz=localtime", "tz", "zone"),
    Bad("tz-path", "/v1/sessions?tz=../../etc/passwd", "tz", "zone"),
    Bad("range-five-days", "/v1/sessions?from=2024-05-01&range=five%20days", "range", "duration"),
    Bad("range-fortnight", "/v1/sessions?from=2024-05-01&range=1%20fortnight", "range", "duration"),
    Bad("range-fraction", "/v1/sessions?from=2024-05-01&range=1.5%20days", "range", "duration"),
    Bad("range-zero", "/v1/sessions?from=2024-05-01&range=0%20days", "range", "duration"),
    Bad("range-negative", "/v1/sessions?from=2024-05-01&range=-1%20day", "range", "duration"),
    Bad(
        "range-unit-twice",
        "/v1/sessions?from=2024-05-01&range=1%20day%202%20days",
        "range",
        "duration",
    ),
    Bad("range-no-unit", "/v1/sessions?from=2024-05-01&range=5", "range", "duration"),
    Bad("range-no-number", "/v1/sessions?from=2024-05-01&range=days", "range", "duration"),
    Bad("range-empty", "/v1/sessions?from=2024-05-01&range=", "range", "duration"),
    Bad("range-too-long", "/v1/sessions?from=2024-05-01&range=101%20years", "range", "bounds"),
    Bad("range-past-calendar", "/v1/sessions?from=9999-12-31&range=1%20day", "range", "bounds"),
    Bad("range-without-from", "/v1/sessions?range=1%20day", "range", "requires"),
    Bad(
        "range-and-to",
        "/v1/sessions?from=2024-05-01&to=2024-06-01&range=1%20day",
        "range",
        "exclusive",
    ),
    Bad("time-field-unknown", "/v1/sessions?time_field=nope", "time_field", "one_of"),
    Bad("time-field-not-time", "/v1/sessions?time_field=people", "time_field", "one_of"),
    Bad("time-field-empty", "/v1/customers?time_field=", "time_field", "one_of"),
    Bad("overlaps-not-interval", "/v1/customers?overlaps=true", "overlaps", "not_interval"),
    # --- search language -------------------------------------------------------------
    Bad("q-unbalanced-quote", "/v1/sessions?q=%22abc", "q", "unterminated_quote"),
    Bad("q-unbalanced-quote-late", "/v1/sessions?q=abc%20%22de%20f", "q", "unterminated_quote"),
    Bad("q-unbalanced-quote-value", "/v1/sessions?q=code:%22abc", "q", "unterminated_quote"),
    Bad("q-unknown-key", "/v1/sessions?q=nope:1", "q", "unknown_key"),
    Bad("q-unknown-key-compare", "/v1/customers?q=age%3E30", "q", "unknown_key"),
    Bad("q-missing-value", "/v1/sessions?q=people:", "q", "missing_value"),
    Bad("q-bad-integer", "/v1/sessions?q=people:abc", "q", "integer"),
    Bad("q-bad-integer-quoted", "/v1/sessions?q=people:%22%22", "q", "integer"),
    Bad("q-double-operator", "/v1/sessions?q=people%3E%3E1", "q", "integer"),
    Bad("q-bad-date", "/v1/sessions?q=date:someday", "q", "date_format"),
    Bad("q-bad-crdate", "/v1/sessions?q=crdate%3E2024-13-01", "q", "date_format"),
    Bad("q-bad-label", "/v1/sessions?q=label:vip", "q", "integer"),
    Bad("q-bad-customer", "/v1/sessions?q=customer:ann", "q", "integer"),
    Bad("q-bad-enum", "/v1/sessions?q=channel:teleport", "q", "one_of"),
    Bad("q-not-filterable", "/v1/sessions?q=comments:x", "q", "not_filterable"),
    Bad("q-boolean-ordering", "/v1/sessions?q=suspected_fraud%3Etrue", "q", "unknown_operator"),
    Bad("q-end-of-calendar", "/v1/sessions?q=date%3E9999-12-31", "q", "bounds"),
    Bad("q-too-many-terms", "/v1/sessions?q=" + "%20".join(["a"] * 51), "q", "max_terms"),
    Bad("q-nul", "/v1/sessions?q=a%00", "q", "invalid_character"),
    # --- formats and projection ------------------------------------------------------
    Bad("format-unknown", "/v1/sessions?format=pdf", "format", "one_of"),
    Bad("format-unknown-upper", "/v1/sessions?format=XML", "format", "one_of"),
    Bad("fields-unknown", "/v1/sessions?fields=nope", "fields", "unknown_field"),
    Bad("fields-one-unknown", "/v1/sessions?fields=id,nope", "fields", "unknown_field"),
    Bad("fields-sql", "/v1/sessions?" + q(fields="id,(select 1)"), "fields", "unknown_field"),
    Bad("fields-empty", "/v1/sessions?fields=", "fields", "required"),
    Bad("fields-commas", "/v1/sessions?fields=,,", "fields", "required"),
    # --- repeated parameters ---------------------------------------------------------
    *(
        Bad(f"repeated-{name}", f"/v1/sessions?{name}={a}&{name}={b}", name, "single")
        for name, a, b in (
            ("limit", "1", "2"),
            ("tz", "UTC", "UTC"),
            ("q", "a", "b"),
            ("sort", "id", "-id"),
            ("fields", "id", "code"),
            ("from", "2024-01-01", "2024-02-01"),
            ("to", "2024-01-01", "2024-02-01"),
            ("preset", "today", "today"),
            ("cursor", "a", "b"),
            ("include", "total", "total"),
            ("overlaps", "true", "false"),
            ("updated_since", "2024-01-01", "2024-01-01"),
            ("format", "json", "csv"),
            ("bom", "true", "false"),
        )
    ),
    # --- one item by id --------------------------------------------------------------
    Bad("id-text", "/v1/sessions/abc", "id", "int_parsing"),
    Bad("id-fraction", "/v1/sessions/1.5", "id", "int_parsing"),
    Bad("id-zero", "/v1/sessions/0", "id", "greater_than_equal"),
    Bad("id-negative", "/v1/sessions/-1", "id", "greater_than_equal"),
    Bad("id-overflow", "/v1/sessions/99999999999999999999999", "id", "less_than_equal"),
    Bad("id-unknown", "/v1/sessions/987654321", "id", "exists", 404),
    Bad("id-other-workspace-session", "/v1/sessions/{other_session}", "id", "exists", 404),
    Bad("id-other-workspace-customer", "/v1/customers/{other_customer}", "id", "exists", 404),
    Bad("id-other-workspace-venue", "/v1/venues/{other_venue}", "id", "exists", 404),
    Bad("id-other-workspace-sale", "/v1/sales/{other_sale}", "id", "exists", 404),
    Bad("id-other-workspace-label", "/v1/labels/{other_label}", "id", "exists", 404),
    Bad("item-fields-unknown", "/v1/sessions/{session}?fields=nope", "fields", "unknown_field"),
    Bad("item-tz-unknown", "/v1/sessions/{session}?tz=Mars/Olympus", "tz", "zone"),
    Bad("unknown-resource", "/v1/nothing", None, None, 404),
    Bad("unknown-resource-item", "/v1/nothing/1", None, None, 404),
]

# The same handful of mistakes on every resource in the registry.
CASES += [
    Bad(f"{name}-{kind}", f"/v1/{name}{suffix}", field, rule, status)
    for name in REGISTRY.names()
    for kind, suffix, field, rule, status in (
        ("unknown-field", "?nope=1", "nope", "unknown_field", 400),
        ("unknown-operator", "?id[foo]=1", "id[foo]", "unknown_operator", 400),
        ("bad-id-filter", "?id=abc", "id", "integer", 400),
        ("unknown-sort", "?sort=nope", "sort", "unknown_field", 400),
        ("limit-zero", "?limit=0", "limit", "range", 400),
        ("limit-huge", "?limit=1000000", "limit", "range", 400),
        ("cursor-garbage", "?cursor=garbage", "cursor", "cursor", 400),
        ("format-unknown", "?format=pdf", "format", "one_of", 400),
        ("fields-unknown", "?fields=nope", "fields", "unknown_field", 400),
        ("preset-unknown", "?preset=fortnight", "preset", "one_of", 400),
        ("tz-unknown", "?tz=Mars/Olympus", "tz", "zone", 400),
        ("window-inverted", "?from=2024-05-02&to=2024-05-01", "to", "order", 400),
        ("q-unbalanced", "?q=%22open", "q", "unterminated_quote", 400),
        ("id-text", "/abc", "id", "int_parsing", 400),
        ("id-unknown", "/987654321", "id", "exists", 404),
    )
]


@pytest.fixture(scope="module")
def api(engine) -> Iterator[TestClient]:
    """One app per backend for this module; a server error comes back as a 500."""
    from turnout.api.app import create_app
    from turnout.config import Settings

    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with TestClient(app, client=("127.0.0.1", 50000), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def world(engine, api) -> dict[str, Any]:
    ws, other = make_workspace(engine), make_workspace(engine)
    _, key = make_key(engine, ws)
    _, other_key = make_key(engine, other)
    mine = {
        "venue": make_venue(engine, ws),
        "customer": make_customer(engine, ws),
        "session": make_session(engine, ws),
    }
    for _ in range(2):
        make_venue(engine, ws)
        make_customer(engine, ws)
        make_session(engine, ws)
    theirs = {
        "other_venue": make_venue(engine, other),
        "other_customer": make_customer(engine, other),
        "other_sale": make_sale(engine, other),
        "other_session": make_session(engine, other),
    }
    make_session(engine, other)
    theirs["other_label"] = make_label(engine, other, "vip", [theirs["other_session"]])
    headers = {"Authorization": f"Bearer {key}"}

    def first_cursor(path: str, auth: dict[str, str] = headers) -> str:
        body = api.get(path, headers=auth).json()
        assert body["has_more"], body
        return str(body["next_cursor"])

    session_cursor = first_cursor("/v1/sessions?limit=1")
    # Change one character of the payload (not the padding bits of the last one).
    i = len(session_cursor) // 2
    flipped = "A" if session_cursor[i] != "A" else "B"
    return {
        **mine,
        **theirs,
        "headers": headers,
        "session_cursor": session_cursor,
        "tampered_cursor": session_cursor[:i] + flipped + session_cursor[i + 1 :],
        "venue_cursor": first_cursor("/v1/venues?limit=1"),
        "customer_cursor": first_cursor("/v1/customers?limit=1"),
        "other_session_cursor": first_cursor(
            "/v1/sessions?limit=1", {"Authorization": f"Bearer {other_key}"}
        ),
        "mine_sessions": {r["id"] for r in api.get("/v1/sessions", headers=headers).json()["data"]},
    }


def check_error(response: Any, status: int, field: str | None, rule: str | None) -> dict:
    """The v1 envelope, the status, and the first problem's field and rule."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"type", "message", "errors"}
    assert error["type"] == ERROR_TYPES[status]
    assert isinstance(error["message"], str) and error["message"]
    # Input is quoted in messages only in short excerpts, never echoed whole.
    assert len(error["message"]) < 2000
    assert isinstance(error["errors"], list)
    for problem in error["errors"]:
        assert set(problem) == {"field", "rule", "message"}
        assert all(isinstance(v, str) for v in problem.values())
        assert len(problem["message"]) < 2000
    if field is not None:
        assert error["errors"], error
        first = error["errors"][0]
        assert (first["field"], first["rule"]) == (field, rule), first
    return error


def test_cases_are_distinct():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_request(api, world, case: Bad):
    url = case.url.format_map(world) if "{" in case.url else case.url
    response = api.get(url, headers=world["headers"])
    check_error(response, case.status, case.field, case.rule)


def _bad_value(field) -> tuple[str, str] | None:
    """A value of the wrong type for `field`, and the rule it breaks."""
    if not field.filterable:
        return "x", "not_filterable"
    return {
        "integer": ("abc", "integer"),
        "money": ("abc", "decimal"),
        "decimal": ("abc", "decimal"),
        "boolean": ("maybe", "boolean"),
        "datetime": ("someday", "date_format"),
        "enum": ("no-such-value", "one_of"),
        "string": ("a\0b", "invalid_character"),
    }.get(field.type)


FIELD_CASES = [
    (resource.name, field.name, *bad)
    for resource in REGISTRY
    for field in resource.fields
    if (bad := _bad_value(field)) is not None
]


@pytest.mark.parametrize(
    ("resource", "field", "value", "rule"),
    FIELD_CASES,
    ids=[f"{r}.{f}" for r, f, _, _ in FIELD_CASES],
)
def test_every_field_refuses_a_wrong_value(api, world, resource, field, value, rule):
    response = api.get(f"/v1/{resource}?" + q(**{field: value}), headers=world["headers"])
    check_error(response, 400, field, rule)


ORDERED_BOOLEANS = [
    (resource.name, field.name, op)
    for resource in REGISTRY
    for field in resource.fields
    if field.type == "boolean" and field.filterable
    for op in ("gt", "gte", "lt", "lte")
]


@pytest.mark.parametrize(("resource", "field", "op"), ORDERED_BOOLEANS)
def test_booleans_have_no_order(api, world, resource, field, op):
    response = api.get(f"/v1/{resource}?{field}[{op}]=true", headers=world["headers"])
    check_error(response, 400, f"{field}[{op}]", "unknown_operator")


# Not malformed: SQL meta characters, brackets and quotes inside string values are data,
# bound as parameters; they match nothing here and must not change the query.
LITERAL = [
    "/v1/sessions?" + q(code="' OR 1=1--"),
    "/v1/sessions?" + q(code='"; DROP TABLE sessions; --'),
    "/v1/sessions?" + q(q="%' OR '1'='1"),
    "/v1/sessions?" + q(q="(abc"),
    "/v1/sessions?" + q(q="abc)"),
    "/v1/sessions?" + q(q='O"Brien'),
    "/v1/sessions?" + q(q="100%"),
    "/v1/sessions?" + q(q="a_b"),
    "/v1/customers?" + q(email="x@example.com' --"),
    "/v1/customers?" + q(**{"profile.x": "'; SELECT 1; --"}),
    "/v1/venues?" + q(**{"attributes.x y": "1"}),
]


@pytest.mark.parametrize("url", LITERAL)
def test_meta_characters_in_values_are_just_text(api, world, url):
    response = api.get(url, headers=world["headers"])
    assert response.status_code == 200, response.text[:500]
    assert response.json()["data"] == []


def test_a_cursor_from_another_workspace_reveals_nothing(api, world):
    # A cursor holds only sort values the client already has; the rows stay scoped.
    response = api.get(
        f"/v1/sessions?cursor={world['other_session_cursor']}", headers=world["headers"]
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        ids = {row["id"] for row in response.json()["data"]}
        assert ids <= world["mine_sessions"]
        assert world["other_session"] not in ids
    else:
        check_error(response, 400, "cursor", "cursor")


def test_another_workspaces_id_looks_like_a_missing_one(api, world):
    theirs = api.get(f"/v1/sessions/{world['other_session']}", headers=world["headers"])
    missing = api.get("/v1/sessions/987654321", headers=world["headers"])
    assert theirs.status_code == missing.status_code == 404
    a, b = theirs.json()["error"], missing.json()["error"]
    assert (a["type"], a["errors"][0]["rule"]) == (b["type"], b["errors"][0]["rule"])
    assert a["message"].replace(str(world["other_session"]), "N") == b["message"].replace(
        "987654321", "N"
    )
