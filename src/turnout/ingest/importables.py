"""What each importable resource is: its table, its input model (the API's own), its
natural key, the ids it points at, and the few rules the core's single-row commands
apply that a bulk write must apply too (generated uuids and codes, defaults,
display names kept unique, typed profile values).

`importer.py` runs these rules on whole chunks of rows; this module only says
what they are, one small object per resource.
"""

from __future__ import annotations

import os
import random
import secrets
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core.commands import Actor
from turnout.core.commands.commerce import VOUCHER_ALPHABET, VOUCHER_LENGTH
from turnout.core.commands.models import (
    CustomerCreate,
    EventCreate,
    LeadCreate,
    SaleCreate,
    SessionCreate,
    VenueCreate,
    VoucherCreate,
)
from turnout.core.commands.profiles import definitions, typed_values
from turnout.core.commands.validation import Input
from turnout.core.errors import FieldProblem, InvalidParameter
from turnout.db.schema import (
    campaigns,
    customers,
    events,
    leads,
    sales,
    sessions,
    suppliers,
    venues,
    vouchers,
)
from turnout.ingest.readers import Columns


@dataclass(slots=True)
class Row:
    """One valid record on its way in."""

    line: int
    given: dict[str, Any]  # every field the record gave, validated by the model
    values: dict[str, Any]  # column values from the fields the record gave
    defaults: Mapping[str, Any]  # the model's defaults, for fields not given
    key: Any = None  # natural key, folded as the unique index folds it
    existing: Any = None  # the stored row with this key (id and `current` columns)
    problems: list[FieldProblem] = field(default_factory=list)

    def get(self, name: str) -> Any:
        """A field as the model has it: given, or its default."""
        given = self.given
        return given[name] if name in given else self.defaults.get(name)

    def reject(self, field_name: str, rule: str, message: str) -> None:
        self.problems.append(FieldProblem(field_name, rule, message))


@dataclass(slots=True)
class Batch:
    """What rules share while a batch is written: who, when, and lookups done once."""

    actor: Actor
    now: datetime
    dialect: str
    cache: dict[str, Any] = field(default_factory=dict)


Prepare = Callable[[Row, Batch], None]
Setup = Callable[[Connection, Batch], None]
Finish = Callable[[Connection, Batch, list[Row]], None]
Extras = Callable[[Row, Batch], Mapping[str, Any]]


def _nothing(row: Row, batch: Batch) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Importable:
    name: str
    table: sa.Table
    model: type[Input]
    permission: str
    # The natural key: a model field, and how the unique index compares it.
    key: str | None = None
    fold_key: bool = False
    key_where: sa.ColumnElement[bool] | None = None  # a partial index's predicate
    references: Mapping[str, sa.Table] = field(default_factory=dict)
    # Fields written on insert even when not given (the model's defaults).
    always: tuple[str, ...] = ()
    # Fields written on insert only, never changed by an upsert's update.
    insert_only: frozenset[str] = frozenset()
    # Stored columns a rule needs to see when the key exists already.
    current: tuple[str, ...] = ()
    # Per row, before any lookup; no database here (it may be busy writing the
    # previous chunk): what a rule needs from it, `setup` reads once per batch.
    prepare: Prepare | None = None
    setup: Setup | None = None
    finish: Finish | None = None
    on_insert: Extras = _nothing
    on_update: Extras = _nothing

    @property
    def columns(self) -> Columns:
        fields = self.model.model_fields
        return Columns(
            required=frozenset(n for n, f in fields.items() if f.is_required()),
            known=frozenset(fields),
            json=frozenset(n for n, f in fields.items() if _holds_json(f.annotation)),
        )

    @property
    def defaults(self) -> dict[str, Any]:
        """The model's defaults by field (what a field not given is on insert)."""
        return {
            name: info.get_default(call_default_factory=True)
            for name, info in self.model.model_fields.items()
            if not info.is_required()
        }

    @property
    def checked_tables(self) -> frozenset[str]:
        """Tables whose ids the importer checks itself, a chunk at a time."""
        return frozenset(table.name for table in self.references.values())

    def key_column(self) -> sa.ColumnElement[Any]:
        assert self.key is not None
        column = self.table.c[self.key]
        return sa.func.lower(column) if self.fold_key else column


def _holds_json(annotation: Any) -> bool:
    """Whether a field takes an object or a list (in CSV: a cell of JSON text)."""
    origin = typing.get_origin(annotation)
    if annotation in (dict, list) or origin in (dict, list):
        return True
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_holds_json(arg) for arg in typing.get_args(annotation))
    return False


# ---------------------------------------------------------------- customers


def _profile_fields(conn: Connection, batch: Batch) -> None:
    batch.cache["profile_fields"] = definitions(conn, batch.actor)


def _prepare_customer(row: Row, batch: Batch) -> None:
    email = row.values.get("email")
    row.key = fold_email(email, batch.dialect) if email else None
    profile = row.values.get("profile")
    if profile is not None:
        row.values["profile"] = typed_values(profile, batch.cache["profile_fields"])
    if "profile" in row.values:
        row.values["profile_updated_at"] = batch.now


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_email(email: str, dialect: str) -> str:
    """An email as the unique index on lower(email) sees it (SQLite folds ASCII only)."""
    return email.translate(_ASCII_LOWER) if dialect == "sqlite" else email.lower()


