"""The search language: examples, every error, and round-trip properties."""

from __future__ import annotations

import dataclasses
import pickle
from typing import get_args
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.errors import InvalidParameter
from turnout.core.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    FieldTerm,
    Flag,
    Operator,
    SearchSyntaxError,
    Term,
    Text,
    like_pattern,
    parse,
    unparse,
)

FLAGS = frozenset({"upcoming", "today", "skip_api", "api_only", "comments", "phone"})
UUID = "11111111-1111-1111-1111-111111111111"


def strip(terms: list[Term]) -> list[Term]:
    return [dataclasses.replace(t, position=0) for t in terms]


# ---------------------------------------------------------------- examples

EXAMPLES: list[tuple[str, list[Term]]] = [
    ("", []),
    ("   \t\n ", []),
    ("smith", [Text("smith")]),
    ("john@example.com", [Text("john@example.com")]),
    ("+44 07700900123", [Text("+44"), Text("07700900123", position=4)]),
    ('"John Smith"', [Text("John Smith", quoted=True)]),
    ('""', [Text("", quoted=True)]),
    (r'"say \"hi\" \\ C:\path"', [Text(r'say "hi" \ C:\path', quoted=True)]),
    ('O"Brien', [Text('O"Brien')]),
    ('"a"b', [Text("a", quoted=True), Text("b", position=3)]),
    # SynthesisVR criteria
    ("date=2019-07-12", [FieldTerm("date", "=", "2019-07-12")]),
    (
        "date>2019-07-01 date<2019-07-31",
        [FieldTerm("date", ">", "2019-07-01"), FieldTerm("date", "<", "2019-07-31", position=16)],
    ),
    ("today upcoming", [Flag("today"), Flag("upcoming", position=6)]),
    ("skip_api", [Flag("skip_api")]),
    ("TODAY Skip_API", [Flag("today"), Flag("skip_api", position=6)]),
    ('"today"', [Text("today", quoted=True)]),
    (
        "customer:42 label:7",
        [FieldTerm("customer", ":", "42"), FieldTerm("label", ":", "7", position=12)],
    ),
    (f"uuid:{UUID}", [FieldTerm("uuid", ":", UUID)]),
    (
        "externaluuid:a externaluuid:b",
        [FieldTerm("externaluuid", ":", "a"), FieldTerm("externaluuid", ":", "b", position=15)],
    ),
    (
        '"John Smith" comments phone',
        [Text("John Smith", quoted=True), Flag("comments", 13), Flag("phone", 22)],
    ),
    (
        'date=2019-07-12 upcoming customer:42 "John Smith" externaluuid:abc',
        [
            FieldTerm("date", "=", "2019-07-12"),
            Flag("upcoming", 16),
            FieldTerm("customer", ":", "42", position=25),
            Text("John Smith", quoted=True, position=37),
            FieldTerm("externaluuid", ":", "abc", position=50),
        ],
    ),
    # every operator, longest match first
    ("a>=5", [FieldTerm("a", ">=", "5")]),
    ("a<=5", [FieldTerm("a", "<=", "5")]),
    ("a!=5", [FieldTerm("a", "!=", "5")]),
    ("a=>5", [FieldTerm("a", "=", ">5")]),
    ("a:=5", [FieldTerm("a", ":", "=5")]),
    ("a>==5", [FieldTerm("a", ">=", "=5")]),
    ('name:"John Smith"', [FieldTerm("name", ":", "John Smith", quoted=True)]),
    ('name:""', [FieldTerm("name", ":", "", quoted=True)]),
    ('name:a"b', [FieldTerm("name", ":", 'a"b')]),
    ("attributes.device:quest", [FieldTerm("attributes.device", ":", "quest")]),
    ("_x1=y", [FieldTerm("_x1", "=", "y")]),
    ("http://x", [FieldTerm("http", ":", "//x")]),
    ("today:yes", [FieldTerm("today", ":", "yes")]),
    # not field terms: the prefix is not a key
    ("9:30", [Text("9:30")]),
    ("=foo", [Text("=foo")]),
    (">5", [Text(">5")]),
    ("a!5", [Text("a!5")]),
    ("1a:b", [Text("1a:b")]),
    ("ünï:x", [Text("ünï:x")]),
    # any Unicode whitespace separates
    (
        "a\u00a0b\u3000c\u2003d",
        [Text("a"), Text("b", position=2), Text("c", position=4), Text("d", position=6)],
    ),
    # a URL-decoded path segment with runs of spaces and tabs
    (
        unquote("date%3D2019-07-12%20%20%09upcoming%09%09%22John%20Smith%22%20%20"),
        [
            FieldTerm("date", "=", "2019-07-12"),
            Flag("upcoming", 18),
            Text("John Smith", quoted=True, position=28),
        ],
    ),
]


