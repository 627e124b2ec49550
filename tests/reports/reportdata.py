"""Random report data for one workspace, and an independent, straightforward oracle.

The oracle shares no code with `turnout.reports`: it labels every instant with its
local period directly, splits intervals at the UTC quarter-hour grid (where every
tested zone changes labels), and counts presence by brute force.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from turnout.db import schema

T0 = datetime(2024, 3, 29, tzinfo=UTC)  # London and New York DST both around here
SPAN = timedelta(days=5)


def label(t: datetime, tz: ZoneInfo, granularity: str | None) -> str | None:
    if granularity is None:
        return None
    local = t.astimezone(tz)
    if granularity == "hour":
        return local.replace(minute=0, second=0, microsecond=0).isoformat()
    if granularity == "day":
        return local.date().isoformat()
    if granularity == "week":
        return (local.date() - timedelta(days=local.weekday())).isoformat()
    return f"{local.year:04d}-{local.month:02d}"


def pieces(lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """[lo, hi) cut at every UTC quarter hour."""
    cuts = [lo]
    grid = lo.replace(minute=lo.minute - lo.minute % 15, second=0, microsecond=0)
    while True:
        grid += timedelta(minutes=15)
        if grid >= hi:
            break
        cuts.append(grid)
    cuts.append(hi)
    return list(itertools.pairwise(cuts))


def us(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def r2(value: Fraction | Decimal | int) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value


@dataclass
class Data:
    workspace_id: int
    venues: list[int] = field(default_factory=list)
    venue_kinds: dict[int, str] = field(default_factory=dict)
    customers: list[int] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[int] = field(default_factory=list)
    suppliers: list[int] = field(default_factory=list)


def _stamp(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    row.setdefault("created_at", now)
    row.setdefault("updated_at", now)
    return row


def _instant(rng: random.Random, start: datetime = T0, span: timedelta = SPAN) -> datetime:
    return start + timedelta(microseconds=rng.randrange(us(span)))


def setup_entities(engine: Engine, workspace_id: int, rng: random.Random) -> Data:
    data = Data(workspace_id)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for i, kind in enumerate(("room", "room", "hotspot")):
            vid = conn.execute(
                schema.venues.insert()
                .values(
                    _stamp(
                        {
                            "workspace_id": workspace_id,
                            "kind": kind,
                            "name": f"Venue {i}",
                            "code": f"V{i}-{uuid.uuid4().hex[:6]}",
                        },
                        now,
                    )
                )
                .returning(schema.venues.c.id)
            ).scalar_one()
            data.venues.append(vid)
            data.venue_kinds[vid] = kind
        for i in range(8):
            cid = conn.execute(
                schema.customers.insert()
                .values(
                    _stamp(
                        {
                            "workspace_id": workspace_id,
                            "email": f"c{i}-{uuid.uuid4().hex[:8]}@example.com",
                            "display_name": f"C{i}-{uuid.uuid4().hex[:8]}",
                        },
                        now,
                    )
                )
                .returning(schema.customers.c.id)
            ).scalar_one()
            data.customers.append(cid)
        for i, currency in enumerate(("GBP", "USD")):
            data.campaigns.append(
                conn.execute(
                    schema.campaigns.insert()
                    .values(
                        _stamp(
                            {
                                "workspace_id": workspace_id,
                                "name": f"Campaign {i}",
                                "reference": f"C-{i}",
                                "currency": currency,
                            },
                            now,
                        )
                    )
                    .returning(schema.campaigns.c.id)
                ).scalar_one()
            )
        for i in range(2):
            data.suppliers.append(
                conn.execute(
                    schema.suppliers.insert()
                    .values(_stamp({"workspace_id": workspace_id, "name": f"Supplier {i}"}, now))
                    .returning(schema.suppliers.c.id)
                ).scalar_one()
            )
    return data


def add_rows(engine: Engine, data: Data, rng: random.Random, n: int = 60) -> None:
    """Insert n sessions, n sales, n leads and waitlist events; remember them in `data`."""
    now = datetime.now(UTC)
    sessions, sales, leads, events = [], [], [], []
    for _ in range(n):
        joined = _instant(rng)
        u = rng.random()
        if u < 0.1:
            left = None
        elif u < 0.14:
            left = joined
        elif u < 0.3:
            left = joined + timedelta(microseconds=rng.randrange(us(timedelta(hours=30))))
        else:
            left = joined + timedelta(microseconds=rng.randrange(us(timedelta(hours=3))))
        stay = 0 if left is None else int((left - joined).total_seconds())
        sessions.append(
            {
                "workspace_id": data.workspace_id,
                "uuid": str(uuid.uuid4()),
                "venue_id": rng.choice([*data.venues, None]) if rng.random() < 0.95 else None,
                "customer_id": rng.choice(data.customers) if rng.random() < 0.85 else None,
                "status": "completed",
                "joined_at": joined,
                "left_at": left,
                "talk_seconds": rng.randrange(stay + 1) if left and rng.random() < 0.7 else None,
                "satisfaction": rng.randrange(101) if rng.random() < 0.4 else None,
            }
        )
        quantity = rng.randrange(1, 5)
        price = Decimal(rng.randrange(1, 100000)) / 10000
        sales.append(
            {
                "workspace_id": data.workspace_id,
                "venue_id": rng.choice([*data.venues, None]),
                "item": rng.choice(["Cola", "Crisps", "Token"]),
                "category": rng.choice(["drinks", "snacks", None]),
                "quantity": quantity,
                "unit_price": price,
                "amount": price * quantity,
                "currency": rng.choice(["GBP", "EUR"]),
                "sold_at": _instant(rng),
            }
        )
        campaign = rng.randrange(2)
        leads.append(
            {
                "workspace_id": data.workspace_id,
                "campaign_id": data.campaigns[campaign],
                "supplier_id": rng.choice([*data.suppliers, None]),
                "status": rng.choice(["valid", "invalid", "pending"]),
                "outcome": rng.choice(["approved", "rejected", "returned", None]),
                "supplier_cost": Decimal(rng.randrange(0, 50000)) / 10000,
                "email_cost": Decimal(rng.randrange(0, 300)) / 10000,
                "sms_cost": Decimal(rng.randrange(0, 300)) / 10000,
                "validation_cost": Decimal(rng.randrange(0, 300)) / 10000,
                "revenue": Decimal(rng.randrange(0, 100000)) / 100,
                "currency": ("GBP", "USD")[campaign],
                "received_at": _instant(rng),
            }
        )
        kind = rng.choice(["waitlist.called", "waitlist.help_done", "waitlist.support_end"])
        agent = rng.choice(data.customers[:3])
        payload: dict[str, Any] = {
            "waitlist.called": {"secondsInLine": rng.randrange(2000), "initialPlace": 3},
            "waitlist.help_done": {"secondsBeingHelped": str(rng.randrange(2000))},
            "waitlist.support_end": {"numUsersHelped": 3, "secondsSupportingList": 7200},
        }[kind]
        events.append(
            {
                "workspace_id": data.workspace_id,
                "type": kind,
                "occurred_at": _instant(rng),
                "venue_id": data.venues[0],
                "customer_id": rng.choice(data.customers),
                "actor_id": agent,
                "room": rng.choice(["WorkRm100", "WorkRm200"]),
                "data": payload,
            }
        )
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert(), [_stamp(r, now) for r in sessions])
        conn.execute(schema.sales.insert(), [_stamp(r, now) for r in sales])
        conn.execute(schema.leads.insert(), [_stamp(r, now) for r in leads])
        conn.execute(schema.events.insert(), [_stamp(r, now) for r in events])
    data.sessions += sessions
    data.sales += sales
    data.leads += leads
    data.events += events


# -- the oracle ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    start: datetime
    end: datetime
    tz: ZoneInfo
    granularity: str | None
    by_venue: bool = False


def counted(data: Data) -> list[dict[str, Any]]:
    """Sessions the attendance and visits reports count: not cancelled."""
    return [s for s in data.sessions if s.get("status") != "cancelled"]


def attendance(data: Data, ask: Ask) -> dict[tuple[Any, ...], dict[str, Any]]:
    closed = [
        s for s in counted(data) if s["left_at"] is not None and s["left_at"] >= s["joined_at"]
    ]
    acc: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(
        lambda: {"sessions": set(), "att": 0, "talk": Fraction(0), "customers": set(), "peak": 0}
    )
    starts: dict[tuple[Any, Any], list[datetime]] = defaultdict(list)
    for index, s in enumerate(closed):
        j, left = s["joined_at"], s["left_at"]
        venue_key = (s["venue_id"],) if ask.by_venue else ()
        if j == left:
            if ask.start <= j < ask.end:
                a = acc[(label(j, ask.tz, ask.granularity), *venue_key)]
                a["sessions"].add(index)
                a["talk"] += s["talk_seconds"] or 0
                if s["customer_id"] is not None:
                    a["customers"].add(s["customer_id"])
            continue
        lo, hi = max(j, ask.start), min(left, ask.end)
        if lo >= hi:
            continue
        stay = us(left - j)
        for p, q in pieces(lo, hi):
            key = (label(p, ask.tz, ask.granularity), *venue_key)
            a = acc[key]
            a["sessions"].add(index)
            a["att"] += us(q - p)
            a["talk"] += Fraction((s["talk_seconds"] or 0) * us(q - p), stay)
            if s["customer_id"] is not None:
                a["customers"].add(s["customer_id"])
            starts[(key, s["venue_id"])].append(p)
    for (key, venue), instants in starts.items():
        for t in instants:
            present = sum(
                1 for s in closed if s["venue_id"] == venue and s["joined_at"] <= t < s["left_at"]
            )
            acc[key]["peak"] = max(acc[key]["peak"], present)
    out = {}
    for key, a in acc.items():
        n = len(a["sessions"])
        out[key] = {
            "sessions": n,
            "unique_customers": len(a["customers"]),
            "attendance_minutes": r2(Fraction(a["att"], 60_000_000)),
            "talk_minutes": r2(a["talk"] / 60),
            "peak_occupancy": a["peak"],
            "average_stay_minutes": r2(Fraction(a["att"], 60_000_000 * n)),
        }
    return out


def visits(data: Data, ask: Ask) -> dict[tuple[Any, ...], dict[str, Any]]:
    acc: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(
        lambda: {"visits": 0, "dwell": 0, "dwell_n": 0, "sat": 0, "sat_n": 0, "who": set()}
    )
    first: dict[tuple[Any, ...], datetime] = {}
    for s in counted(data):
        if s["customer_id"] is not None:
            key = (s["venue_id"], s["customer_id"]) if ask.by_venue else (s["customer_id"],)
            first[key] = min(first.get(key, s["joined_at"]), s["joined_at"])
        if not ask.start <= s["joined_at"] < ask.end:
            continue
        venue_key = (s["venue_id"],) if ask.by_venue else ()
        a = acc[(label(s["joined_at"], ask.tz, ask.granularity), *venue_key)]
        a["visits"] += 1
        if s["left_at"] is not None:
            a["dwell"] += us(s["left_at"] - s["joined_at"])
            a["dwell_n"] += 1
        if s["satisfaction"] is not None:
            a["sat"] += s["satisfaction"]
            a["sat_n"] += 1
        if s["customer_id"] is not None:
            a["who"].add(s["customer_id"])
    new: dict[tuple[Any, ...], int] = defaultdict(int)
    for key, at in first.items():
        if ask.start <= at < ask.end:
            venue_key = (key[0],) if ask.by_venue else ()
            new[(label(at, ask.tz, ask.granularity), *venue_key)] += 1
    out = {}
    for key, a in acc.items():
        out[key] = {
            "visits": a["visits"],
            "unique_visitors": len(a["who"]),
            "new_visitors": new[key],
            "returning_visitors": len(a["who"]) - new[key],
            "average_dwell_minutes": r2(Fraction(a["dwell"], 60_000_000 * a["dwell_n"]))
            if a["dwell_n"]
            else None,
            "average_satisfaction": r2(Fraction(a["sat"], a["sat_n"])) if a["sat_n"] else None,
            "satisfaction_responses": a["sat_n"],
        }
    return out


def campaign(data: Data, ask: Ask, by: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    acc: dict[tuple[Any, ...], dict[str, Any]] = {}
    for lead in data.leads:
        if not ask.start <= lead["received_at"] < ask.end:
            continue
        dims = tuple(lead[f"{d}_id"] for d in by)
        key = (label(lead["received_at"], ask.tz, ask.granularity), *dims, lead["currency"])
        a = acc.setdefault(
            key,
            {
                "leads": 0,
                **dict.fromkeys(("valid", "invalid", "pending"), 0),
                **dict.fromkeys(("rejections", "approved", "returns"), 0),
                **{c: Decimal(0) for c in ("supplier_cost", "email_cost", "sms_cost")},
                "validation_cost": Decimal(0),
                "revenue": Decimal(0),
            },
        )
        a["leads"] += 1
        a[lead["status"]] += 1
        outcome = {"rejected": "rejections", "approved": "approved", "returned": "returns"}
        if lead["outcome"]:
            a[outcome[lead["outcome"]]] += 1
        for c in ("supplier_cost", "email_cost", "sms_cost", "validation_cost", "revenue"):
            a[c] += lead[c]
    for a in acc.values():
        costs = a["supplier_cost"] + a["email_cost"] + a["sms_cost"] + a["validation_cost"]
        a["profit"] = a["revenue"] - costs
        for c in (
            "supplier_cost",
            "email_cost",
            "sms_cost",
            "validation_cost",
            "revenue",
            "profit",
        ):
            a[c] = money(a[c])
    return acc


def sales(data: Data, ask: Ask, by: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    acc: dict[tuple[Any, ...], dict[str, Any]] = {}
    column = {"item": "item", "category": "category", "venue": "venue_id"}
    for sale in data.sales:
        if not ask.start <= sale["sold_at"] < ask.end:
            continue
        dims = tuple(sale[column[d]] for d in by)
        key = (label(sale["sold_at"], ask.tz, ask.granularity), *dims, sale["currency"])
        a = acc.setdefault(key, {"sales": 0, "quantity": 0, "revenue": Decimal(0)})
        a["sales"] += 1
        a["quantity"] += sale["quantity"]
        a["revenue"] += sale["amount"]
    for a in acc.values():
        a["revenue"] = money(a["revenue"])
    return acc


def waitlist(data: Data, ask: Ask) -> dict[tuple[Any, ...], dict[str, Any]]:
    acc: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in data.events:
        if not ask.start <= e["occurred_at"] < ask.end:
            continue
        key = (label(e["occurred_at"], ask.tz, ask.granularity), e["actor_id"])
        a = acc.setdefault(key, {"called": 0, "line": 0, "helped": 0, "helping": 0, "shifts": 0})
        if e["type"] == "waitlist.called":
            a["called"] += 1
            a["line"] += int(e["data"]["secondsInLine"])
        elif e["type"] == "waitlist.help_done":
            a["helped"] += 1
            a["helping"] += int(e["data"]["secondsBeingHelped"])
        else:
            a["shifts"] += 1
    out = {}
    for key, a in acc.items():
        out[key] = {
            "called": a["called"],
            "helped": a["helped"],
            "average_seconds_in_line": r2(Fraction(a["line"], a["called"]))
            if a["called"]
            else None,
            "seconds_helping": a["helping"],
        }
    return out