def _customer_inserted(row: Row, batch: Batch) -> Mapping[str, Any]:
    status = row.get("status")
    return {"invited_at" if status == "invited" else "accepted_at": batch.now}


# Digits appended to a taken display name, as the single-row command does.
_SUFFIX_DIGITS = 4
_SUFFIX_TRIES = 50


def _free_display_names(conn: Connection, batch: Batch, rows: list[Row]) -> None:
    """Give each row a display name nobody else holds, with one query per round."""
    wanted = [r for r in rows if r.values.get("display_name")]
    if not wanted:
        return
    claimed: dict[str, Row] = {}
    candidates = {id(r): r.values["display_name"] for r in wanted}
    query = sa.select(customers.c.display_name, customers.c.id).where(
        customers.c.workspace_id == batch.actor.workspace_id,
        customers.c.display_name.in_(sa.bindparam("names", expanding=True)),
    )
    for _ in range(_SUFFIX_TRIES):
        holders = dict(conn.execute(query, {"names": list(set(candidates.values()))}).all())
        retry: dict[int, str] = {}
        for row in wanted:
            name = candidates.get(id(row))
            if name is None:
                continue
            own_id = row.existing.id if row.existing is not None else None
            holder = holders.get(name)
            if (holder is None or holder == own_id) and claimed.get(name, row) is row:
                claimed[name] = row
                row.values["display_name"] = name
            else:
                base = row.values["display_name"][: 200 - _SUFFIX_DIGITS]
                digits = random.randrange(10 ** (_SUFFIX_DIGITS - 1), 10**_SUFFIX_DIGITS)
                retry[id(row)] = f"{base}{digits}"
        if not retry:
            return
        candidates = retry
    for row in wanted:
        if id(row) in candidates:
            name = row.values["display_name"]
            row.reject("display_name", "unique", f"display_name {name!r} is taken")


CUSTOMERS = Importable(
    name="customers",
    table=customers,
    model=CustomerCreate,
    permission="customers:write",
    key="email",
    fold_key=True,
    always=("status", "role"),
    # As with POST /v1/customers?overwrite=true: status is not changed by an upsert.
    insert_only=frozenset({"status", "email"}),
    prepare=_prepare_customer,
    setup=_profile_fields,
    finish=_free_display_names,
    on_insert=_customer_inserted,
)


# ---------------------------------------------------------------- sessions

_PAIRS = (("joined_at", "left_at"), ("last_entered_at", "first_exited_at"))


def _prepare_session(row: Row, batch: Batch) -> None:
    values = row.values
    if "labels" in row.given:
        raise InvalidParameter.for_field(
            "labels",
            "unsupported",
            "labels: not imported; set them with PATCH /v1/sessions/{id}",
        )
    row.key = values.get("external_uuid")
    if values.get("uuid") is not None:
        values["uuid"] = values["uuid"].lower()
    else:
        values.pop("uuid", None)  # null: generated, as when not given
    _check_pairs(values, None)


def _check_pairs(values: dict[str, Any], current: Any) -> None:
    for start, end in _PAIRS:
        first = values[start] if start in values else getattr(current, start, None)
        last = values[end] if end in values else getattr(current, end, None)
        if first is not None and last is not None and last < first:
            raise InvalidParameter.for_field(end, "after", f"{end} must not be before {start}")


def _random_uuid(batch: Batch) -> str:
    """A random (version 4) uuid, from a pool refilled 1,024 at a time."""
    pool: list[str] = batch.cache.setdefault("uuids", [])
    if not pool:
        pool.extend(random_uuid_texts(1024))
    return pool.pop()


def random_uuid_texts(n: int) -> list[str]:
    """`n` random version-4 uuids as text, the same as `str(uuid.uuid4())`: the random
    bits come from one system call, and the version and variant bits are set on
    the whole buffer at once (`uuid.uuid4()` costs ~1 µs each, this ~0.4)."""
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = bytes([b & 0x0F | 0x40 for b in raw[6::16]])
    raw[8::16] = bytes([b & 0x3F | 0x80 for b in raw[8::16]])
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-"
        f"{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


def _session_inserted(row: Row, batch: Batch) -> Mapping[str, Any]:
    extras: dict[str, Any] = {}
    if "uuid" not in row.values:
        extras["uuid"] = _random_uuid(batch)
    if row.get("status") == "cancelled":
        extras["cancelled_at"] = batch.now
    return extras


def _session_updated(row: Row, batch: Batch) -> Mapping[str, Any]:
    _check_pairs(row.values, row.existing)
    if row.values.get("status") == "cancelled" and row.existing.status != "cancelled":
        return {"cancelled_at": batch.now}
    return {}


