"""API keys: list, generate (secret shown once), revoke, and the Virbela pair.

A new key's plaintext exists only in the response to the POST that made it; the
page then replaces its own history entry with the plain list (admin.js), so a
reload shows the list without the secret instead of re-posting the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Depends, Path, Request
from starlette.responses import Response

from turnout.admin.web import (
    PREFIX,
    AdminContext,
    AdminForm,
    checked_form,
    current_admin,
    redirect,
    render,
)
from turnout.auth.keys import KeyInfo, create_key, list_keys, revoke_key
from turnout.auth.permissions import ALL, PERMISSIONS
from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter, NotFound, TurnoutError
from turnout.db.engine import write_transaction

VIRBELA = "virbela"
VIRBELA_KEY_NAME = "Virbela credentials"
_IP_SEPARATORS = re.compile(r"[\s,]+")
NOTICES = {"revoked": "The key is revoked: it stops working on the next request."}


@dataclass(frozen=True)
class NewKey:
    """The one-time view of a key just made."""

    info: KeyInfo
    key: str

    @property
    def client_secret(self) -> str:
        return self.key.split("_", 2)[2]


def key_status(info: KeyInfo, now: datetime) -> str:
    if info.revoked_at is not None:
        return "revoked"
    if info.expires_at is not None and info.expires_at <= now:
        return "expired"
    return "active"


def parse_expiry(text: str) -> datetime | None:
    """A date or date-time, ISO 8601; a bare date or naive time is UTC (as in the CLI)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter.for_field(
            "expires",
            "datetime",
            f"expires must be a date like 2027-01-01 or a date-time, not {text[:40]!r}",
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def split_ips(text: str) -> list[str]:
    return [part for part in _IP_SEPARATORS.split(text) if part]


def _page(
    request: Request,
    admin: AdminContext,
    *,
    status_code: int = 200,
    error: str = "",
    values: dict[str, object] | None = None,
    new_key: NewKey | None = None,
) -> Response:
    workspace = admin.require_workspace()
    with request.app.state.engine.connect() as conn:
        keys = list_keys(conn, workspace)
    now = utcnow()
    virbela = next(
        (k for k in reversed(keys) if k.dialect == VIRBELA and key_status(k, now) == "active"),
        None,
    )
    return render(
        request,
        "keys.html",
        status_code=status_code,
        keys=sorted(keys, key=lambda k: (k.created_at, k.id), reverse=True),
        status_of=lambda k: key_status(k, now),
        permissions=PERMISSIONS,
        all_permissions=ALL,
        values=values or {"permissions": []},
        error=error,
        new_key=new_key,
        virbela=virbela,
        notice=NOTICES.get(request.query_params.get("notice") or "", ""),
    )


def keys_page(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    return _page(request, admin)


def create(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    admin = posted.admin
    workspace = admin.require_workspace()
    values: dict[str, object] = {
        "name": posted.text("name"),
        "permissions": posted.all("permissions"),
        "allowed_ips": posted.text("allowed_ips"),
        "expires": posted.text("expires"),
    }
    try:
        expires_at = parse_expiry(posted.text("expires"))
        with write_transaction(request.app.state.engine) as conn:
            info, key = create_key(
                conn,
                workspace=workspace,
                name=posted.text("name")[:200] or None,
                permissions=posted.all("permissions"),
                allowed_ips=split_ips(posted.text("allowed_ips")),
                expires_at=expires_at,
                actor=admin.actor_name,
            )
    except TurnoutError as exc:
        return _page(request, admin, status_code=exc.status, error=exc.message, values=values)
    return _page(request, admin, new_key=NewKey(info, key))


def revoke(
    request: Request,
    public_id: str = Path(max_length=64),
    posted: AdminForm = Depends(checked_form),
) -> Response:
    workspace = posted.admin.require_workspace()
    with write_transaction(request.app.state.engine) as conn:
        if all(k.public_id != public_id for k in list_keys(conn, workspace)):
            raise NotFound.for_field(
                "key_id", "exists", f"no API key with id {public_id!r} in {workspace.slug}"
            )
        revoke_key(conn, public_id, actor=posted.admin.actor_name)
    return redirect(f"{PREFIX}/keys", notice="revoked")


def regenerate_virbela(request: Request, posted: AdminForm = Depends(checked_form)) -> Response:
    """A new Virbela client id and secret; the old pair stops working at once."""
    admin = posted.admin
    workspace = admin.require_workspace()
    with write_transaction(request.app.state.engine) as conn:
        now = utcnow()
        current = [
            k
            for k in list_keys(conn, workspace)
            if k.dialect == VIRBELA and key_status(k, now) == "active"
        ]
        # The new pair keeps the permissions of the one it replaces.
        permissions = current[-1].permissions if current else (ALL,)
        info, key = create_key(
            conn,
            workspace=workspace,
            name=VIRBELA_KEY_NAME,
            permissions=permissions,
            dialect=VIRBELA,
            actor=admin.actor_name,
        )
    return _page(request, admin, new_key=NewKey(info, key))
