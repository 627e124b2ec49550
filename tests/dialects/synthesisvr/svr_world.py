"""Data for the SynthesisVR dialect tests, created through the core's tables.

The clock is pinned at NOW (12:00 in London, where the workspace lives), so that
`today` is 2019-07-12, the seed's own example date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import Engine

from tests.factories import (
    make_customer,
    make_key,
    make_label,
    make_sale,
    make_session,
    make_venue,
    make_workspace,
)
from turnout.core.workspaces import Workspace
from turnout.db.schema import profile_fields

NOW = datetime(2019, 7, 12, 11, 0, tzinfo=UTC)  # 12:00 BST


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# name: (start in UTC, customer, channel, status, extra columns)
SESSIONS: dict[str, tuple[str, str | None, str, str, dict[str, Any]]] = {
    "june": ("2019-06-20T09:00", "ann", "on-site", "completed", {"created_at": "2019-06-01"}),
    "morning": (
        "2019-07-12T08:00",
        "ann",
        "on-site",
        "completed",
        {
            "created_at": "2019-07-01T10:00",
            "joined_at": "2019-07-12T08:00",
            "left_at": "2019-07-12T09:00",
            "experience": "Beat Saber",
            "stations": 2,
            "comments": "birthday party",
        },
    ),
    "evening": (
        "2019-07-12T17:00",
        "bob",
        "api",
        "booked",
        {"created_at": "2019-07-10T09:00", "external_uuid": "ext-1", "experience": "Arizona"},
    ),
    "cancelled": ("2019-07-12T19:00", None, "online", "cancelled", {"created_at": "2019-07-11"}),
    "after_midnight": (
        "2019-07-12T23:30",  # 00:30 on the 13th in London
        "ann",
        "online",
        "booked",
        {"created_at": "2019-07-11T12:00"},
    ),
    "next_morning": (
        "2019-07-13T06:30",  # 07:30 in London
        "bob",
        "on-site",
        "booked",
        {"created_at": "2019-07-12T10:00"},
    ),
    "august": (
        "2019-08-01T11:00",
        "bob",
        "online",
        "booked",
        {"created_at": "2019-07-05", "external_uuid": "ext-2"},
    ),
    "late_august": ("2019-08-17T09:00", "ann", "on-site", "booked", {"created_at": "2019-07-05"}),
}


@dataclass
class World:
    ws: Workspace
    key: str
    customers: dict[str, int]
    sessions: dict[str, int]
    uuids: dict[str, str]
    sales: dict[str, int]
    labels: dict[str, int]
    profile_field: int
    other_key: str
    keys: dict[str, str] = field(default_factory=dict)

    def uuid_names(self, rows: list[dict[str, Any]]) -> list[str]:
        by_uuid = {v: k for k, v in self.uuids.items()}
        return [by_uuid[row["uuid"]] for row in rows]

    def sale_names(self, rows: list[dict[str, Any]]) -> list[str]:
        by_id = {v: k for k, v in self.sales.items()}
        return [by_id[row["id"]] for row in rows]


def build_world(engine: Engine) -> World:
    ws = make_workspace(engine, timezone="Europe/London")
    arena = make_venue(engine, ws, name="Arena One")
    customers = {
        "ann": make_customer(
            engine,
            ws,
            email="ann@example.com",
            first_name="Ann",
            last_name="Smith",
            phone="+44 7700 900111",
            source="booking widget",
            profile={"Department": "Sales"},
            created_at=utc("2019-06-01T10:00"),
        ),
        "bob": make_customer(
            engine,
            ws,
            email="bob@example.org",
            first_name="Bob",
            last_name="O'Brien",
            phone="+1 555 0100",
            created_at=utc("2019-07-05T10:00"),
        ),
        "gone": make_customer(
            engine,
            ws,
            email=None,
            first_name=None,
            last_name=None,
            display_name=None,
            phone=None,
            status="erased",
            created_at=utc("2019-07-06T10:00"),
        ),
    }
    sessions: dict[str, int] = {}
    uuids: dict[str, str] = {}
    for name, (start, who, channel, status, extra) in SESSIONS.items():
        values = dict(extra)
        for stamp in ("created_at", "joined_at", "left_at"):
            if stamp in values:
                values[stamp] = utc(values[stamp])
        uuid = f"{len(sessions) + 1:08d}-aaaa-4bbb-8ccc-{name[:12].replace('_', '0'):0>12}"
        sessions[name] = make_session(
            engine,
            ws,
            uuid=uuid,
            venue_id=arena,
            customer_id=customers[who] if who else None,
            channel=channel,
            status=status,
            start_at=utc(start),
            **values,
        )
        uuids[name] = uuid
    labels = {
        "vip": make_label(engine, ws, "vip", [sessions["morning"], sessions["august"]]),
        "party": make_label(engine, ws, "party", [sessions["morning"]]),
    }

    def sale(session: str | None, who: str, item: str, sold: str, **kw: Any) -> int:
        return make_sale(
            engine,
            ws,
            session_id=sessions[session] if session else None,
            customer_id=customers[who],
            venue_id=arena,
            item=item,
            sold_at=utc(sold),
            **kw,
        )

    sales = {
        "cola": sale("morning", "ann", "Cola", "2019-07-12T08:30"),
        "hour": sale(
            "evening",
            "bob",
            "VR Hour",
            "2019-07-12T17:05",
            quantity=1,
            unit_price=Decimal("25.00"),
            amount=Decimal("25.00"),
        ),
        "snacks": sale(None, "bob", "Snacks", "2019-07-13T09:00", category="food"),
        "poster": sale("august", "bob", "Poster", "2019-08-01T11:30", currency="EUR"),
    }
    with engine.begin() as conn:
        profile_field = conn.execute(
            profile_fields.insert()
            .values(
                workspace_id=ws.id,
                name="Department",
                label="Department",
                created_at=NOW,
                updated_at=NOW,
            )
            .returning(profile_fields.c.id)
        ).scalar_one()
    _, key = make_key(engine, ws, permissions="all")
    other = make_workspace(engine, timezone="Europe/London")
    make_session(
        engine,
        other,
        start_at=utc("2019-07-12T10:00"),
        external_uuid="ext-1",
        channel="online",
    )
    _, other_key = make_key(engine, other, permissions="all")
    return World(
        ws=ws,
        key=key,
        customers=customers,
        sessions=sessions,
        uuids=uuids,
        sales=sales,
        labels=labels,
        profile_field=int(profile_field),
        other_key=other_key,
    )


def url(endpoint: str, key: str, kind: str, *rest: str, encode: bool = True) -> str:
    """`/data/<endpoint>/<key>/<kind>/<rest...>`, each segment percent-encoded or raw."""
    segments = [endpoint, key, kind, *rest]
    if encode:
        segments = [quote(s, safe="") for s in segments]
    return "/data/" + "/".join(segments)
