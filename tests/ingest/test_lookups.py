"""The natural-key lookup of an import (`lookups.stored_by_key`): every stored key
found, whatever characters it holds, only in the caller's workspace, and on
PostgreSQL by probing the key's unique index even where the planner has no
statistics."""

from __future__ import annotations

from tests.factories import make_customer, make_session, make_workspace
from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.lookups import _by_key_lateral, stored_by_key

# Keys JSON must escape, or SQL, or that differ only in case or accents.
ODD_KEYS = ['q"uote', "back\\slash", "new\nline", "comma,{brace}", "ünï-cödé 🎟", "UPPER", "upper"]


def test_stored_keys_are_found_with_their_columns(engine, workspace):
    ids = {key: make_session(engine, workspace, external_uuid=key) for key in ODD_KEYS}
    other = make_workspace(engine)
    make_session(engine, other, external_uuid="elsewhere")
    wanted = [*ODD_KEYS, "missing", "elsewhere"]
    with engine.connect() as conn:
        found = stored_by_key(conn, IMPORTABLES["sessions"], workspace.id, wanted)
    assert {key: row.id for key, row in found.items()} == ids
    assert {row.status for row in found.values()} == {"completed"}


def test_emails_are_found_by_their_folded_key(engine, workspace):
    stored = make_customer(engine, workspace, email="Mixed.Case@Example.com")
    with engine.connect() as conn:
        found = stored_by_key(
            conn, IMPORTABLES["customers"], workspace.id, ["mixed.case@example.com", "x@y.z"]
        )
    assert {key: row.id for key, row in found.items()} == {"mixed.case@example.com": stored}


def test_postgresql_probes_the_unique_index_without_statistics(engine, workspace):
    """(On SQLite the lookup is a json_each IN list, which its planner serves from the
    unique index already.)"""
    for n in range(50):
        make_session(engine, workspace, external_uuid=f"k{n}")
    spec = IMPORTABLES["sessions"]
    keys = [f"k{n}" for n in range(0, 100, 3)]
    with engine.connect() as conn:
        found = stored_by_key(conn, spec, workspace.id, keys)
        if engine.dialect.name == "postgresql":
            query = _by_key_lateral(spec, workspace.id, keys, [spec.table.c.id]).compile(conn)
            plan = conn.exec_driver_sql("EXPLAIN " + str(query), query.params).scalars()
            text = "\n".join(plan)
            assert "Scan using uq_sessions_workspace_id_external_uuid on sessions" in text, text
    assert sorted(found) == sorted(k for k in keys if int(k[1:]) < 50)
