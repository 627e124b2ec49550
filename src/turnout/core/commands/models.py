"""What each write accepts: one pydantic model per command, shared by every edge.

Create models name required fields; update models make every field optional and
the command applies only the fields the caller sent (`model_fields_set`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, EmailStr, Field, StringConstraints, field_validator

from turnout.core.commands.validation import Input
from turnout.core.resources.people import PROFILE_FIELD_TYPES
from turnout.core.resources.places import VENUE_KINDS
from turnout.core.teams import parse_team

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
SmallInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Phone = Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9+() .\-]*$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# Stored as whole ten-thousandths in a 64-bit integer.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=4, ge=-(10**13), le=10**13)]
Timestamp = AwareDatetime
JsonObject = dict[str, Any]
Role = Literal["member", "leader", "moderator", "admin", "owner", "customer"]
Channel = Literal["api", "online", "on-site"]
Status = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z_-]+$")]
LabelRef = int | Annotated[str, StringConstraints(min_length=1, max_length=100)]


def _zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"must be an IANA time zone such as Europe/London, not {value!r}"
        ) from None
    return value


def _team(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ValueError("must be team letters A-Z, AA-AZ, BA-BZ or a team number")
    try:
        return parse_team(value)
    except Exception as error:  # InvalidParameter: reported through pydantic's path
        raise ValueError(str(error).removeprefix("team ")) from None


# ---------------------------------------------------------------- venues


class VenueUpdate(Input):
    kind: Literal[VENUE_KINDS] | None = None  # type: ignore[valid-type]
    name: Name | None = None
    code: Code | None = None
    external_id: Code | None = None
    group_name: Text | None = None
    capacity: Count | None = None
    status: Status | None = None
    timezone: str | None = None
    address: JsonObject | None = None
    access: JsonObject | None = None
    attributes: JsonObject | None = None

    _check_zone = field_validator("timezone")(_zone)


class VenueCreate(VenueUpdate):
    kind: Literal[VENUE_KINDS]  # type: ignore[valid-type]
    name: Name


# ---------------------------------------------------------------- customers


class CustomerUpdate(Input):
    email: EmailStr | None = None
    external_id: Code | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    display_name: Name | None = None
    title: Text | None = None
    phone: Phone | None = None
    role: Role | None = None
    team: int | None = None
    source: Annotated[str, StringConstraints(max_length=64)] | None = None
    priority: SmallInt | None = None
    balance: Amount | None = None
    profile: JsonObject | None = None
    hardware: JsonObject | None = None
    metadata: JsonObject | None = None

    _check_team = field_validator("team", mode="before")(_team)


class CustomerCreate(CustomerUpdate):
    role: Role = "member"
    status: Literal["invited", "active"] = "active"


class ProfilePatch(Input):
    update: JsonObject = Field(default_factory=dict)
    unset: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list
    )


class ProfileFieldCreate(Input):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,99}$")]
    label: Text | None = None
    type: Literal[PROFILE_FIELD_TYPES] = "string"  # type: ignore[valid-type]
    description: LongText | None = None


# ---------------------------------------------------------------- sessions


class SessionUpdate(Input):
    external_uuid: Code | None = None
    venue_id: Id | None = None
    customer_id: Id | None = None
    code: Code | None = None
    token: Code | None = None
    status: Status | None = None
    channel: Channel | None = None
    experience: Text | None = None
    start_at: Timestamp | None = None
    duration_minutes: Count | None = None
    people: Count | None = None
    stations: Count | None = None
    joined_at: Timestamp | None = None
    left_at: Timestamp | None = None
    last_entered_at: Timestamp | None = None
    first_exited_at: Timestamp | None = None
    code_first_scanned_at: Timestamp | None = None
    code_last_scanned_at: Timestamp | None = None
    talk_seconds: Count | None = None
    visitors: Count | None = None
    group_size: Count | None = None
    satisfaction: Annotated[int, Field(ge=0, le=10)] | None = None
    satisfaction_submitted: bool | None = None
    suspected_fraud: bool | None = None
    priority: SmallInt | None = None
    payment_instrument_id: Id | None = None
    location_id: Code | None = None
    referenced_session_id: Id | None = None
    scannable_at_venue_id: Id | None = None
    expires_at: Timestamp | None = None
    comments: LongText | None = None
    metadata: JsonObject | None = None
    attributes: JsonObject | None = None
    labels: list[LabelRef] | None = Field(default=None, max_length=100)


class SessionCreate(SessionUpdate):
    uuid: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{32,36}$")] | None = None
    channel: Channel = "api"
    status: Status = "booked"


# ---------------------------------------------------------------- commerce


class SaleCreate(Input):
    session_id: Id | None = None
    customer_id: Id | None = None
    venue_id: Id | None = None
    item: Name
    category: Annotated[str, StringConstraints(max_length=100)] | None = None
    quantity: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = 1
    unit_price: Amount
    amount: Amount | None = None
    currency: Currency
    sold_at: Timestamp | None = None
    attributes: JsonObject | None = None


class VoucherCreate(Input):
    venue_id: Id | None = None
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    validity_days: Annotated[int, Field(ge=1, le=36_500)] | None = None
    upspeed_mbps: Count = 0
    downspeed_mbps: Count = 0
    volume_cap_gb: Count = 0
    max_devices: Count = 0
    amount: Amount | None = None
    currency: Currency | None = None
    expires_at: Timestamp | None = None


# ---------------------------------------------------------------- marketing


class CampaignCreate(Input):
    name: Name
    reference: Annotated[str, StringConstraints(max_length=100)] | None = None
    currency: Currency = "GBP"
    status: Status = "active"


class SupplierCreate(Input):
    name: Name
    reference: Annotated[str, StringConstraints(max_length=100)] | None = None


class LeadCreate(Input):
    campaign_id: Id
    supplier_id: Id | None = None
    customer_id: Id | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    status: Literal["valid", "invalid", "pending"] = "pending"
    outcome: Literal["approved", "rejected", "returned"] | None = None
    supplier_cost: Amount = Decimal(0)
    email_cost: Amount = Decimal(0)
    sms_cost: Amount = Decimal(0)
    validation_cost: Amount = Decimal(0)
    revenue: Amount = Decimal(0)
    currency: Currency = "GBP"
    received_at: Timestamp | None = None
    data: JsonObject | None = None


class EventCreate(Input):
    type: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.:-]{1,64}$")]
    occurred_at: Timestamp | None = None
    venue_id: Id | None = None
    customer_id: Id | None = None
    actor_id: Id | None = None
    room: Code | None = None
    data: JsonObject | None = None


def given(model: Input) -> dict[str, Any]:
    """The fields the caller actually sent, as column values."""
    return {name: getattr(model, name) for name in model.model_fields_set}
