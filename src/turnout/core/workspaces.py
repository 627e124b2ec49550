"""Workspaces (tenants): create, find, list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from turnout.core.clock import utcnow
from turnout.core.errors import Conflict, InvalidParameter, NotFound
from turnout.db.schema import workspaces

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class Workspace:
    id: int
    slug: str
    name: str
    timezone: str
    region: str | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug or ""):
        raise InvalidParameter.for_field(
            "slug",
            "pattern",
            "slug must be 1-64 lowercase letters, digits or inner hyphens, e.g. 'west-hall'",
        )
    return slug


def validate_timezone(name: str, *, field: str = "timezone") -> str:
    try:
        if len(name) > 64:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidParameter.for_field(
            field, "zone", f"{field} must be an IANA time zone such as Europe/London, not {name!r}"
        ) from None
    return name


def _from_row(row: Any) -> Workspace:
    return Workspace(
        id=row.id, slug=row.slug, name=row.name, timezone=row.timezone, region=row.region
    )


_COLUMNS = (
    workspaces.c.id,
    workspaces.c.slug,
    workspaces.c.name,
    workspaces.c.timezone,
    workspaces.c.region,
)


def create_workspace(
    conn: Connection,
    *,
    slug: str,
    name: str | None = None,
    timezone: str = "UTC",
    region: str | None = None,
) -> Workspace:
    validate_slug(slug)
    validate_timezone(timezone)
    if conn.execute(sa.select(workspaces.c.id).where(workspaces.c.slug == slug)).first():
        raise Conflict.for_field("slug", "unique", f"a workspace with slug {slug!r} already exists")
    now = utcnow()
    try:
        with conn.begin_nested():  # a concurrent create of the same slug lands here
            workspace_id = conn.execute(
                workspaces.insert()
                .values(
                    slug=slug,
                    name=name or slug,
                    timezone=timezone,
                    region=region,
                    settings={},
                    created_at=now,
                    updated_at=now,
                )
                .returning(workspaces.c.id)
            ).scalar_one()
    except IntegrityError:
        raise Conflict.for_field(
            "slug", "unique", f"a workspace with slug {slug!r} already exists"
        ) from None
    return Workspace(
        id=workspace_id, slug=slug, name=name or slug, timezone=timezone, region=region
    )


def find_workspace(conn: Connection, slug: str) -> Workspace | None:
    row = conn.execute(sa.select(*_COLUMNS).where(workspaces.c.slug == slug)).first()
    return _from_row(row) if row else None


def get_workspace(conn: Connection, slug: str) -> Workspace:
    found = find_workspace(conn, slug)
    if found is None:
        raise NotFound.for_field("workspace", "exists", f"no workspace with slug {slug!r}")
    return found


def get_workspace_by_id(conn: Connection, workspace_id: int) -> Workspace:
    row = conn.execute(sa.select(*_COLUMNS).where(workspaces.c.id == workspace_id)).first()
    if row is None:
        raise NotFound.for_field("workspace", "exists", f"no workspace with id {workspace_id}")
    return _from_row(row)


def list_workspaces(conn: Connection) -> list[Workspace]:
    return [_from_row(r) for r in conn.execute(sa.select(*_COLUMNS).order_by(workspaces.c.slug))]
