"""Server-side admin sessions.

The cookie carries 256 random bits; the database keeps only their SHA-256 (the
session id), so a leaked table cannot be replayed as cookies. A session ends at
sign-out, after `IDLE_TIMEOUT` without a request, or `LIFETIME` after sign-in,
whichever comes first. Each session has its own CSRF token for its forms.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.core.clock import utcnow
from turnout.db.schema import admin_sessions, admin_users

COOKIE_NAME = "turnout_admin"
COOKIE_PATH = "/admin"
LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(hours=2)
# Recording every request would make each page view a write; a minute is plenty.
TOUCH_PRECISION = timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 128


@dataclass(frozen=True, slots=True)
class AdminSession:
    id: str
    admin_user_id: int
    email: str
    csrf_token: str
    selected_workspace_id: int | None
    expires_at: datetime
    last_seen_at: datetime


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def start_session(
    conn: Connection, admin_user_id: int, *, now: datetime | None = None
) -> tuple[str, AdminSession]:
    """A new session for the admin (a fresh token on every sign-in); the token is
    returned once, for the cookie. Sessions past their end are swept on the way."""
    now = now or utcnow()
    conn.execute(admin_sessions.delete().where(admin_sessions.c.expires_at <= now))
    token = new_token()
    session = AdminSession(
        id=session_id(token),
        admin_user_id=admin_user_id,
        email="",
        csrf_token=secrets.token_urlsafe(32),
        selected_workspace_id=None,
        expires_at=now + LIFETIME,
        last_seen_at=now,
    )
    conn.execute(
        admin_sessions.insert().values(
            id=session.id,
            admin_user_id=admin_user_id,
            csrf_token=session.csrf_token,
            selected_workspace_id=None,
            created_at=now,
            expires_at=session.expires_at,
            last_seen_at=now,
        )
    )
    email = conn.execute(
        sa.select(admin_users.c.email).where(admin_users.c.id == admin_user_id)
    ).scalar_one()
    return token, replace(session, email=email)


def load_session(conn: Connection, token: str | None, *, now: datetime) -> AdminSession | None:
    """The live session the cookie names, or None (unknown, ended, idle, inactive admin)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    row = conn.execute(
        sa.select(
            admin_sessions.c.id,
            admin_sessions.c.admin_user_id,
            admin_sessions.c.csrf_token,
            admin_sessions.c.selected_workspace_id,
            admin_sessions.c.expires_at,
            admin_sessions.c.last_seen_at,
            admin_users.c.email,
        )
        .join(admin_users, admin_users.c.id == admin_sessions.c.admin_user_id)
        .where(admin_sessions.c.id == session_id(token), admin_users.c.is_active.is_(True))
    ).first()
    if row is None or row.expires_at <= now or row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    return AdminSession(
        id=row.id,
        admin_user_id=row.admin_user_id,
        email=row.email,
        csrf_token=row.csrf_token,
        selected_workspace_id=row.selected_workspace_id,
        expires_at=row.expires_at,
        last_seen_at=row.last_seen_at,
    )


def needs_touch(session: AdminSession, now: datetime) -> bool:
    return now - session.last_seen_at >= TOUCH_PRECISION


def touch(conn: Connection, session: AdminSession, now: datetime) -> None:
    conn.execute(
        admin_sessions.update().where(admin_sessions.c.id == session.id).values(last_seen_at=now)
    )


def select_workspace(conn: Connection, session: AdminSession, workspace_id: int) -> None:
    conn.execute(
        admin_sessions.update()
        .where(admin_sessions.c.id == session.id)
        .values(selected_workspace_id=workspace_id)
    )


def end_session(conn: Connection, session: AdminSession) -> None:
    conn.execute(admin_sessions.delete().where(admin_sessions.c.id == session.id))
