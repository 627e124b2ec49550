"""Demo vouchers, lead-generation (campaigns, suppliers, leads) and waitlist events."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any, Final

import orjson

from turnout.db.types import MONEY_SCALE
from turnout.ingest.demo_catalogue import (
    CAMPAIGNS,
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_SOURCES,
    POSTCODES,
    SUPPLIERS,
)
from turnout.ingest.demo_clock import (
    DAY,
    HOUR,
    MINUTE,
    PAST_DAYS,
    Calendar,
    TimeFormatter,
    cumulative,
    pick,
)
from turnout.ingest.demo_people import People
from turnout.ingest.demo_venues import ARENA, HOTSPOT, ROOM, SUPPORT_ROOMS, Venue

VOUCHER_COLUMNS: Final = (
    "workspace_id",
    "id",
    "venue_id",
    "code",
    "validity_days",
    "upspeed_mbps",
    "downspeed_mbps",
    "volume_cap_gb",
    "max_devices",
    "amount",
    "currency",
    "status",
    "expires_at",
    "deleted_at",
    "created_at",
    "updated_at",
)
CAMPAIGN_COLUMNS: Final = (
    "workspace_id",
    "id",
    "name",
    "reference",
    "currency",
    "status",
    "created_at",
    "updated_at",
)
SUPPLIER_COLUMNS: Final = ("workspace_id", "id", "name", "reference", "created_at", "updated_at")
LEAD_COLUMNS: Final = (
    "workspace_id",
    "id",
    "campaign_id",
    "supplier_id",
    "customer_id",
    "email",
    "phone",
    "status",
    "outcome",
    "supplier_cost",
    "email_cost",
    "sms_cost",
    "validation_cost",
    "revenue",
    "currency",
    "received_at",
    "data",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS: Final = (
    "workspace_id",
    "id",
    "type",
    "occurred_at",
    "venue_id",
    "customer_id",
    "actor_id",
    "room",
    "data",
    "created_at",
    "updated_at",
)

_CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_VALIDITY: Final = ((1, 40), (7, 30), (30, 20), (90, 10))
_UPSPEED: Final = (0, 2, 5, 10)
_DOWNSPEED: Final = (0, 5, 10, 20, 50)
_VOLUME: Final = (0, 1, 5, 10)
_DEVICES: Final = (0, 1, 2, 3, 5)
_GIFT_AMOUNTS: Final = (10, 20, 25, 50, 100)


def _money(units: float) -> int:
    return round(units * MONEY_SCALE)


def voucher_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    venues: Sequence[Venue],
) -> Iterator[tuple[Any, ...]]:
    """Wi-Fi vouchers at hotspots; gift cards (with an amount) at arenas."""
    r = rng.random
    hotspots = [v for v in venues if v.kind == HOTSPOT]
    arenas = [v for v in venues if v.kind == ARENA]
    validity_cut = cumulative([w for _, w in _VALIDITY])
    start, now = calendar.start, calendar.now
    created_times = sorted(start + int(r() * (now - start)) for _ in ids)
    taken: set[str] = set()
    for voucher_id, created in zip(ids, created_times, strict=True):
        gift = r() < 0.15
        while True:
            body = "".join(_CODE_ALPHABET[int(r() * 32)] for _ in range(8))
            code = f"GIFT-{body[:4]}-{body[4:]}" if gift else body
            if code not in taken:
                taken.add(code)
                break
        if gift:
            venue = arenas[int(r() * len(arenas))]
            days, up, down, volume, devices = 365, 0, 0, 0, 0
            amount: int | None = _money(_GIFT_AMOUNTS[int(r() * len(_GIFT_AMOUNTS))])
            currency: str | None = venue.currency
        else:
            venue = hotspots[int(r() * len(hotspots))]
            days = _VALIDITY[pick(validity_cut, r())][0]
            up = _UPSPEED[int(r() * len(_UPSPEED))]
            down = _DOWNSPEED[int(r() * len(_DOWNSPEED))]
            volume = _VOLUME[int(r() * len(_VOLUME))]
            devices = _DEVICES[int(r() * len(_DEVICES))]
            amount = currency = None
        expires = created + days * DAY
        deleted = None
        if r() < 0.03:
            status = "deleted"
            deleted = created + int(r() * (now - created))
            updated = deleted
        elif expires <= now:
            status = "used" if r() < 0.55 else "expired"
            updated = created + int(r() * (expires - created)) if status == "used" else expires
        else:
            status = "used" if r() < 0.3 else "active"
            updated = created + int(r() * (now - created)) if status == "used" else created
        yield (
            workspace_id,
            voucher_id,
            venue.id,
            code,
            days,
            up,
            down,
            volume,
            devices,
            amount,
            currency,
            status,
            fmt(expires),
            None if deleted is None else fmt(deleted),
            fmt(created),
            fmt(updated),
        )


# per campaign: cost per lead, payout per approved lead (money units), currency
def campaign_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, str, float]]]:
    """Campaign rows, and (cost per lead, payout, currency, weight) for the leads."""
    rows: list[tuple[Any, ...]] = []
    economics: list[tuple[int, int, str, float]] = []
    costs = (0.25, 0.4573, 0.5, 1.0, 1.5, 2.75, 4.0, 7.5, 12.0)
    payouts = (15.0, 18.5, 22.7273, 30.0, 45.0)
    for i, campaign_id in enumerate(ids):
        name, reference = CAMPAIGNS[i]
        currency = "EUR" if reference == "TRAVEL-INS" else "GBP"
        status = "paused" if i == len(ids) - 1 and i > 4 else "active"
        created = calendar.start - int((10 + r_days(rng)) * DAY)
        rows.append(
            (
                workspace_id,
                campaign_id,
                name,
                reference,
                currency,
                status,
                fmt(created),
                fmt(created),
            )
        )
        cost = _money(costs[int(rng.random() * len(costs))])
        payout = _money(payouts[int(rng.random() * len(payouts))])
        economics.append((cost, payout, currency, 0.5 + rng.random() * 2))
    return rows, economics


def r_days(rng: random.Random) -> float:
    return rng.random() * 200


def supplier_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
) -> tuple[list[tuple[Any, ...]], list[float]]:
    rows = []
    weights = []
    for i, supplier_id in enumerate(ids):
        created = fmt(calendar.start - int((5 + r_days(rng)) * DAY))
        rows.append((workspace_id, supplier_id, SUPPLIERS[i], f"SUP-{i + 1:03d}", created, created))
        weights.append(0.3 + rng.random())
    return rows, weights


def lead_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    campaign_ids: Sequence[int],
    economics: Sequence[tuple[int, int, str, float]],
    supplier_ids: Sequence[int],
    supplier_weights: Sequence[float],
    people: People,
) -> Iterator[tuple[Any, ...]]:
    r = rng.random
    start, now = calendar.start, calendar.now
    campaign_cut = cumulative([e[3] for e in economics])
    supplier_cut = cumulative(supplier_weights)
    received_times = sorted(start + int(r() * (now - start)) for _ in ids)
    recent = now - 3 * DAY
    sms, validation, email_cost = _money(0.026), _money(0.0255), _money(0.001)
    cheap_validation = _money(0.0015)
    n_first, n_last, n_sources, n_post = (
        len(FIRST_NAMES),
        len(LAST_NAMES),
        len(LEAD_SOURCES),
        len(POSTCODES),
    )
    for lead_id, received in zip(ids, received_times, strict=True):
        c = pick(campaign_cut, r())
        cost, payout, currency, _ = economics[c]
        customer = None
        pool_n = people.pool_by_day[calendar.day_of(received)]
        if pool_n and r() < 0.05:
            index = people.pool[int(r() * pool_n)]
            customer = people.ids[index]
            first, last = people.first_names[index], people.last_names[index]
            email, phone = people.emails[index], people.phones[index]
        else:
            first = FIRST_NAMES[int(r() * n_first)]
            last = LAST_NAMES[int(r() * n_last)]
            local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
            email = f"{local}{int(r() * 100)}@example.net"
            phone = f"+44 7700 900{int(r() * 1000):03d}" if r() < 0.8 else None
        u = r()
        if received >= recent and u < 0.6:
            status, outcome = "pending", None
        elif u < 0.9 or received >= recent:
            status = "valid"
            v = r()
            outcome = (
                "approved"
                if v < 0.14
                else "rejected"
                if v < 0.92
                else "returned"
                if v < 0.95
                else None
            )
        else:
            status = "invalid"
            outcome = "rejected" if r() < 0.7 else None
        supplier_cost = 0 if status == "invalid" else cost
        revenue = payout if outcome == "approved" else 0
        data = orjson.dumps(
            {
                "firstname": first,
                "lastname": last,
                "postcode": POSTCODES[int(r() * n_post)],
                "source": LEAD_SOURCES[int(r() * n_sources)],
                "optIn": r() < 0.7,
            }
        ).decode()
        decided = received if outcome is None else min(received + int(r() ** 2 * 2 * DAY), now - 1)
        yield (
            workspace_id,
            lead_id,
            campaign_ids[c],
            supplier_ids[pick(supplier_cut, r())],
            customer,
            email,
            phone,
            status,
            outcome,
            supplier_cost,
            email_cost if r() < 0.2 else 0,
            sms if r() < 0.02 else 0,
            validation if r() < 0.01 else cheap_validation if r() < 0.3 else 0,
            revenue,
            currency,
            fmt(received),
            data,
            fmt(received),
            fmt(max(decided, received)),
        )


def event_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    venues: Sequence[Venue],
    people: People,
) -> list[tuple[Any, ...]]:
    """Waitlist shifts in the support rooms: called, help_done per user, support_end."""
    r = rng.random
    rooms = [v for v in venues if v.kind == ROOM and v.code in SUPPORT_ROOMS]
    agents = people.agents
    events: list[tuple[int, str, int, int | None, int, str, str]] = []
    remaining = len(ids)
    while remaining > 0:
        day = int(r() * PAST_DAYS)
        shift_start = calendar.day_start[day] + 8 * HOUR + int(r() * 6 * HOUR)
        shift_seconds = 2 * 3600 + int(r() * 6 * 3600)
        room = rooms[int(r() * len(rooms))]
        agent_index = agents[int(r() * len(agents))]
        agent = people.ids[agent_index]
        support_user = people.external_ids[agent_index]
        helped = min(2 + int(r() * 13), (remaining - 1) // 2)
        pool_n = people.pool_by_day[day]
        helping = 0
        t = shift_start
        for _ in range(helped):
            user = people.ids[people.pool[int(r() * pool_n)]] if pool_n else None
            t += int(r() * 10 * MINUTE)
            waited = 10 + int(r() ** 2 * 1800)
            help_seconds = 60 + int(r() * 1440)
            helping += help_seconds
            called = {
                "secondsInLine": waited,
                "initialPlace": 1 + int(r() ** 2 * 12),
                "supportUserId": support_user,
            }
            events.append((t, "waitlist.called", room.id, user, agent, room.code, _dump(called)))
            t += help_seconds * 1000
            done = {"secondsBeingHelped": help_seconds, "supportUserId": support_user}
            events.append((t, "waitlist.help_done", room.id, user, agent, room.code, _dump(done)))
        end = max(shift_start + shift_seconds * 1000, t + MINUTE)
        summary = {
            "numUsersHelped": helped,
            "secondsHelpingUsers": helping,
            "secondsSupportingList": (end - shift_start) // 1000,
        }
        events.append(
            (end, "waitlist.support_end", room.id, agent, agent, room.code, _dump(summary))
        )
        remaining -= 2 * helped + 1
    events.sort(key=lambda e: (e[0], e[1]))
    rows = []
    for event_id, (at, kind, venue_id, customer, actor, room_code, data) in zip(
        ids, events, strict=True
    ):
        stamp = fmt(at)
        rows.append(
            (
                workspace_id,
                event_id,
                kind,
                stamp,
                venue_id,
                customer,
                actor,
                room_code,
                data,
                stamp,
                stamp,
            )
        )
    return rows


def _dump(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()
