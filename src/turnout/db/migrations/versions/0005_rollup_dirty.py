"""rollup dirty hours: UTC hours a write changed, not yet recomputed in the report rollups;
(workspace_id, id) indexes on sessions, sales and leads for the rollup watermarks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:35:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import turnout.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_dirty",
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("hour_from", turnout.db.types.UTCDateTime(length=27), nullable=False),
        sa.Column("hour_to", turnout.db.types.UTCDateTime(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rollup_dirty_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_dirty")),
    )
    with op.batch_alter_table("rollup_dirty", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollup_dirty_workspace_id_name_id"),
            ["workspace_id", "name", "id"],
            unique=False,
        )
    for table in ("sessions", "sales", "leads"):
        op.create_index(f"ix_{table}_workspace_id_id", table, ["workspace_id", "id"], unique=False)


def downgrade() -> None:
    for table in ("leads", "sales", "sessions"):
        op.drop_index(f"ix_{table}_workspace_id_id", table_name=table)
    with op.batch_alter_table("rollup_dirty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rollup_dirty_workspace_id_name_id"))
    op.drop_table("rollup_dirty")
