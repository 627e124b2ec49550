"""Demo private-space products, their prices and purchases (Virbela's space creator)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Final

from turnout.db.types import MONEY_SCALE
from turnout.ingest.demo_catalogue import PRODUCTS
from turnout.ingest.demo_clock import DAY, Calendar, TimeFormatter, object_id
from turnout.ingest.demo_people import People
from turnout.ingest.demo_venues import PRIVATE_VOLUME, Venue

PRODUCT_COLUMNS: Final = (
    "workspace_id",
    "id",
    "name",
    "description",
    "type",
    "status",
    "venue_id",
    "created_at",
    "updated_at",
)
PRICE_COLUMNS: Final = (
    "workspace_id",
    "id",
    "product_id",
    "name",
    "amount",
    "currency",
    "status",
    "created_at",
    "updated_at",
)
PURCHASE_COLUMNS: Final = (
    "workspace_id",
    "id",
    "price_id",
    "customer_id",
    "purchase_type",
    "status",
    "remote_subscription_id",
    "details",
    "email",
    "first_name",
    "last_name",
    "created_at",
    "updated_at",
)
PRODUCT_COUNT: Final = len(PRODUCTS)
PRICE_COUNT: Final = sum(len(prices) for _, _, prices in PRODUCTS)


def product_rows(
    rng: random.Random,
    product_ids: Sequence[int],
    price_ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    venues: Sequence[Venue],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    volumes = [v for v in venues if v.kind == PRIVATE_VOLUME]
    products: list[tuple[Any, ...]] = []
    prices: list[tuple[Any, ...]] = []
    price_iter = iter(price_ids)
    cents = MONEY_SCALE // 100
    for index, (product_id, (name, description, price_list)) in enumerate(
        zip(product_ids, PRODUCTS, strict=True)
    ):
        created = calendar.start - int((120 + rng.random() * 200) * DAY)
        venue = volumes[index % len(volumes)].id if index < len(volumes) else None
        stamp = fmt(created)
        products.append((workspace_id, product_id, name, description, 0, 0, venue, stamp, stamp))
        for price_name, amount in price_list:
            price_created = fmt(created + int(rng.random() * 30 * DAY))
            prices.append(
                (
                    workspace_id,
                    next(price_iter),
                    product_id,
                    price_name,
                    amount * cents,
                    "USD",
                    0,
                    price_created,
                    price_created,
                )
            )
    return products, prices


def purchase_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    price_ids: Sequence[int],
    people: People,
) -> list[tuple[Any, ...]]:
    r = rng.random
    start, now = calendar.start, calendar.now
    rows: list[tuple[Any, ...]] = []
    for purchase_id, created in zip(
        ids, sorted(start + int(r() * (now - start)) for _ in ids), strict=True
    ):
        pool_n = people.pool_by_day[calendar.day_of(created)]
        customer = None
        if pool_n and r() < 0.8:
            index = people.pool[int(r() * pool_n)]
            customer = people.ids[index]
            email, first, last = (
                people.emails[index],
                people.first_names[index],
                people.last_names[index],
            )
        else:
            first, last = "Guest", f"Buyer{int(r() * 1000)}"
            email = f"buyer{int(r() * 100000)}@example.com"
        status = 1 if r() < 0.15 else 0
        updated = created + int(r() * (now - created)) if status else created
        rows.append(
            (
                workspace_id,
                purchase_id,
                price_ids[int(r() * len(price_ids))],
                customer,
                0,
                status,
                f"sub_{object_id(rng, 14)}",
                "",
                email,
                first,
                last,
                fmt(created),
                fmt(updated),
            )
        )
    return rows