def _free_session_uuids(conn: Connection, batch: Batch, rows: list[Row]) -> None:
    """A uuid given for a new session must be new in the workspace and in the file."""
    given = [r for r in rows if r.existing is None and "uuid" in r.values]
    if not given:
        return
    seen: dict[str, int] = batch.cache.setdefault("session_uuids", {})
    query = sa.select(sessions.c.uuid).where(
        sessions.c.workspace_id == batch.actor.workspace_id,
        sessions.c.uuid.in_(sa.bindparam("uuids", expanding=True)),
    )
    taken = set(conn.execute(query, {"uuids": [r.values["uuid"] for r in given]}).scalars())
    for row in given:
        value = row.values["uuid"]
        if value in taken:
            row.reject("uuid", "unique", f"uuid: a session with uuid {value} exists")
        elif seen.setdefault(value, row.line) != row.line:
            row.reject("uuid", "duplicate", f"uuid: the same uuid is on line {seen[value]}")


SESSIONS = Importable(
    name="sessions",
    table=sessions,
    model=SessionCreate,
    permission="sessions:write",
    key="external_uuid",
    key_where=sessions.c.external_uuid.is_not(None),
    references={
        "venue_id": venues,
        "customer_id": customers,
        "referenced_session_id": sessions,
        "scannable_at_venue_id": venues,
    },
    always=("status", "channel"),
    insert_only=frozenset({"uuid", "external_uuid"}),
    # customer_id too: the rollup marks (`mark_import`) need the stored row's customer.
    current=(
        "status",
        "joined_at",
        "left_at",
        "last_entered_at",
        "first_exited_at",
        "customer_id",
    ),
    prepare=_prepare_session,
    finish=_free_session_uuids,
    on_insert=_session_inserted,
    on_update=_session_updated,
)


# ---------------------------------------------------------------- sales, vouchers


def _default_time(name: str) -> Extras:
    def extras(row: Row, batch: Batch) -> Mapping[str, Any]:
        return {} if row.values.get(name) is not None else {name: batch.now}

    return extras


def _prepare_sale(row: Row, batch: Batch) -> None:
    if row.get("amount") is None:
        row.values["amount"] = row.get("unit_price") * row.get("quantity")


SALES = Importable(
    name="sales",
    table=sales,
    model=SaleCreate,
    permission="sales:write",
    references={"session_id": sessions, "customer_id": customers, "venue_id": venues},
    always=("quantity",),
    prepare=_prepare_sale,
    on_insert=_default_time("sold_at"),
)


def _prepare_voucher(row: Row, batch: Batch) -> None:
    row.key = row.values.get("code")


def _voucher_code() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))


def _generate_voucher_codes(conn: Connection, batch: Batch, rows: list[Row]) -> None:
    """Rows without a code get a generated one, free in the workspace (one query a round)."""
    pending = [r for r in rows if r.key is None]
    used: set[str] = {r.key for r in rows if r.key is not None}
    for _ in range(10):
        if not pending:
            return
        codes: dict[str, Row] = {}
        for row in pending:
            code = _voucher_code()
            while code in used or code in codes:
                code = _voucher_code()
            codes[code] = row
        query = sa.select(vouchers.c.code).where(
            vouchers.c.workspace_id == batch.actor.workspace_id,
            vouchers.c.code.in_(sa.bindparam("codes", expanding=True)),
        )
        taken = set(conn.execute(query, {"codes": list(codes)}).scalars())
        pending = []
        for code, row in codes.items():
            if code in taken:
                pending.append(row)
            else:
                row.values["code"] = code
                used.add(code)
    for row in pending:
        row.reject("code", "unique", "could not generate a free voucher code")


VOUCHERS = Importable(
    name="vouchers",
    table=vouchers,
    model=VoucherCreate,
    permission="vouchers:write",
    key="code",
    references={"venue_id": venues},
    always=("upspeed_mbps", "downspeed_mbps", "volume_cap_gb", "max_devices"),
    insert_only=frozenset({"code"}),
    prepare=_prepare_voucher,
    finish=_generate_voucher_codes,
)


# ---------------------------------------------------------------- venues, leads, events


def _prepare_venue(row: Row, batch: Batch) -> None:
    row.key = row.values.get("code")


VENUES = Importable(
    name="venues",
    table=venues,
    model=VenueCreate,
    # As the v1 venue routes: venues are managed with sessions:write.
    permission="sessions:write",
    key="code",
    insert_only=frozenset({"code"}),
    prepare=_prepare_venue,
)


def _all_fields(model: type[Input]) -> tuple[str, ...]:
    return tuple(model.model_fields)


LEADS = Importable(
    name="leads",
    table=leads,
    model=LeadCreate,
    permission="leads:write",
    references={"campaign_id": campaigns, "supplier_id": suppliers, "customer_id": customers},
    always=_all_fields(LeadCreate),
    on_insert=_default_time("received_at"),
)

EVENTS = Importable(
    name="events",
    table=events,
    model=EventCreate,
    permission="events:write",
    references={"venue_id": venues, "customer_id": customers, "actor_id": customers},
    always=_all_fields(EventCreate),
    on_insert=_default_time("occurred_at"),
)


IMPORTABLES: dict[str, Importable] = {
    spec.name: spec for spec in (CUSTOMERS, SESSIONS, SALES, VOUCHERS, VENUES, LEADS, EVENTS)
}
