"""Admin users: create, reset a password, and sign in with lock-out.

Five wrong passwords in a row lock the account for fifteen minutes; while locked,
even the right password is refused. An unknown email costs the same hash check
as a known one and gets the same answer as a wrong password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.engine import Connection, Engine

from turnout.admin.passwords import hash_password, needs_rehash, verify_password
from turnout.core.clock import utcnow
from turnout.core.errors import Conflict, InvalidParameter, NotFound, Unauthenticated
from turnout.db.engine import write_transaction
from turnout.db.schema import admin_users
from turnout.db.types import UTCDateTime

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
WRONG_CREDENTIALS = "wrong email or password"


@dataclass(frozen=True, slots=True)
class AdminUser:
    id: int
    email: str


class AccountLocked(Unauthenticated):
    """Too many wrong passwords: refused until `locked_until`."""


def normalize_email(text: str) -> str:
    cleaned = (text or "").strip()
    if len(cleaned) > 320:
        raise InvalidParameter.for_field(
            "email", "max_length", "email is limited to 320 characters"
        )
    try:
        result = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidParameter.for_field("email", "email", f"email: {exc}") from None
    return result.normalized.lower()


def create_admin(conn: Connection, *, email: str, password: str) -> AdminUser:
    address = normalize_email(email)
    password_hash = hash_password(password)
    exists = conn.execute(sa.select(admin_users.c.id).where(admin_users.c.email == address))
    if exists.first() is not None:
        raise Conflict.for_field("email", "unique", f"an admin with email {address!r} exists")
    now = utcnow()
    admin_id = conn.execute(
        admin_users.insert()
        .values(email=address, password_hash=password_hash, created_at=now, updated_at=now)
        .returning(admin_users.c.id)
    ).scalar_one()
    return AdminUser(id=admin_id, email=address)


def set_password(conn: Connection, *, email: str, password: str) -> AdminUser:
    """A new password; also lifts a lock-out and re-activates the account."""
    address = normalize_email(email)
    password_hash = hash_password(password)
    row = conn.execute(
        admin_users.update()
        .where(admin_users.c.email == address)
        .values(
            password_hash=password_hash,
            is_active=True,
            failed_logins=0,
            locked_until=None,
            updated_at=utcnow(),
        )
        .returning(admin_users.c.id)
    ).first()
    if row is None:
        raise NotFound.for_field("email", "exists", f"no admin with email {address!r}")
    return AdminUser(id=row.id, email=address)


def list_admins(conn: Connection) -> list[sa.Row[tuple[object, ...]]]:
    query = sa.select(
        admin_users.c.email,
        admin_users.c.is_active,
        admin_users.c.locked_until,
        admin_users.c.last_login_at,
        admin_users.c.created_at,
    ).order_by(admin_users.c.email)
    return list(conn.execute(query))


def sign_in(engine: Engine, email: str, password: str, *, now: datetime | None = None) -> AdminUser:
    """The admin with these credentials, or Unauthenticated / AccountLocked."""
    now = now or utcnow()
    address = (email or "").strip().lower()[:320]
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                admin_users.c.id,
                admin_users.c.email,
                admin_users.c.password_hash,
                admin_users.c.is_active,
                admin_users.c.locked_until,
            ).where(admin_users.c.email == address)
        ).first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = max(1, round((row.locked_until - now).total_seconds() / 60))
        raise AccountLocked.for_field(
            "email",
            "locked",
            f"too many failed sign-ins: this account is locked for {minutes} more minute"
            f"{'s' if minutes != 1 else ''}",
        )
    matches = verify_password(row.password_hash if row else None, password)
    if row is None or not row.is_active:
        raise Unauthenticated.for_field("password", "valid", WRONG_CREDENTIALS)
    with write_transaction(engine) as conn:
        if not matches:
            _record_failure(conn, row.id, now)
        else:
            changes: dict[str, object] = {
                "failed_logins": 0,
                "locked_until": None,
                "last_login_at": now,
            }
            if needs_rehash(row.password_hash):
                changes["password_hash"] = hash_password(password)
            conn.execute(admin_users.update().where(admin_users.c.id == row.id).values(changes))
    if not matches:
        raise Unauthenticated.for_field("password", "valid", WRONG_CREDENTIALS)
    return AdminUser(id=row.id, email=row.email)


def _record_failure(conn: Connection, admin_id: int, now: datetime) -> None:
    """Count a failure in one statement, so concurrent guesses cannot skip the lock."""
    reaches = admin_users.c.failed_logins + 1 >= MAX_FAILURES
    conn.execute(
        admin_users.update()
        .where(admin_users.c.id == admin_id)
        .values(
            failed_logins=sa.case((reaches, 0), else_=admin_users.c.failed_logins + 1),
            locked_until=sa.case(
                (reaches, sa.literal(now + LOCKOUT, type_=UTCDateTime)),
                else_=admin_users.c.locked_until,
            ),
        )
    )
