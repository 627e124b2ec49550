"""The query engine on both backends: filters, windows, overlap, search, sort, paging."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_customer,
    make_label,
    make_sale,
    make_session,
    make_venue,
    make_workspace,
)
from turnout.core.execute import count, fetch_page, stream_rows
from turnout.core.params import parse_list_params
from turnout.core.query import Query, compile_query
from turnout.core.resources import REGISTRY

NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
SESSIONS = REGISTRY.get("sessions")


def ids(engine, ws, resource="sessions", query_string="", now=NOW):
    params = [tuple(p.split("=", 1)) for p in query_string.split("&") if p]
    options = parse_list_params(
        REGISTRY.get(resource),
        params,
        workspace_id=ws.id,
        workspace_tz=ws.timezone,
        now=now,
        default_limit=None,
    )
    columns, rows = stream_rows(engine, options.query)
    index = [c.name for c in columns].index("id")
    return sorted(row[index] for row in rows)


@pytest.fixture(scope="module")
def world(engine):
    """A small workspace with known rows, and a neighbour whose rows must never leak."""
    ws = make_workspace(engine)
    arena = make_venue(engine, ws, kind="arena", name="Arena One", code="A1")
    room = make_venue(engine, ws, kind="room", name="Theater", code="R1")
    ann = make_customer(
        engine, ws, first_name="Ann", last_name="Smith", email="Ann@Example.com", phone="+44 1111"
    )
    bob = make_customer(
        engine, ws, first_name="Bob", last_name="O'Brien", email="bob@example.com", phone="+44 2222"
    )
    t = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    s = {
        "past_ann": make_session(
            engine,
            ws,
            venue_id=arena,
            customer_id=ann,
            start_at=t,
            channel="online",
            external_uuid="ext-1",
            people=2,
            joined_at=t,
            left_at=t + timedelta(hours=2),
            talk_seconds=60,
            attributes={"device": "Quest 3", "os": "android"},
        ),
        "past_bob": make_session(
            engine,
            ws,
            venue_id=room,
            customer_id=bob,
            start_at=t + timedelta(days=1),
            channel="on-site",
            people=4,
            joined_at=t + timedelta(days=1),
            left_at=t + timedelta(days=1, minutes=30),
            satisfaction=90,
        ),
        "open": make_session(
            engine,
            ws,
            venue_id=room,
            customer_id=ann,
            start_at=NOW - timedelta(hours=1),
            joined_at=NOW - timedelta(hours=1),
            left_at=None,
            channel="api",
            status="active",
            suspected_fraud=True,
        ),
        "upcoming": make_session(
            engine,
            ws,
            venue_id=arena,
            customer_id=bob,
            status="booked",
            start_at=NOW + timedelta(days=2),
            channel="api",
            external_uuid="ext-2",
            comments="birthday party",
        ),
        "cancelled": make_session(
            engine,
            ws,
            venue_id=arena,
            status="cancelled",
            start_at=NOW + timedelta(days=3),
            channel="online",
        ),
        "no_start": make_session(engine, ws, venue_id=arena, start_at=None, channel="on-site"),
    }
    vip = make_label(engine, ws, "vip", [s["past_ann"], s["upcoming"]])
    make_sale(
        engine,
        ws,
        session_id=s["past_ann"],
        unit_price=Decimal("2.5"),
        amount=Decimal("5"),
        quantity=2,
        item="Cola",
    )
    make_sale(
        engine,
        ws,
        session_id=s["past_bob"],
        unit_price=Decimal("0.0255"),
        amount=Decimal("0.0255"),
        quantity=1,
        item="SMS",
    )
    other = make_workspace(engine)
    make_session(engine, other, start_at=t, channel="online", external_uuid="ext-1")
    make_customer(engine, other, email="ann@example.com", first_name="Ann", last_name="Smith")
    return {
        "ws": ws,
        "s": s,
        "ann": ann,
        "bob": bob,
        "arena": arena,
        "room": room,
        "vip": vip,
        "other": other,
    }


def expect(world, *names):
    return sorted(world["s"][n] for n in names)


# Each filter: (query string, sessions expected). Every row has a hit and a miss somewhere.
FILTERS = [
    ("channel=online", ["past_ann", "cancelled"]),
    ("channel=api,online", ["past_ann", "open", "upcoming", "cancelled"]),
    ("channel[ne]=online", ["past_bob", "open", "upcoming", "no_start"]),
    ("people[gte]=3", ["past_bob"]),
    ("people[lt]=3", ["past_ann", "open", "upcoming", "cancelled", "no_start"]),
    ("people[gt]=2", ["past_bob"]),
    ("people[lte]=2", ["past_ann", "open", "upcoming", "cancelled", "no_start"]),
    ("left_at[null]=true", ["open", "upcoming", "cancelled", "no_start"]),
    ("left_at[null]=false", ["past_ann", "past_bob"]),
    ("start_at=2024-05-01", ["past_ann"]),
    ("start_at[gte]=2024-05-02", ["past_bob", "open", "upcoming", "cancelled"]),
    ("start_at[lte]=2024-05-01", ["past_ann"]),
    ("start_at[lt]=2024-05-02T10:00:00Z", ["past_ann"]),
    ("start_at[gt]=2024-05-02T10:00:00Z", ["open", "upcoming", "cancelled"]),
    ("suspected_fraud=true", ["open"]),
    ("suspected_fraud=false", ["past_ann", "past_bob", "upcoming", "cancelled", "no_start"]),
    ("satisfaction[gte]=50", ["past_bob"]),
    ("external_uuid=ext-1", ["past_ann"]),
    ("attributes.device=Quest 3", ["past_ann"]),
    ("attributes.os[ne]=android", ["past_bob", "open", "upcoming", "cancelled", "no_start"]),
    ("customer_email=bob@example.com", ["past_bob", "upcoming"]),
    ("venue_name=Theater", ["past_bob", "open"]),
    ("label={vip}", ["past_ann", "upcoming"]),
    ("label[ne]={vip}", ["past_bob", "open", "cancelled", "no_start"]),
    ("talk_seconds[null]=false&people=2", ["past_ann"]),
]


@pytest.mark.parametrize(("query_string", "expected"), FILTERS)
def test_filters(engine, world, query_string, expected):
    query_string = query_string.replace("{vip}", str(world["vip"]))
    assert ids(engine, world["ws"], query_string=query_string) == expect(world, *expected)


SEARCHES = [
    ("q=smith", ["past_ann", "open"]),
    ("q=SMITH", ["past_ann", "open"]),
    ("q=%22o'brien%22", ["past_bob", "upcoming"]),
    ("q=example.com bob", ["past_bob", "upcoming"]),
    ("q=%2B44 1111", ["past_ann", "open"]),
    ("q=upcoming", ["upcoming"]),
    ("q=api_only", ["past_ann", "open", "upcoming", "cancelled"]),
    ("q=skip_api", ["past_bob", "no_start"]),
    ("q=open", ["open"]),
    ("q=today", ["open"]),
    ("q=externaluuid:ext-2", ["upcoming"]),
    ("q=customer:{ann}", ["past_ann", "open"]),
    ("q=label:{vip} upcoming", ["upcoming"]),
    ("q=people>2", ["past_bob"]),
    ("q=people>=2 people<=2", ["past_ann", "open", "upcoming", "cancelled", "no_start"]),
    ("q=date=2024-05-01", ["past_ann"]),
    ("q=100%", []),
    ("q=_", []),
]


@pytest.mark.parametrize(("query_string", "expected"), SEARCHES)
def test_search_language(engine, world, query_string, expected):
    query_string = query_string.replace("{vip}", str(world["vip"])).replace(
        "{ann}", str(world["ann"])
    )
    query_string = query_string.replace("%22", '"').replace("%2B", "+")
    assert ids(engine, world["ws"], query_string=query_string) == expect(world, *expected)


WINDOWS = [
    ("from=2024-05-01&to=2024-05-01", ["past_ann"]),
    ("from=2024-05-01&range=2 days", ["past_ann", "past_bob"]),
    ("from=2024-05-02T10:00:00Z&to=2024-05-02T10:00:00Z", ["past_bob"]),
    ("preset=today", ["open"]),
    ("preset=this_month", ["past_ann", "past_bob", "open", "upcoming", "cancelled"]),
    ("preset=last_month", []),
    ("from=2024-05-15&time_field=joined_at", ["open"]),
    # Overlap: start <= left AND end >= joined; the open session counts as ongoing.
    ("from=2024-05-01T11:00:00Z&to=2024-05-01T11:30:00Z&overlaps=true", ["past_ann"]),
    ("from=2024-05-01T12:00:00Z&to=2024-05-02T10:00:00Z&overlaps=true", ["past_ann", "past_bob"]),
    ("from=2024-05-01T12:00:01Z&to=2024-05-02T09:59:59Z&overlaps=true", []),
    ("from=2024-05-20&overlaps=true", ["open"]),
]


@pytest.mark.parametrize(("query_string", "expected"), WINDOWS)
def test_windows_and_overlap(engine, world, query_string, expected):
    assert ids(engine, world["ws"], query_string=query_string) == expect(world, *expected)


def test_virbela_overlap_example(engine):
    """Seed 002: window 2:30-3:30 PM returns users A, B, C, D but not E, F."""
    ws = make_workspace(engine)
    room = make_venue(engine, ws, kind="room")
    day = datetime(2023, 1, 19, tzinfo=UTC)

    def at(hour, minute=0):
        return day + timedelta(hours=hour, minutes=minute)

    spans = {
        "A": (14, 0, 16, 0),
        "B": (14, 45, 15, 15),
        "C": (14, 0, 15, 0),
        "D": (15, 0, 16, 0),
        "E": (13, 0, 13, 30),
        "F": (16, 30, 17, 0),
    }
    made = {
        k: make_session(engine, ws, venue_id=room, joined_at=at(h1, m1), left_at=at(h2, m2))
        for k, (h1, m1, h2, m2) in spans.items()
    }
    found = ids(
        engine, ws, query_string="from=2023-01-19T14:30:00Z&to=2023-01-19T15:30:00Z&overlaps=true"
    )
    assert found == sorted(made[k] for k in "ABCD")


def test_workspace_scoping_is_structural(world, engine):
    """Every resource's compiled query carries the workspace predicate, joins included."""
    for resource in REGISTRY:
        query = Query(resource, 4242, ZoneInfo("UTC"), fields=resource.fields, texts=("x",))
        sql = str(
            compile_query(query, engine.dialect.name).select.compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        table = resource.table.name
        assert f"{table}.workspace_id = 4242" in sql, resource.name
        for alias in ("j_customer", "j_venue"):
            if alias in sql:
                assert f"{alias}.workspace_id = 4242" in sql
    assert ids(engine, world["ws"], query_string="external_uuid=ext-1") == expect(world, "past_ann")
    assert len(ids(engine, world["ws"], "customers", "q=ann")) == 1


def test_money_and_json_come_out_typed(engine, world):
    options = parse_list_params(
        REGISTRY.get("sales"),
        [("sort", "amount")],
        workspace_id=world["ws"].id,
        workspace_tz="UTC",
        now=NOW,
        default_limit=None,
    )
    columns, rows = stream_rows(engine, options.query)
    names = [c.name for c in columns]
    amounts = [row[names.index("amount")] for row in rows]
    assert amounts == [0.0255, 5.0]
    options = parse_list_params(
        SESSIONS,
        [
            ("external_uuid", "ext-1"),
            ("fields", "id,start_at,attributes,suspected_fraud,label_ids"),
        ],
        workspace_id=world["ws"].id,
        workspace_tz="UTC",
        now=NOW,
        default_limit=None,
    )
    columns, rows = stream_rows(engine, options.query)
    (row,) = list(rows)
    assert row[1] == "2024-05-01T10:00:00.000000Z"
    assert '"device"' in row[2].replace(" ", "")
    assert row[3] in (0, False)
    assert row[4].replace(" ", "") == f"[{world['vip']}]"


def walk(engine, ws, resource, query_string, limit):
    params = [tuple(p.split("=", 1)) for p in query_string.split("&") if p]
    seen, cursor, pages = [], None, 0
    while True:
        page_params = [*params, ("limit", str(limit))] + ([("cursor", cursor)] if cursor else [])
        options = parse_list_params(
            REGISTRY.get(resource), page_params, workspace_id=ws.id, workspace_tz="UTC", now=NOW
        )
        with engine.connect() as conn:
            page = fetch_page(conn, options.query)
        seen.extend(page.rows)
        pages += 1
        if not page.has_more:
            return seen, pages
        cursor = page.next_cursor
        assert pages < 1000


@pytest.fixture(scope="module")
def ties(engine):
    """Many rows sharing sort values, some NULL, to test that paging is total."""
    ws = make_workspace(engine)
    rng = random.Random(7)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        from turnout.db.schema import sessions

        rows = []
        for i in range(157):
            start = None if i % 11 == 0 else base + timedelta(hours=rng.randrange(5))
            rows.append(
                {
                    "workspace_id": ws.id,
                    "uuid": f"u-{i:04d}",
                    "status": rng.choice(["a", "b"]),
                    "channel": "api",
                    "start_at": start,
                    "people": rng.choice([None, 1, 2, 3]),
                    "satisfaction": rng.choice([None, 10, 20]),
                    "created_at": base,
                    "updated_at": base,
                }
            )
        conn.execute(sessions.insert(), rows)
    return ws


@pytest.mark.parametrize(
    "sort",
    [
        "-start_at",
        "start_at",
        "people",
        "-people",
        "status,-satisfaction",
        "-status,people,start_at",
        "id",
        "-id",
        "uuid",
    ],
)
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_paging_walks_every_row_once_in_order(engine, ties, sort, limit):
    seen, _pages = walk(
        engine,
        ties,
        "sessions",
        f"sort={sort}&fields=id,start_at,people,status,satisfaction,uuid",
        limit,
    )
    all_ids = [r[0] for r in seen]
    assert len(all_ids) == len(set(all_ids)) == 157
    # The walk's order equals one unpaged sorted read.
    options = parse_list_params(
        SESSIONS,
        [("sort", sort), ("fields", "id,start_at,people,status,satisfaction,uuid")],
        workspace_id=ties.id,
        workspace_tz="UTC",
        now=NOW,
        default_limit=None,
    )
    _, rows = stream_rows(engine, options.query)
    assert all_ids == [r[0] for r in rows]


def test_paging_survives_inserts_between_pages(engine):
    ws = make_workspace(engine)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    originals = {
        make_session(engine, ws, start_at=base + timedelta(minutes=i % 5)) for i in range(30)
    }
    seen, cursor = [], None
    while True:
        params = [("sort", "-start_at"), ("limit", "4")] + ([("cursor", cursor)] if cursor else [])
        options = parse_list_params(
            SESSIONS, params, workspace_id=ws.id, workspace_tz="UTC", now=NOW
        )
        with engine.connect() as conn:
            page = fetch_page(conn, options.query)
        seen.extend(r[0] for r in page.rows)
        # Someone writes while the client pages.
        make_session(engine, ws, start_at=base + timedelta(minutes=2))
        make_session(engine, ws, start_at=base + timedelta(days=1))
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen))
    assert originals <= set(seen)