@pytest.mark.parametrize(("q", "expected"), EXAMPLES, ids=[repr(q) for q, _ in EXAMPLES])
def test_examples(q: str, expected: list[Term]) -> None:
    assert parse(q, flags=FLAGS) == expected


def test_without_flags_words_are_text() -> None:
    assert parse("today") == [Text("today")]


def test_a_single_string_is_one_flag_not_its_letters() -> None:
    assert parse("t today", flags="today") == [Text("t"), Flag("today", 2)]


# ---------------------------------------------------------------- errors

ERRORS: list[tuple[str, str, int]] = [
    ('"John Sm', "unterminated_quote", 0),
    ('smith "John Sm', "unterminated_quote", 6),
    ('name:"John', "unterminated_quote", 0),
    ('x "a\\"', "unterminated_quote", 2),
    ("date=", "missing_value", 0),
    ("upcoming customer:", "missing_value", 9),
    ("a>= b", "missing_value", 0),
    ("a!=\tb", "missing_value", 0),
    ("ab\0c", "invalid_character", 0),
    ("x y\0", "invalid_character", 2),
    ('x "a\0b"', "invalid_character", 2),
    ("x k:\0", "invalid_character", 2),
    ("x" * (MAX_QUERY_LENGTH + 1), "max_length", MAX_QUERY_LENGTH),
    ("x " * MAX_TERMS + "last", "max_terms", 2 * MAX_TERMS),
]


@pytest.mark.parametrize(
    ("q", "rule", "position"), ERRORS, ids=[e[1] + repr(e[0])[:30] for e in ERRORS]
)
def test_errors(q: str, rule: str, position: int) -> None:
    with pytest.raises(SearchSyntaxError) as info:
        parse(q, flags=FLAGS, field="criteria")
    err = info.value
    assert isinstance(err, InvalidParameter)
    assert (err.rule, err.field, err.position) == (rule, "criteria", position)
    assert err.status == 400
    assert err.message.startswith("criteria: ")
    assert "\0" not in err.message
    if rule != "max_length":
        assert f"position {position}" in err.message


def test_error_message_names_term_and_position() -> None:
    with pytest.raises(SearchSyntaxError) as info:
        parse('date=2019 "John Sm')
    assert str(info.value) == 'q: unterminated quote in term starting at position 10: "John Sm'
    assert info.value.problems[0].message == str(info.value)


def test_exactly_the_limits_are_allowed() -> None:
    assert len(parse("x" * MAX_QUERY_LENGTH)) == 1
    assert len(parse("x " * MAX_TERMS)) == MAX_TERMS


def test_huge_input_is_refused_by_length() -> None:
    with pytest.raises(SearchSyntaxError) as info:
        parse('"' + "a " * 5000)
    assert info.value.rule == "max_length"


def test_error_survives_base_class_helpers() -> None:
    err = SearchSyntaxError.for_field("q", "missing_value", "q: missing value")
    assert (err.rule, err.position) == ("missing_value", 0)
    assert pickle.loads(pickle.dumps(err)).message == "q: missing value"


# ---------------------------------------------------------------- unparse and like_pattern

UNPARSE: list[tuple[list[Term], str]] = [
    ([Text("smith"), Text("John Smith")], 'smith "John Smith"'),
    ([Text("smith", quoted=True)], '"smith"'),
    ([Text("")], '""'),
    ([Text('say "hi" \\')], r'"say \"hi\" \\"'),
    ([Text('"x')], r'"\"x"'),
    ([Text("O'Brien"), Text('O"Brien')], "O'Brien O\"Brien"),
    ([Text("a:b"), Text("9:30"), Text(">5")], '"a:b" 9:30 >5'),
    ([Flag("today"), Text("today"), Text("TODAY")], 'today "today" "TODAY"'),
    ([FieldTerm("date", "=", "2019-07-12")], "date=2019-07-12"),
    ([FieldTerm("name", ":", "John Smith")], 'name:"John Smith"'),
    ([FieldTerm("name", ":", "")], 'name:""'),
    ([FieldTerm("a", ">", "=5"), FieldTerm("a", ">=", "=5")], 'a>"=5" a>==5'),
    ([FieldTerm("a", ":", "today")], "a:today"),
]


