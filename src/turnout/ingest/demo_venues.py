"""Demo venues (arenas, stores, rooms, private volumes, hotspots), labels, profile fields.

Each kind's JSON carries the fields its product shows: OASIS stores their address,
status and maxPeople; Virbela rooms their levelName, instance, SFSRoom, visibleOn
and team access; captive-portal venues their SSID and controller.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from turnout.ingest.demo_catalogue import LABELS
from turnout.ingest.demo_clock import DAY, TimeFormatter, object_id

ARENA, STORE, ROOM, PRIVATE_VOLUME, HOTSPOT = "arena", "store", "room", "private_volume", "hotspot"
KINDS: Final = (ARENA, STORE, ROOM, PRIVATE_VOLUME, HOTSPOT)

# name, code, city, postcode, currency, stations, weight
_ARENAS: Final = (
    ("Holo Arcade Shoreditch", "ARENA-SHO", "London", "E1 6JE", "GBP", 12, 5),
    ("VR Zone Manchester", "ARENA-MAN", "Manchester", "M1 1AE", "GBP", 10, 4),
    ("Portal Arena Leeds", "ARENA-LDS", "Leeds", "LS1 4AP", "GBP", 8, 3),
    ("Virtuality Bristol", "ARENA-BRS", "Bristol", "BS1 4DJ", "GBP", 8, 2),
    ("Nexus VR Dublin", "ARENA-DUB", "Dublin", "D02 X285", "EUR", 10, 3),
)
# name, city, region, postcode, maxPeople, deployment status, weight
_STORES: Final = (
    ("Stadium Market North Stand", "London", "Greater London", "HA9 0WS", 12, "LIVE", 5),
    ("Campus Go Store", "Manchester", "Greater Manchester", "M13 9PL", 8, "LIVE", 4),
    ("Terminal 2 Grab & Go", "London", "Greater London", "TW6 1EW", 15, "LIVE", 4),
    ("Canary Wharf Office Pantry", "London", "Greater London", "E14 5AB", 6, "LIVE", 2),
    ("Arena Express Kiosk", "Glasgow", "Scotland", "G3 8YW", 4, "PILOT", 1),
)
# name, levelName, instance, SFSRoom, visibleOn, group, teamAccess, capacity, weight
_ROOMS: Final = (
    ("Theater", "theater", 0, "Theater", ("GOTO", "roomGraph"), None, (), 200, 3),
    ("Team Suite", "workspace", 0, "WorkRm", ("GOTO",), None, (), 40, 4),
    (
        "The Future: Diversity in Tech",
        "boardroomlgpro",
        33,
        "BoardRoomLgPro25",
        ("GOTO", "roomGraph"),
        "Women in Tech History",
        (),
        25,
        2,
    ),
    (
        "Workspace",
        "workspace",
        121,
        "WorkRm888",
        ("GOTO", "mobile", "roomGraph"),
        "Virbela Tower",
        ("2", "4", "5"),
        40,
        4,
    ),
    ("Support Center", "workspace", 100, "WorkRm100", ("GOTO",), "Help Desk", (), 30, 3),
    ("IT Help Desk", "workspace", 101, "WorkRm101", ("GOTO",), "Help Desk", (), 30, 2),
    ("Expo Hall", "expo", 2, "ExpoHall2", ("GOTO", "roomGraph"), None, (), 150, 2),
    ("Auditorium", "auditorium", 0, "Auditorium", ("GOTO", "roomGraph"), None, (), 250, 2),
    ("Boardroom North", "boardroomsm", 12, "BoardRoomSm12", ("GOTO",), None, ("1", "3"), 12, 2),
)
SUPPORT_ROOMS: Final = ("WorkRm100", "WorkRm101")
# name, scene, weight
_PRIVATE_VOLUMES: Final = (
    ("Boardroom (Workspace 12)", "NewCampus", 3),
    ("Breakout Pod A", "NewCampus", 2),
    ("Quiet Room", "Library", 2),
    ("Faculty Lounge", "Campus", 1),
    ("Studio Booth", "MediaCenter", 1),
)
# name, city, postcode, ssid, controller, access points, weight
_HOTSPOTS: Final = (
    ("Soho Café Guest Wi-Fi", "London", "W1D 3QF", "SohoCafe-Guest", "UniFi", 3, 4),
    ("Riverside Hotel Lobby", "London", "SE1 9PX", "Riverside-Guest", "Meraki", 12, 5),
    ("Central Library Public Wi-Fi", "Birmingham", "B1 2ND", "Library-Free", "Ruckus", 20, 3),
    ("Harbour Marina Wi-Fi", "Brighton", "BN2 5UF", "Marina-WiFi", "UniFi", 6, 2),
    ("Northgate Shopping Centre", "Sheffield", "S1 2HE", "Northgate-Free", "Meraki", 30, 4),
    ("Airport Lounge B", "Manchester", "M90 1QX", "LoungeB", "Aruba", 8, 2),
)

VENUE_COLUMNS: Final = (
    "workspace_id",
    "id",
    "kind",
    "name",
    "code",
    "external_id",
    "group_name",
    "capacity",
    "status",
    "timezone",
    "address",
    "access",
    "attributes",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Venue:
    """What the session generators need to know about one venue."""

    id: int
    kind: str
    name: str
    code: str
    external_id: str
    currency: str
    capacity: int
    weight: int


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def venue_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    timezone: str,
    start_ms: int,
    fmt: TimeFormatter,
) -> tuple[list[tuple[Any, ...]], list[Venue]]:
    """Rows for the fixed set of venues, and their summaries for later stages."""
    specs: list[tuple[str, str, str, str | None, int, Any, Any, Any, str, int]] = []
    for name, code, city, postcode, currency, stations, weight in _ARENAS:
        address = {"line1": f"{rng.randint(1, 220)} High Street", "city": city}
        address["postcode"] = postcode
        address["country"] = "IE" if currency == "EUR" else "GB"
        attrs = {"stations": stations, "currency": currency, "openingHours": "10:00-23:00"}
        specs.append(
            (ARENA, name, code, "VR Arcades", stations, address, None, attrs, currency, weight)
        )
    for index, (name, city, region, postcode, max_people, deployment, weight) in enumerate(_STORES):
        store_id = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}"
        address = {
            "addressLine1": f"{rng.randint(1, 99)} {city} Road",
            "addressCity": city,
            "addressRegion": region,
            "addressCountry": "GB",
            "addressPostalCode": postcode,
        }
        attrs = {
            "aifiUniqueStoreId": store_id,
            "status": "OPEN",
            "deploymentStatus": deployment,
            "thirdPartyId": f"TP-{1001 + index}",
            "storeUrl": f"https://stores.example.com/{store_id}",
            "maxPeople": max_people,
            "storeConfigId": 3 + index % 2,
            "employeeInside": index == 4,
        }
        specs.append(
            (
                STORE,
                name,
                f"STORE-{101 + index}",
                "Cashierless",
                max_people,
                address,
                None,
                attrs,
                "GBP",
                weight,
            )
        )
    for name, level, instance, sfs, visible, group, teams, capacity, weight in _ROOMS:
        access: dict[str, Any] = {"visibleOn": list(visible), "groupAccess": []}
        if teams:
            access["teamAccess"] = list(teams)
            # as in the Virbela seed, where teamAccess "2" shows as "B"
            access["teamAccessFriendly"] = [chr(ord("A") + int(t) - 1) for t in teams]
        attrs = {"levelName": level, "instance": instance, "SFSRoom": sfs}
        if group:
            attrs["group"] = group
            attrs["customLabel"] = name
        specs.append((ROOM, name, sfs, group, capacity, None, access, attrs, "USD", weight))
    for name, scene, weight in _PRIVATE_VOLUMES:
        code = f"PR-{rng.randint(1_000_000_000, 2_147_483_647)}--{scene}"
        attrs = {"scene": scene}
        specs.append((PRIVATE_VOLUME, name, code, scene, 20, None, None, attrs, "USD", weight))
    for index, (name, city, postcode, ssid, controller, aps, weight) in enumerate(_HOTSPOTS):
        address = {"line1": f"{rng.randint(1, 180)} Market Street", "city": city}
        address["postcode"] = postcode
        address["country"] = "GB"
        attrs = {"ssid": ssid, "controller": controller, "accessPoints": aps}
        specs.append(
            (
                HOTSPOT,
                name,
                f"VEN-{2001 + index}",
                "Guest Wi-Fi",
                aps * 25,
                address,
                None,
                attrs,
                "GBP",
                weight,
            )
        )

    rows: list[tuple[Any, ...]] = []
    venues: list[Venue] = []
    for venue_id, spec in zip(ids, specs, strict=True):
        kind, name, code, group, capacity, address, access, attrs, currency, weight = spec
        external = object_id(rng, 10)
        created = start_ms - int((60 + rng.random() * 300) * DAY)
        updated = created + int(rng.random() * 50 * DAY)
        rows.append(
            (
                workspace_id,
                venue_id,
                kind,
                name,
                code,
                external,
                group,
                capacity,
                "open",
                timezone,
                None if address is None else _json(address),
                None if access is None else _json(access),
                _json(attrs),
                fmt(created),
                fmt(updated),
            )
        )
        venues.append(Venue(venue_id, kind, name, code, external, currency, capacity, weight))
    return rows, venues


VENUE_COUNT: Final = (
    len(_ARENAS) + len(_STORES) + len(_ROOMS) + len(_PRIVATE_VOLUMES) + len(_HOTSPOTS)
)

LABEL_COLUMNS: Final = ("workspace_id", "id", "name", "color", "created_at", "updated_at")


def label_rows(
    ids: Sequence[int], *, workspace_id: int, created_ms: int, fmt: TimeFormatter
) -> list[tuple[Any, ...]]:
    stamp = fmt(created_ms)
    return [
        (workspace_id, label_id, name, color, stamp, stamp)
        for label_id, (name, color) in zip(ids, LABELS, strict=True)
    ]


PROFILE_FIELD_COLUMNS: Final = (
    "workspace_id",
    "id",
    "name",
    "label",
    "type",
    "description",
    "created_at",
    "updated_at",
)
PROFILE_FIELDS: Final = (
    ("Department", "Department", "string", "Team or department the member works in"),
    ("Region", "Region", "string", "Where the member is based"),
    ("eNPS", "eNPS", "integer", "Employee net promoter score, 0-10"),
    ("StartDate", "Start date", "date", "First day at the organisation"),
    ("Pronouns", "Pronouns", "string", None),
)


def profile_field_rows(
    ids: Sequence[int], *, workspace_id: int, created_ms: int, fmt: TimeFormatter
) -> list[tuple[Any, ...]]:
    stamp = fmt(created_ms)
    return [
        (workspace_id, field_id, name, label, kind, description, stamp, stamp)
        for field_id, (name, label, kind, description) in zip(ids, PROFILE_FIELDS, strict=True)
    ]
