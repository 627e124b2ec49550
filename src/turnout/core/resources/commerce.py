"""Goods sold, vouchers, and sellable spaces (products, prices, purchases)."""

from __future__ import annotations

from turnout.core.fields import Join, enum, ident, integer, json, money, string, timestamp
from turnout.core.registry import Resource, SearchVia
from turnout.core.resources.common import customer_fields, stamps, venue_fields
from turnout.core.resources.sessions import CHANNELS
from turnout.db.schema import customers, prices, products, purchases, sales, sessions, vouchers

SESSION = Join("session", sessions, "session_id")

SALES = Resource(
    name="sales",
    table=sales,
    permission="sales:read",
    description="Goods sold: items, quantities and amounts, tied to sessions and customers.",
    fields=(
        ident(),
        integer("session_id", sortable=True),
        string("session_uuid", join=SESSION, column="uuid", default=False),
        string("session_external_uuid", join=SESSION, column="external_uuid", default=False),
        enum("session_channel", CHANNELS, join=SESSION, column="channel", default=False),
        *customer_fields(),
        *venue_fields(),
        string("item", sortable=True, searchable=True),
        string("category", sortable=True, searchable=True),
        integer("quantity", sortable=True),
        money("unit_price", sortable=True),
        money("amount", sortable=True),
        string("currency"),
        timestamp("sold_at"),
        json("attributes"),
        *stamps(),
    ),
    time_field="sold_at",
    time_fields=("sold_at", "created_at", "updated_at"),
    default_sort=("-sold_at",),
    open_json=("attributes",),
    search_via=(
        SearchVia(
            "customer_id", customers, ("first_name", "last_name", "display_name", "email", "phone")
        ),
    ),
)

VOUCHERS = Resource(
    name="vouchers",
    table=vouchers,
    permission="vouchers:read",
    description="Access vouchers and gift cards.",
    fields=(
        ident(),
        integer("venue_id", sortable=True),
        string("code", sortable=True, searchable=True),
        integer("validity_days", sortable=True),
        integer("upspeed_mbps", description="Upload cap in Mbps; 0 = unlimited."),
        integer("downspeed_mbps", description="Download cap in Mbps; 0 = unlimited."),
        integer("volume_cap_gb", description="Volume cap in GB; 0 = unlimited."),
        integer("max_devices", description="0 = unlimited."),
        money("amount", sortable=True),
        string("currency"),
        string("status", sortable=True),
        timestamp("expires_at"),
        timestamp("deleted_at"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at", "expires_at"),
)

PRODUCTS = Resource(
    name="products",
    table=products,
    permission="sales:read",
    description="Sellable spaces and items (e.g. a private office for 20).",
    fields=(
        ident(),
        string("name", sortable=True, searchable=True),
        string("description", searchable=True),
        integer("type"),
        integer("status"),
        integer("venue_id"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)

PRICES = Resource(
    name="prices",
    table=prices,
    permission="sales:read",
    description="Prices of products.",
    fields=(
        ident(),
        integer("product_id", sortable=True),
        string("name", sortable=True, searchable=True),
        money("amount", sortable=True),
        string("currency"),
        integer("status"),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
)

PURCHASES = Resource(
    name="purchases",
    table=purchases,
    permission="sales:read",
    description="Purchases of products at a price (e.g. private space subscriptions).",
    fields=(
        ident(),
        integer("price_id", sortable=True),
        integer("customer_id", sortable=True),
        integer("purchase_type"),
        integer("status"),
        string("remote_subscription_id"),
        string("details"),
        string("email", searchable=True, sortable=True),
        string("first_name", searchable=True),
        string("last_name", searchable=True),
        *stamps(),
    ),
    time_field="created_at",
    time_fields=("created_at", "updated_at"),
    default_sort=("-created_at",),
)
