"""Demo sessions: arena bookings, store visits, room and private-volume attendance,
hotspot visits. This is the hot loop of the generator (a million rows in seconds),
so rows are built as storage-form tuples with times kept as epoch milliseconds.

Column order is `SESSION_COLUMNS`; every branch builds the full 39-value tuple.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from turnout.ingest.demo_catalogue import BOOKING_COMMENTS, EXPERIENCES
from turnout.ingest.demo_clock import (
    DAY,
    FUTURE_DAYS,
    HOUR,
    MINUTE,
    PAST_DAYS,
    Calendar,
    TimeFormatter,
    allocate,
    cumulative,
    pick,
    uuid4_text,
)
from turnout.ingest.demo_people import People, device_json
from turnout.ingest.demo_venues import ARENA, HOTSPOT, KINDS, PRIVATE_VOLUME, ROOM, STORE, Venue

SESSION_COLUMNS: Final = (
    "workspace_id",
    "id",
    "uuid",
    "external_uuid",
    "venue_id",
    "customer_id",
    "code",
    "token",
    "status",
    "channel",
    "experience",
    "start_at",
    "duration_minutes",
    "people",
    "stations",
    "joined_at",
    "left_at",
    "last_entered_at",
    "first_exited_at",
    "code_first_scanned_at",
    "code_last_scanned_at",
    "talk_seconds",
    "visitors",
    "group_size",
    "satisfaction",
    "satisfaction_submitted",
    "suspected_fraud",
    "priority",
    "payment_instrument_id",
    "location_id",
    "referenced_session_id",
    "scannable_at_venue_id",
    "expires_at",
    "comments",
    "metadata",
    "attributes",
    "cancelled_at",
    "created_at",
    "updated_at",
)

KIND_CODE: Final = {kind: code for code, kind in enumerate(KINDS)}
_A, _S, _R, _P, _H = (KIND_CODE[k] for k in (ARENA, STORE, ROOM, PRIVATE_VOLUME, HOTSPOT))

# share of sessions per kind on weekdays / at weekends
_KIND_WEIGHTS: Final = {_A: 40, _S: 25, _R: 15, _P: 5, _H: 15}
_WEEKEND_FACTOR: Final = {_A: 1.5, _S: 1.0, _R: 0.35, _P: 0.35, _H: 1.1}
_WEEKDAY_LOAD: Final = (0.8, 0.85, 0.9, 1.0, 1.25, 1.5, 1.2)
UPCOMING_SHARE_PERCENT: Final = 3

_DURATIONS: Final = (30, 60, 90, 120)
_DURATION_CUT: Final = cumulative((20, 45, 20, 15))
_PEOPLE_CUT: Final = cumulative((20, 30, 18, 17, 8, 7))
_VISITORS_CUT: Final = cumulative((70, 18, 8, 4))


@dataclass
class SessionTrail:
    """What sales and labels need from the sessions, filled while rows stream out."""

    kinds: bytearray = field(default_factory=bytearray)
    # completed arena and store sessions, where goods are sold
    sale_session: array[int] = field(default_factory=lambda: array("q"))
    sale_customer: array[int] = field(default_factory=lambda: array("q"))
    sale_venue: array[int] = field(default_factory=lambda: array("q"))
    sale_from: array[int] = field(default_factory=lambda: array("q"))
    sale_to: array[int] = field(default_factory=lambda: array("q"))


def day_counts(rng: random.Random, size: int, calendar: Calendar) -> list[int]:
    """Sessions per calendar day: history grows slowly; bookings thin out ahead."""
    upcoming = size * UPCOMING_SHARE_PERCENT // 100
    past_weights = [
        _WEEKDAY_LOAD[calendar.weekday[d]]
        * (0.8 + 0.4 * d / PAST_DAYS)
        * (0.85 + 0.3 * rng.random())
        for d in range(PAST_DAYS)
    ]
    future_weights = [
        _WEEKDAY_LOAD[calendar.weekday[PAST_DAYS + d]] * (1 - d / (FUTURE_DAYS + 4))
        for d in range(FUTURE_DAYS)
    ]
    return allocate(size - upcoming, past_weights) + allocate(upcoming, future_weights)


def _kind_cuts() -> list[list[float]]:
    cuts = []
    for weekday in range(7):
        factor = _WEEKEND_FACTOR if weekday >= 5 else dict.fromkeys(_KIND_WEIGHTS, 1.0)
        cuts.append(cumulative([_KIND_WEIGHTS[k] * factor[k] for k in range(len(KINDS))]))
    return cuts


def session_rows(
    rng: random.Random,
    ids: Sequence[int],
    *,
    workspace_id: int,
    calendar: Calendar,
    fmt: TimeFormatter,
    venues: Sequence[Venue],
    people: People,
    trail: SessionTrail,
) -> Iterator[tuple[Any, ...]]:
    """Yield session rows in day order; `trail` is complete once this is exhausted."""
    r = rng.random
    bits = rng.getrandbits
    counts = day_counts(rng, len(ids), calendar)
    kind_cuts = _kind_cuts()
    by_kind = {k: [(i, v) for i, v in enumerate(venues) if v.kind == KINDS[k]] for k in range(5)}
    venue_cuts = {k: cumulative([v.weight for _, v in vs]) for k, vs in by_kind.items()}
    pool_ids = [people.ids[i] for i in people.pool]
    pool_dev = [people.device_json[i] for i in people.pool]
    pool_by_day = people.pool_by_day
    day_of = calendar.day_of
    cal_start, now = calendar.start, calendar.now
    kinds_out = trail.kinds
    add_sale = (
        trail.sale_session.append,
        trail.sale_customer.append,
        trail.sale_venue.append,
        trail.sale_from.append,
        trail.sale_to.append,
    )
    n_comments = len(BOOKING_COMMENTS)
    n_experiences = len(EXPERIENCES)
    position = 0
    for day, n_day in enumerate(counts):
        base = calendar.day_start[day]
        future = day >= PAST_DAYS
        last_day = day == PAST_DAYS - 1
        kind_cut = kind_cuts[calendar.weekday[day]]
        pool_today = pool_by_day[day]
        for _ in range(n_day):
            sid = ids[position]
            position += 1
            uid = uuid4_text(bits(128))
            kind = _A if future else pick(kind_cut, r())
            kinds_out.append(kind)
            vi, venue = by_kind[kind][pick(venue_cuts[kind], r())]
            vid = venue.id
            if kind == _A:
                duration = _DURATIONS[pick(_DURATION_CUT, r())]
                slots = 27 - duration // 30  # half-hour starts from 10:00, ending by 23:00
                start = base + 10 * HOUR + int(slots * r() ** 0.75) * 30 * MINUTE
                party = pick(_PEOPLE_CUT, r()) + 1
                stations = party if party <= 2 or r() < 0.7 else party - 1
                u = r()
                channel = "api" if u < 0.25 else "online" if u < 0.6 else "on-site"
                external = uuid4_text(bits(128)) if channel == "api" else None
                if future:
                    created = now - MINUTE - int(r() ** 2 * 20 * DAY)
                elif channel == "on-site":
                    created = start - MINUTE - int(r() * 90 * MINUTE)
                else:
                    created = start - HOUR - int(r() ** 2 * 30 * DAY)
                if created < cal_start:
                    # booked before the history begins: spread, do not pile up on day one
                    created = cal_start + int(r() * max(start - cal_start - HOUR, 0))
                customer = None
                if r() < 0.92:
                    pool_n = pool_by_day[day_of(created)]
                    if pool_n:
                        customer = pool_ids[int(r() * pool_n)]
                joined = left = cancelled = None
                if r() < (0.05 if future else 0.1):
                    status = "cancelled"
                    cancelled = created + int(r() * (min(start, now) - created))
                    updated = cancelled
                elif future:
                    status, updated = "booked", created
                else:
                    status = "completed"
                    joined = start + int((r() * 13 - 5) * MINUTE)
                    left = joined + duration * MINUTE + int((r() * 9 - 3) * MINUTE)
                    updated = left + int(r() * 30 * MINUTE)
                    add_sale[0](sid)
                    add_sale[1](customer or 0)
                    add_sale[2](vi)
                    add_sale[3](joined)
                    add_sale[4](left)
                comment = BOOKING_COMMENTS[int(r() * n_comments)] if r() < 0.12 else None
                # fmt: off
                yield (
                    workspace_id, sid, uid, external, vid, customer, None, None, status,
                    channel, EXPERIENCES[int(r() * n_experiences)], fmt(start), duration,
                    party, stations,
                    None if joined is None else fmt(joined),
                    None if left is None else fmt(left),
                    None, None, None, None, None, None, None, None, False, False, 0, None,
                    None, None, None, None, comment, None, None,
                    None if cancelled is None else fmt(cancelled),
                    fmt(created), fmt(updated),
                )
                # fmt: on
            elif kind == _S:
                entry = base + (7 * 60 + int((r() + r()) * 8 * 60)) * MINUTE + int(r() * MINUTE)
                created = entry - 10_000 - int(r() ** 2 * 15 * MINUTE)
                expires = created + 12 * HOUR
                customer = None
                if r() < 0.97 and pool_today:
                    customer = pool_ids[int(r() * pool_today)]
                code, token = uuid4_text(bits(128)), uuid4_text(bits(128))
                if r() < 0.03:
                    status = "expired" if expires <= now else "active"
                    ex = fmt(expires)
                    # fmt: off
                    yield (
                        workspace_id, sid, uid, None, vid, customer, code, token, status,
                        "on-site", None, None, None, None, None, None, None, None, None, None,
                        None, None, 0, 0, None, False, False, 0, None, venue.external_id, None,
                        vid, ex, None, None, None, None, fmt(created),
                        ex if status == "expired" else fmt(created),
                    )
                    # fmt: on
                    continue
                visitors = pick(_VISITORS_CUT, r()) + 1
                last_scan = entry + (visitors - 1) * int(3000 + r() * 5000)
                joined = entry + 2000 + int(r() * 6000)
                stay = MINUTE + int(r() ** 2 * 24 * MINUTE)
                left = joined + stay
                if r() < 0.05:
                    first_exit = joined + stay * 3 // 10
                    last_enter = first_exit + stay // 5
                else:
                    first_exit, last_enter = left, joined
                satisfaction = 100 - int(r() ** 1.8 * 101) if r() < 0.3 else None
                metadata = None
                if r() < 0.08:
                    event = uuid4_text(bits(128))
                    door = "AB"[int(r() * 2)]
                    metadata = (
                        f'{{"events":[{{"eventId":"{event}","metadata":{{"door":"{door}"}}}}],'
                        f'"appVersion":"3.14.{int(r() * 6)}"}}'
                    )
                pay = 100_000_000 + bits(30) if r() < 0.85 else None
                updated = left + int(r() * MINUTE)
                add_sale[0](sid)
                add_sale[1](customer or 0)
                add_sale[2](vi)
                add_sale[3](joined)
                add_sale[4](left)
                joined_text = fmt(joined)
                left_text: str | None = fmt(left)
                # fmt: off
                yield (
                    workspace_id, sid, uid, None, vid, customer, code, token, "completed",
                    "on-site", None, fmt(entry), None, None, None, joined_text, left_text,
                    joined_text if last_enter == joined else fmt(last_enter),
                    left_text if first_exit == left else fmt(first_exit),
                    fmt(entry), fmt(last_scan), None, visitors,
                    visitors if visitors > 1 else 0, satisfaction, satisfaction is not None,
                    r() < 0.003, 0, pay, venue.external_id, None, vid, fmt(expires), None,
                    metadata, None, None, fmt(created), fmt(updated),
                )
                # fmt: on
            else:
                if kind == _H:
                    minute = 7 * 60 + int((r() + r()) * 8 * 60)
                    seconds = 300 + int(r() ** 2 * 3 * 3600)
                else:
                    # a global campus: busiest around local midday, never quite empty
                    minute = int((r() + r() + r()) / 3 * 1440)
                    u = r()
                    if kind == _P:
                        seconds = 600 + int(r() * 4800) if u < 0.8 else 60 + int(r() * 540)
                    elif u < 0.4:
                        seconds = 30 + int(r() * 270)
                    elif u < 0.85:
                        seconds = 300 + int(r() * 3300)
                    else:
                        seconds = 3600 + int(r() * 18000)
                joined = base + minute * MINUTE + int(r() * MINUTE)
                if last_day and r() < 0.4:
                    joined = now - MINUTE - int(r() * 3 * HOUR)
                    left = None
                else:
                    left = joined + seconds * 1000 + int(r() * 1000)
                    if left >= now:
                        left = None
                pool_n = pool_today
                customer = None
                if pool_n and (kind != _H or r() < 0.88):
                    c = int(r() * pool_n)
                    customer = pool_ids[c]
                    device = pool_dev[c]
                elif kind == _H:
                    device = device_json(rng)
                talk: int | None = None
                attributes: str | None = None
                if kind == _H:
                    megabytes = int(seconds / 60 * (0.5 + r() * 4))
                    attributes = f'{device},"dataMb":{megabytes}}}'
                elif left is not None:
                    share = r() ** 2 * 0.45 if kind == _R else 0.1 + r() * 0.5
                    talk = 0 if kind == _R and r() < 0.3 else int(seconds * share)
                joined_text = fmt(joined)
                left_text = None if left is None else fmt(left)
                # fmt: off
                yield (
                    workspace_id, sid, uid, None, vid, customer, None, None,
                    "active" if left is None else "completed",
                    "on-site" if kind == _H else "online", None, joined_text, None, None, None,
                    joined_text, left_text, None, None, None, None, talk, None, None, None,
                    False, False, 0, None, None, None, None, None, None, None, attributes,
                    None, joined_text, left_text or joined_text,
                )
                # fmt: on
