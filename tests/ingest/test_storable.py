"""What both databases can store (`StorableCheck`): the chunk-wide pass never misses
a row that the row-by-row look would reject."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.ingest.importables import IMPORTABLES
from turnout.ingest.validation import StorableCheck

CHECK = StorableCheck(IMPORTABLES["sessions"].table, IMPORTABLES["sessions"].model)

texts = st.text(alphabet=st.sampled_from("ab \x00\\u0é"), max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
rows = st.fixed_dictionaries(
    {},
    optional={
        "uuid": st.text(alphabet="0123456789abcdef-", min_size=30, max_size=40),
        "comments": texts,
        "external_uuid": texts,
        "people": st.integers(0, 10),
        "start_at": st.datetimes(timezones=st.just(UTC)),
        "metadata": json_values,
        "attributes": json_values,
        "payment_instrument_id": st.decimals(allow_nan=False, places=2),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, max_size=12))
def test_every_row_with_a_problem_is_a_suspect(chunk):
    suspects = set(CHECK.suspects(chunk))
    for index, values in enumerate(chunk):
        if CHECK.problems(values):
            assert index in suspects, values


def test_a_clean_chunk_has_no_suspects_and_each_problem_is_found():
    clean = {
        "comments": "birthday party",
        "start_at": datetime(2024, 5, 1, 10, tzinfo=UTC),
        "metadata": {"door": "A", "n": [1, 2.5, None]},
        "payment_instrument_id": Decimal("12"),
    }
    assert list(CHECK.suspects([clean] * 100)) == []
    chunk = [clean] * 10
    chunk[3] = clean | {"uuid": "x" * 37}
    assert list(CHECK.suspects(chunk)) == [3]
    chunk[3] = clean | {"comments": "nul \x00"}
    assert 3 in CHECK.suspects(chunk)
    chunk[3] = clean | {"metadata": {"big": 2**70}}
    assert 3 in CHECK.suspects(chunk)
    assert [p.rule for p in CHECK.problems(chunk[3])] == ["json"]