@pytest.mark.parametrize(("terms", "text"), UNPARSE, ids=[t for _, t in UNPARSE])
def test_unparse(terms: list[Term], text: str) -> None:
    assert unparse(terms) == text


def test_unparse_quotes_text_that_is_a_given_flag() -> None:
    assert unparse([Text("phone")], flags=FLAGS) == '"phone"'


@pytest.mark.parametrize(
    "term",
    [
        Text("a\0b"),
        FieldTerm("k", ":", "\0"),
        FieldTerm("1k", ":", "v"),
        FieldTerm("k k", ":", "v"),
        FieldTerm("k", "~", "v"),  # type: ignore[arg-type]
        Flag("two words"),
        Flag("k:v"),
        Flag(""),
        Flag('"q'),
    ],
)
def test_unparse_refuses_inexpressible_terms(term: Term) -> None:
    with pytest.raises(ValueError):
        unparse([term])


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("smith", "%smith%"),
        ("", "%%"),
        ("100%", "%100\\%%"),
        ("a_b", "%a\\_b%"),
        ("C:\\x", "%C:\\\\x%"),
        ("\\%_", "%\\\\\\%\\_%"),
    ],
)
def test_like_pattern(text: str, pattern: str) -> None:
    assert like_pattern(text) == pattern


# ---------------------------------------------------------------- properties

# Characters that exercise every branch of the scanner, mixed with arbitrary text.
GRAMMAR = 'aZ_9.:=<>!"\\ \t\u00a0\u3000x@+-'
queries = st.text() | st.text(alphabet=GRAMMAR, max_size=40)
values = st.text(alphabet=st.characters(exclude_characters="\0"), max_size=12) | st.text(
    alphabet=GRAMMAR, max_size=12
)
keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,8}", fullmatch=True)
flag_names = st.sampled_from(sorted(FLAGS)) | st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
terms_st = st.lists(
    st.builds(Text, values, st.booleans())
    | st.builds(FieldTerm, keys, st.sampled_from(get_args(Operator)), values, st.booleans())
    | st.builds(Flag, flag_names),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(q=queries)
def test_parse_raises_only_syntax_errors_and_positions_point_at_terms(q: str) -> None:
    try:
        terms = parse(q, flags=FLAGS)
    except SearchSyntaxError as err:
        assert 0 <= err.position <= len(q)
        return
    positions = [t.position for t in terms]
    assert positions == sorted(set(positions))
    for t in terms:
        assert not q[t.position].isspace()
        if isinstance(t, FieldTerm):
            assert q.startswith(t.key + t.op, t.position)
        elif isinstance(t, Text) and t.quoted:
            assert q[t.position] == '"'


def expected_after_round_trip(term: Term, flags: set[str]) -> Term:
    """The term as it should come back: unquoted only if the bare form reads back as itself."""
    term = dataclasses.replace(term, position=0)
    if isinstance(term, Flag) or term.quoted:
        return term
    bare = term.value if isinstance(term, Text) else f"{term.key}{term.op}{term.value}"
    try:
        reads_back = strip(parse(bare, flags=flags)) == [term]
    except SearchSyntaxError:
        reads_back = False
    return term if reads_back else dataclasses.replace(term, quoted=True)


@settings(max_examples=200, deadline=None)
@given(terms=terms_st)
def test_unparse_round_trips_generated_terms(terms: list[Term]) -> None:
    flags = {t.name for t in terms if isinstance(t, Flag)}
    expected = [expected_after_round_trip(t, flags) for t in terms]
    assert strip(parse(unparse(terms), flags=flags)) == expected


@settings(max_examples=200, deadline=None)
@given(q=queries)
def test_unparse_of_parse_is_stable(q: str) -> None:
    try:
        terms = parse(q, flags=FLAGS)
    except SearchSyntaxError:
        return
    text = unparse(terms)
    assert strip(parse(text, flags=FLAGS)) == strip(terms)
    assert unparse(parse(text, flags=FLAGS)) == text
