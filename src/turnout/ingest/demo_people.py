"""Demo customers: members of a campus, arcade players, shoppers, Wi-Fi guests.

Customers are generated in order of sign-up (ids follow `created_at`), so later
stages can pick "someone who had already signed up by day d" from a prefix.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from turnout.ingest.demo_catalogue import (
    CUSTOMER_SOURCES,
    DEPARTMENTS,
    DEVICES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    HARDWARE,
    JOB_TITLES,
    LAST_NAMES,
    PRONOUNS,
    REGIONS,
)
from turnout.ingest.demo_clock import (
    DAY,
    HOUR,
    Calendar,
    TimeFormatter,
    cumulative,
    object_id,
    pick,
)

CUSTOMER_COLUMNS: Final = (
    "workspace_id",
    "id",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "title",
    "phone",
    "role",
    "team",
    "status",
    "balance",
    "source",
    "priority",
    "profile",
    "hardware",
    "metadata",
    "invited_at",
    "accepted_at",
    "suspended_at",
    "erased_at",
    "profile_updated_at",
    "created_at",
    "updated_at",
)

# The first customers are the campus staff: owner, then the support agents who
# work the waitlist.
_STAFF_ROLES: Final = ("owner", "admin", "moderator", "moderator", "admin")


@dataclass
class People:
    """What later stages need about customers, by index in sign-up order."""

    ids: Sequence[int]
    created: list[int]
    external_ids: list[str]
    emails: list[str]
    first_names: list[str]
    last_names: list[str]
    phones: list[str | None]
    device_json: list[str]
    # indexes of active customers (sign-up order) and, per calendar day, how many of
    # them had signed up before that day began
    pool: list[int] = field(default_factory=list)
    pool_by_day: list[int] = field(default_factory=list)
    agents: list[int] = field(default_factory=list)


def _compact(name: str) -> str:
    return name.replace("'", "").replace(" ", "")


def _unique(candidate: str, taken: set[str], rng: random.Random, fold: bool) -> str:
    key = candidate.lower() if fold else candidate
    while key in taken:
        candidate = f"{candidate}{rng.randint(1, 999)}"
        key = candidate.lower() if fold else candidate
    taken.add(key)
    return candidate


def _email(first: str, last: str, taken: set[str], rng: random.Random) -> str:
    local = f"{_compact(first)}.{_compact(last)}"
    if rng.random() < 0.65:
        local = local.lower()
    domain = EMAIL_DOMAINS[int(rng.random() * len(EMAIL_DOMAINS))]
    email = f"{local}@{domain}"
    while email.lower() in taken:
        email = f"{local}{rng.randint(2, 9999)}@{domain}"
    taken.add(email.lower())
    return email


def _phone(rng: random.Random) -> str | None:
    u = rng.random()
    if u < 0.7:
        return f"+44 7700 900{int(rng.random() * 1000):03d}"
    if u < 0.85:
        return f"+1 202-555-01{int(rng.random() * 100):02d}"
    return None


def _profile(rng: random.Random, joined_ms: int) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if rng.random() < 0.8:
        profile["Department"] = DEPARTMENTS[int(rng.random() * len(DEPARTMENTS))]
    if rng.random() < 0.75:
        profile["Region"] = REGIONS[int(rng.random() * len(REGIONS))]
    if rng.random() < 0.6:
        # eNPS clusters high, as such surveys do
        profile["eNPS"] = min(10, int(11 * (1 - rng.random() ** 2.2)))
    if rng.random() < 0.5:
        started = joined_ms - int(rng.random() * 4 * 365 * DAY)
        profile["StartDate"] = time.strftime("%Y-%m-%d", time.gmtime(started // 1000))
    if rng.random() < 0.3:
        profile["Pronouns"] = PRONOUNS[int(rng.random() * len(PRONOUNS))]
    return profile


def _mac(rng: random.Random) -> str:
    # locally administered, as phones' randomised Wi-Fi addresses are
    octets = (rng.getrandbits(48) | (0x02 << 40)) & ~(0x01 << 40)
    text = f"{octets:012x}"
    return ":".join(text[i : i + 2] for i in range(0, 12, 2))


def device_json(rng: random.Random) -> str:
    """Hotspot client attributes without the closing brace (visits add their numbers)."""
    kind, os_name, browser = DEVICES[int(rng.random() * len(DEVICES))]
    return f'{{"mac":"{_mac(rng)}","deviceType":"{kind}","os":"{os_name}","browser":"{browser}"'


def customer_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
) -> tuple[Iterator[tuple[Any, ...]], People]:
    n = len(ids)
    start, now = calendar.start, calendar.now
    before = int(n * 0.4)
    created = sorted(
        [start - int(rng.random() * 365 * DAY) - 1 for _ in range(before)]
        + [start + int(rng.random() * (now - start - HOUR)) for _ in range(n - before)]
    )
    source_cut = cumulative([w for _, w in CUSTOMER_SOURCES])
    people = People(
        ids=ids,
        created=created,
        external_ids=[],
        emails=[],
        first_names=[],
        last_names=[],
        phones=[],
        device_json=[],
    )
    names_taken: set[str] = set()
    emails_taken: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    r = rng.random
    for i, customer_id in enumerate(ids):
        first = FIRST_NAMES[int(r() * len(FIRST_NAMES))]
        last = LAST_NAMES[int(r() * len(LAST_NAMES))]
        display = _unique(f"{first[0]}{_compact(last)}", names_taken, rng, fold=True)
        email = _email(first, last, emails_taken, rng)
        phone = _phone(rng)
        if i < len(_STAFF_ROLES):
            role, status = _STAFF_ROLES[i], "active"
        else:
            u = r()
            role = (
                "admin"
                if u < 0.01
                else "moderator"
                if u < 0.03
                else "leader"
                if u < 0.08
                else "member"
            )
            u = r()
            status = "invited" if u < 0.07 else "suspended" if u < 0.11 else "active"
        created_ms = created[i]
        invited = created_ms
        accepted = suspended = profile_updated = None
        if status != "invited":
            accepted = min(invited + int(r() ** 3 * 5 * DAY) + 60_000, now - 60_000)
        if status == "suspended":
            assert accepted is not None
            suspended = accepted + int(r() * (now - accepted))
        profile = _profile(rng, created_ms) if status != "invited" else {}
        if profile:
            assert accepted is not None
            profile_updated = accepted + int(r() ** 2 * (now - accepted))
        hardware = None
        if status != "invited" and r() < 0.55:
            os_name, cpu, gfx, ram, device = HARDWARE[int(r() * len(HARDWARE))]
            hardware = orjson.dumps(
                {
                    "os": os_name,
                    "processor": cpu,
                    "gfx": gfx,
                    "ram": ram,
                    "device": device,
                    "hardwareId": f"{rng.getrandbits(128):032x}",
                }
            ).decode()
        metadata = None
        if r() < 0.1:
            tier = ("bronze", "silver", "gold")[int(r() * 3)]
            metadata = orjson.dumps({"loyaltyTier": tier, "marketingOptIn": r() < 0.6}).decode()
        balance = int(r() * 190 + 10) * 5000 if r() < 0.15 else 0
        team = int(r() ** 2 * 78)
        title = JOB_TITLES[int(r() * len(JOB_TITLES))] if r() < 0.35 else None
        source = CUSTOMER_SOURCES[pick(source_cut, r())][0]
        updated = max(
            t for t in (created_ms, accepted, suspended, profile_updated) if t is not None
        )
        external = object_id(rng)
        rows.append(
            (
                workspace_id,
                customer_id,
                external,
                email,
                first,
                last,
                display,
                title,
                phone,
                role,
                team,
                status,
                balance,
                source,
                0,
                orjson.dumps(profile).decode() if profile else None,
                hardware,
                metadata,
                fmt(invited),
                None if accepted is None else fmt(accepted),
                None if suspended is None else fmt(suspended),
                None,
                None if profile_updated is None else fmt(profile_updated),
                fmt(created_ms),
                fmt(updated),
            )
        )
        people.external_ids.append(external)
        people.emails.append(email)
        people.first_names.append(first)
        people.last_names.append(last)
        people.phones.append(phone)
        people.device_json.append(device_json(rng))
        if status == "active":
            people.pool.append(i)
            if role in ("admin", "moderator") and i < len(_STAFF_ROLES):
                people.agents.append(i)
    pool_created = [created[i] for i in people.pool]
    people.pool_by_day = [bisect.bisect_left(pool_created, d) for d in calendar.day_start]
    return iter(rows), people
