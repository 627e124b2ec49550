"""The lookups of an import (`lookups.py`): every stored key or id found, whatever
characters it holds (on PostgreSQL they travel as the text of an array literal,
control characters as a list), and only in the caller's workspace."""

from __future__ import annotations

import pytest

from tests.factories import make_customer, make_session, make_workspace
from turnout.db.schema import sessions
from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.lookups import existing_ids, stored_by_key

# Keys that JSON or an array literal must quote or escape, that read as NULL, or that
# differ only in case; and keys with control characters, sent another way.
QUOTED_KEYS = ['q"uote', "back\\slash", "\\u0041", "comma,{brace}", "NULL", "", "ünï 🎟", "A", "a"]
CONTROL_KEYS = ["new\nline", "tab\tbell\x07", "plain"]


@pytest.mark.parametrize("keys", [QUOTED_KEYS, CONTROL_KEYS], ids=["quoted", "control"])
def test_stored_keys_are_found_with_their_columns(engine, workspace, keys):
    ids = {key: make_session(engine, workspace, external_uuid=key) for key in keys}
    other = make_workspace(engine)
    make_session(engine, other, external_uuid="elsewhere")
    wanted = [*keys, "missing", "elsewhere"]
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


def test_ids_are_found_in_the_workspace_only(engine, workspace):
    mine = [make_session(engine, workspace) for _ in range(3)]
    theirs = make_session(engine, make_workspace(engine))
    with engine.connect() as conn:
        found = existing_ids(conn, sessions, workspace.id, [*mine, theirs, 2**62])
    assert found == set(mine)
