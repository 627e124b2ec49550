"""`/data/customers/...`: the customer list, its search and its CSV column list.

`/csv/<columns>` takes a comma list of `id`, `email`, `fullname`, `phone`, `balance`,
`widget`, `sessions`, `regdate` (also `regdate=DATE`, `regdate>DATE`, `regdate<DATE`,
which add the column and keep customers registered on, from or up to that day) and
custom profile field ids; the columns come out in the order asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from turnout.core.errors import InvalidParameter
from turnout.core.execute import fetch_page
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Predicate, Query
from turnout.core.resources.people import CUSTOMERS, PROFILE_FIELDS
from turnout.core.values import parse_value
from turnout.dialects.synthesisvr.columns import Layout, OutColumn, customer_columns, layout

COLUMNS = "columns"
CSV_DEFAULT = ("id", "email", "fullname", "phone", "balance", "widget", "sessions", "regdate")
MAX_COLUMNS = 100
_REGDATE = re.compile(r"regdate[ ]*(<=|>=|=|<|>)[ ]*(.*)", re.IGNORECASE)
_OPERATORS = {"=": "eq", ">": "gte", ">=": "gte", "<": "lte", "<=": "lte"}
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def _not_erased() -> FieldFilter:
    # An erased customer keeps only its id; it is no longer an account to list.
    return FieldFilter(CUSTOMERS.field("status"), OPERATORS["ne"], ("erased",))


def customer_query(
    *, workspace_id: int, tz: ZoneInfo, now: datetime, texts: Sequence[str] = ()
) -> Query:
    return Query(
        resource=CUSTOMERS,
        workspace_id=workspace_id,
        tz=tz,
        filters=(_not_erased(),),
        texts=tuple(texts),
        sort=(("id", False),),
        now=now,
    )


def json_layout(tz: ZoneInfo) -> Layout:
    return layout(CUSTOMERS, list(customer_columns(tz).values()))


def search_words(text: str) -> list[str]:
    words = text.replace("+", " ").split()
    if not words:
        raise InvalidParameter.for_field("search", "required", "search: give the text to look for")
    return words


def csv_selection(conn: Connection, query: Query, columns_text: str | None) -> tuple[Query, Layout]:
    """The query (with any regdate filters) and the columns, as the list asks."""
    tokens = [t.strip() for t in (columns_text or "").split(",") if t.strip()]
    tokens = tokens or list(CSV_DEFAULT)
    if len(tokens) > MAX_COLUMNS:
        raise InvalidParameter.for_field(
            COLUMNS, "max_items", f"{COLUMNS}: at most {MAX_COLUMNS} columns"
        )
    known = customer_columns(query.tz)
    known.pop("custom_fields")
    chosen: dict[str, OutColumn | int] = {}
    filters: list[Predicate] = []
    for token in tokens:
        name = token.lower()
        regdate = _REGDATE.fullmatch(token)
        if regdate is not None:
            op, value = regdate.groups()
            created = CUSTOMERS.field("created_at")
            parsed = parse_value(created, value.strip(), param=f"regdate{op}", tz=query.tz)
            filters.append(FieldFilter(created, OPERATORS[_OPERATORS[op]], (parsed,)))
            chosen.setdefault("regdate", known["regdate"])
        elif name in known:
            chosen.setdefault(name, known[name])
        elif _WHOLE_NUMBER.fullmatch(token):
            chosen.setdefault(token, int(token))
        else:
            raise InvalidParameter.for_field(
                COLUMNS,
                "one_of",
                f"{COLUMNS}: unknown column {token[:40]!r}; use {', '.join(CSV_DEFAULT)}, "
                "regdate<DATE, regdate=DATE, regdate>DATE or a custom field id",
            )
    custom_ids = [v for v in chosen.values() if isinstance(v, int)]
    names = _custom_field_names(conn, query, custom_ids)
    columns = [v if isinstance(v, OutColumn) else _custom_column(names[v]) for v in chosen.values()]
    scoped = replace(query, filters=(*query.filters, *filters))
    return scoped, layout(CUSTOMERS, columns)


def _custom_column(name: str) -> OutColumn:
    source = CUSTOMERS.field(f"profile.{name}", param=COLUMNS)
    return OutColumn(name, (source.name,), "string")


def _custom_field_names(conn: Connection, query: Query, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    id_field = PROFILE_FIELDS.field("id")
    lookup = Query(
        resource=PROFILE_FIELDS,
        workspace_id=query.workspace_id,
        tz=query.tz,
        filters=(FieldFilter(id_field, OPERATORS["eq"], tuple(ids)),),
        fields=(id_field, PROFILE_FIELDS.field("name")),
        limit=len(ids),
        now=query.now,
    )
    found = {int(row[0]): str(row[1]) for row in fetch_page(conn, lookup).rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidParameter.for_field(
            COLUMNS,
            "exists",
            f"{COLUMNS}: no custom field with id {', '.join(map(str, missing))} in this workspace",
        )
    return found