def test_total_and_offset_paging(engine, ties):
    options = parse_list_params(
        SESSIONS,
        [("limit", "10"), ("page", "3"), ("sort", "uuid"), ("include", "total")],
        workspace_id=ties.id,
        workspace_tz="UTC",
        now=NOW,
    )
    with engine.connect() as conn:
        page = fetch_page(conn, options.query, include_total=options.include_total)
        assert count(conn, options.query) == 157
    assert page.total == 157
    uuids = [r[1] for r in page.rows]
    assert uuids == [f"u-{i:04d}" for i in range(20, 30)]


def test_updated_since(engine):
    ws = make_workspace(engine)
    old = datetime(2024, 1, 1, tzinfo=UTC)
    make_session(engine, ws, updated_at=old)
    recent = make_session(engine, ws, updated_at=old + timedelta(days=1))
    assert ids(engine, ws, query_string="updated_since=2024-01-02T00:00:00Z") == [recent]


def test_streaming_a_large_result_keeps_going(engine):
    ws = make_workspace(engine)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        from turnout.db.schema import sessions

        conn.execute(
            sessions.insert(),
            [
                {
                    "workspace_id": ws.id,
                    "uuid": f"x{i}",
                    "start_at": base,
                    "created_at": base,
                    "updated_at": base,
                }
                for i in range(5000)
            ],
        )
    assert len(ids(engine, ws)) == 5000
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(sa.text("sessions"))).scalar_one()
            >= 5000
        )
