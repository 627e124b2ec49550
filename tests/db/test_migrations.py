"""Migrations run up from empty and back down on both backends, and match the schema."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from turnout.db import migrate
from turnout.db.engine import make_engine
from turnout.db.schema import TENANT_TABLES, metadata


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_empty_then_downgrade(backend, database_url_factory):
    engine = make_engine(database_url_factory(backend))
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.is_up_to_date(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= tables
        migrate.upgrade(engine)  # idempotent at head
        migrate.downgrade(engine, "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_migrated_columns_match_the_schema(engine):
    inspector = sa.inspect(engine)
    for table in metadata.sorted_tables:
        found = {c["name"] for c in inspector.get_columns(table.name)}
        assert found == set(table.c.keys()), table.name


# A key's public id is how a request finds its workspace, so it is unique globally.
# Lookups that are global on purpose: a key is found before its workspace is
# known, and expired idempotency records are swept across all workspaces.
GLOBAL_LOOKUPS = {
    ("api_keys", "uq_api_keys_public_id"),
    ("idempotency_keys", "ix_idempotency_keys_expires_at"),
}


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_every_tenant_table_leads_with_workspace_id(engine):
    inspector = sa.inspect(engine)
    for table in TENANT_TABLES:
        assert inspector.get_columns(table.name)[0]["name"] == "workspace_id", table.name
        indexes = inspector.get_indexes(table.name) + inspector.get_unique_constraints(table.name)
        for index in indexes:
            if (table.name, index["name"]) in GLOBAL_LOOKUPS:
                continue
            assert index["column_names"][0] == "workspace_id", (table.name, index["name"])


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_indexes_the_seeds_need_exist(engine):
    inspector = sa.inspect(engine)
    session_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("sessions")}
    assert ("workspace_id", "start_at") in session_indexes
    assert ("workspace_id", "venue_id", "joined_at") in session_indexes
    assert ("workspace_id", "venue_id", "left_at") in session_indexes
    assert ("workspace_id", "updated_at") in session_indexes
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_customers_workspace_id_email'"
        else:
            sql = (
                "SELECT indexdef FROM pg_indexes "
                "WHERE indexname = 'ix_customers_workspace_id_email'"
            )
        definition = conn.execute(sa.text(sql)).scalar_one()
    assert re.search(r"unique index .*\(workspace_id, lower\(\(?email", definition, re.I)
