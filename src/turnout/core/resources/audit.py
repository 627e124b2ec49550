"""The audit log, readable by keys holding the `admin` permission."""

from __future__ import annotations

from turnout.core.fields import ident, json, string, timestamp
from turnout.core.registry import Resource
from turnout.db.schema import audit_log

AUDIT = Resource(
    name="audit",
    table=audit_log,
    permission="admin",
    description=(
        "Who did what destructive or permission-relevant thing, and when: erase, suspend, "
        "key create/revoke, voucher and venue delete, session cancel."
    ),
    fields=(
        ident(),
        string("actor", sortable=True, searchable=True),
        string("action", sortable=True),
        string("resource", sortable=True),
        string("resource_id", searchable=True),
        json("details"),
        timestamp("created_at"),
    ),
    time_field="created_at",
    time_fields=("created_at",),
    default_sort=("-created_at",),
)
