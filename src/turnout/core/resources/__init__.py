"""Every resource, declared once; REGISTRY is what the edges read."""

from __future__ import annotations

from turnout.core.registry import Registry
from turnout.core.resources.audit import AUDIT
from turnout.core.resources.commerce import PRICES, PRODUCTS, PURCHASES, SALES, VOUCHERS
from turnout.core.resources.marketing import CAMPAIGNS, EVENTS, LEADS, SUPPLIERS
from turnout.core.resources.people import CUSTOMERS, PROFILE_FIELDS
from turnout.core.resources.places import LABELS, VENUES
from turnout.core.resources.sessions import SESSIONS

REGISTRY = Registry(
    (
        VENUES,
        CUSTOMERS,
        PROFILE_FIELDS,
        SESSIONS,
        SALES,
        VOUCHERS,
        CAMPAIGNS,
        SUPPLIERS,
        LEADS,
        EVENTS,
        PRODUCTS,
        PRICES,
        PURCHASES,
        LABELS,
        AUDIT,
    )
)
