"""Demo goods sold during arena and store sessions, and labels on sessions."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any, Final

import orjson

from turnout.db.types import MONEY_SCALE
from turnout.ingest.demo_catalogue import ARENA_GOODS, LABELS, STORE_GOODS
from turnout.ingest.demo_clock import (
    HOUR,
    MINUTE,
    PAST_DAYS,
    Calendar,
    TimeFormatter,
    cumulative,
    pick,
)
from turnout.ingest.demo_sessions import KIND_CODE, SessionTrail
from turnout.ingest.demo_venues import ARENA, STORE, Venue

SALE_COLUMNS: Final = (
    "workspace_id",
    "id",
    "session_id",
    "customer_id",
    "venue_id",
    "item",
    "category",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "sold_at",
    "attributes",
    "created_at",
    "updated_at",
)
SESSION_LABEL_COLUMNS: Final = ("workspace_id", "session_id", "label_id")

_CATEGORY_WEIGHT: Final = {
    "drinks": 4,
    "snacks": 3,
    "food": 4,
    "game credits": 2,
    "merch": 0.6,
}
_SMALL_QTY_CUT: Final = cumulative((55, 28, 11, 6))
_SINGLE_QTY_CUT: Final = cumulative((90, 10))

# (item, category, unit price in money units, attributes JSON)
_Goods = tuple[str, str, int, str]


def _goods(catalogue: Sequence[tuple[str, str, int]], prefix: str) -> list[_Goods]:
    pence_to_money = MONEY_SCALE // 100
    return [
        (
            item,
            category,
            price * pence_to_money,
            orjson.dumps({"sku": f"{prefix}-{i + 101}"}).decode(),
        )
        for i, (item, category, price) in enumerate(catalogue)
    ]


def sale_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    venues: Sequence[Venue],
    trail: SessionTrail,
) -> Iterator[tuple[Any, ...]]:
    """One row per id, spread over the completed sessions that sell goods.

    With no such session (tiny demos), goods are sold over the arena counter.
    """
    r = rng.random
    n = len(ids)
    menus = {
        ARENA: _goods(ARENA_GOODS, "ARC"),
        STORE: _goods(STORE_GOODS, "OAS"),
    }
    menu_cuts = {
        kind: cumulative([_CATEGORY_WEIGHT[g[1]] for g in menu]) for kind, menu in menus.items()
    }
    eligible = len(trail.sale_session)
    picks = sorted(int(r() * eligible) for _ in range(n)) if eligible else []
    arenas = [i for i, v in enumerate(venues) if v.kind == ARENA]
    for position, sale_id in enumerate(ids):
        if picks:
            j = picks[position]
            session: int | None = trail.sale_session[j]
            customer: int | None = trail.sale_customer[j] or None
            venue = venues[trail.sale_venue[j]]
            start, end = trail.sale_from[j], trail.sale_to[j]
        else:
            session = customer = None
            venue = venues[arenas[int(r() * len(arenas))]]
            start = calendar.day_start[int(r() * PAST_DAYS)] + 11 * HOUR
            end = start + 11 * HOUR
        menu = menus[venue.kind]
        item, category, price, attributes = menu[pick(menu_cuts[venue.kind], r())]
        small = category in ("drinks", "snacks", "food")
        quantity = pick(_SMALL_QTY_CUT if small else _SINGLE_QTY_CUT, r()) + 1
        sold = start + int(r() * max(end - start, MINUTE))
        stamp = fmt(sold)
        yield (
            workspace_id,
            sale_id,
            session,
            customer,
            venue.id,
            item,
            category,
            quantity,
            price,
            price * quantity,
            venue.currency,
            stamp,
            attributes,
            stamp,
            stamp,
        )


def session_label_rows(
    rng: random.Random,
    count: int,
    *,
    workspace_id: int,
    session_ids: Sequence[int],
    label_ids: Sequence[int],
    trail: SessionTrail,
) -> Iterator[tuple[Any, ...]]:
    """One label on each of `count` distinct sessions; bookings get party labels."""
    names = [name for name, _ in LABELS]
    arena_cut = cumulative([5, 4, 2, 2, 4, 2, 1, 0.5])
    other = [names.index(n) for n in ("VIP", "First visit", "Promo", "Staff")]
    other_cut = cumulative([2, 4, 2, 1])
    arena_code = KIND_CODE[ARENA]
    chosen = sorted(rng.sample(range(len(session_ids)), count))
    for position in chosen:
        if trail.kinds[position] == arena_code:
            label = pick(arena_cut, rng.random())
        else:
            label = other[pick(other_cut, rng.random())]
        yield (workspace_id, session_ids[position], label_ids[label])
