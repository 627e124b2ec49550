"""The one search language behind every ``q=`` (and SynthesisVR's SEARCH CRITERIA).

A query is whitespace-separated terms::

    smith  "John Smith"  date>=2019-07-01  name:"John Smith"  upcoming

Each term is free text (a bare word or a "quoted phrase"), a field term
(``key`` + operator + value), or a flag (a bare word the caller declared as one).
This module only turns text into terms and back; the query engine decides what
keys and flags mean for a resource, so it can reject unknown ones in its own words.

Grammar decisions beyond the obvious:

* A ``"`` opens a quoted string only at the start of a term or right after a
  field operator; elsewhere it is an ordinary character (``O"Brien`` is one word).
* Inside quotes, ``\\"`` and ``\\\\`` are escapes; any other backslash is literal,
  so ``"C:\\path"`` means what it looks like.
* A closing quote ends the term even when no whitespace follows (``"a"b`` is two terms).
* Operators are matched longest first: ``a>=5`` is ``>=`` with value ``5``;
  ``a=>5`` is ``=`` with value ``>5``.
* ``key:""`` is allowed and means an explicitly empty value; only a *missing*
  value (``key:`` followed by whitespace or the end) is an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args

from turnout.core.errors import FieldProblem, InvalidParameter

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "FieldTerm",
    "Flag",
    "Operator",
    "SearchSyntaxError",
    "Term",
    "Text",
    "like_pattern",
    "parse",
    "unparse",
]

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 50

Operator = Literal[":", "=", ">", "<", ">=", "<=", "!="]
OPERATORS: frozenset[str] = frozenset(get_args(Operator))


@dataclass(frozen=True, slots=True)
class Text:
    value: str
    quoted: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class FieldTerm:
    key: str
    op: Operator
    value: str
    quoted: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    position: int = 0


Term = Text | FieldTerm | Flag


class SearchSyntaxError(InvalidParameter):
    """A ``q=`` that cannot be tokenised; ``position`` is where the bad term starts."""

    # Keyword-only position keeps the inherited (message, problems) signature, so
    # ``for_field`` and pickling of the base class still work.
    def __init__(
        self, message: str, problems: list[FieldProblem] | None = None, *, position: int = 0
    ) -> None:
        super().__init__(message, problems if problems is not None else [])
        self.position = position


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
# Two-character operators first, so ``>=`` is never read as ``>`` plus a value ``=...``.
_KEY_OP = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)(>=|<=|!=|[:=<>])")
# The alternatives cannot both match at one place, so a missing close quote costs
# linear time, not exponential backtracking.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_UNESCAPE = re.compile(r'\\(["\\])')
_EXCERPT = 40


def _fail(q: str, field: str, rule: str, what: str, start: int, end: int) -> SearchSyntaxError:
    raw = q[start:end]
    if len(raw) > _EXCERPT:
        raw = raw[:_EXCERPT] + "…"
    # A raw NUL in a message breaks log lines and some database drivers.
    raw = raw.replace("\0", "\\0")
    message = f"{field}: {what} in term starting at position {start}: {raw}"
    return SearchSyntaxError(message, [FieldProblem(field, rule, message)], position=start)


def _word_end(q: str, i: int) -> int:
    n = len(q)
    while i < n and not q[i].isspace():
        i += 1
    return i


def parse(q: str, *, flags: Collection[str] = (), field: str = "q") -> list[Term]:
    """Split ``q`` into terms; raise `SearchSyntaxError` naming the first bad term."""
    if len(q) > MAX_QUERY_LENGTH:
        # Refuse before scanning anything, so a huge input costs nothing.
        message = (
            f"{field}: query is {len(q)} characters long; at most {MAX_QUERY_LENGTH} are allowed"
        )
        raise SearchSyntaxError(
            message, [FieldProblem(field, "max_length", message)], position=MAX_QUERY_LENGTH
        )
    if isinstance(flags, str):  # a lone flag name would otherwise become its letters
        flags = (flags,)
    flag_names = {f.lower() for f in flags}
    terms: list[Term] = []
    n = len(q)
    i = 0
    while True:
        while i < n and q[i].isspace():
            i += 1
        if i >= n:
            return terms
        start = i
        if len(terms) == MAX_TERMS:
            raise _fail(
                q, field, "max_terms", f"more than {MAX_TERMS} terms", start, _word_end(q, i)
            )

        key_op = _KEY_OP.match(q, i)
        value_at = key_op.end() if key_op else i
        if value_at < n and q[value_at] == '"':
            m = _QUOTED.match(q, value_at)
            end = m.end() if m else n
            if "\0" in q[start:end]:
                raise _fail(q, field, "invalid_character", "NUL character", start, end)
            if m is None:
                raise _fail(q, field, "unterminated_quote", "unterminated quote", start, n)
            value, quoted, i = _UNESCAPE.sub(r"\1", m.group(1)), True, end
        else:
            end = _word_end(q, value_at)
            if "\0" in q[start:end]:
                raise _fail(q, field, "invalid_character", "NUL character", start, end)
            value, quoted, i = q[value_at:end], False, end

        if key_op:
            if not quoted and not value:
                raise _fail(q, field, "missing_value", "missing value", start, end)
            key, op = key_op.groups()
            terms.append(FieldTerm(key, cast(Operator, op), value, quoted, start))
        elif not quoted and value.lower() in flag_names:
            terms.append(Flag(value.lower(), start))
        else:
            terms.append(Text(value, quoted, start))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bare_ok(value: str) -> bool:
    """Would ``value`` survive as an unquoted word (leaving aside what it means)?"""
    return (
        value != ""
        and value[0] != '"'
        and not any(c.isspace() for c in value)
        and _KEY_OP.match(value) is None
    )


def unparse(terms: Iterable[Term], *, flags: Collection[str] = ()) -> str:
    """Canonical text for ``terms`` that `parse` reads back to equal terms.

    Values are quoted only when they must be (or were quoted). Free text that equals
    a flag name is quoted so it stays text; the flag names are those of the `Flag`
    terms given plus ``flags``. Raises ``ValueError`` for a term no query can express
    (NUL, a bad key or operator, a flag name that is not a plain word).
    """
    terms = list(terms)
    flag_names = {f.lower() for f in flags} | {t.name.lower() for t in terms if isinstance(t, Flag)}
    out: list[str] = []
    for term in terms:
        if isinstance(term, Flag):
            if "\0" in term.name or not _bare_ok(term.name):
                raise ValueError(f"flag name cannot be written as a plain word: {term.name!r}")
            out.append(term.name)
            continue
        if "\0" in term.value:
            raise ValueError("a search value cannot contain a NUL character")
        if isinstance(term, Text):
            plain = (
                not term.quoted and _bare_ok(term.value) and term.value.lower() not in flag_names
            )
            out.append(term.value if plain else _quote(term.value))
            continue
        if not _KEY.fullmatch(term.key):
            raise ValueError(f"invalid search key: {term.key!r}")
        if term.op not in OPERATORS:
            raise ValueError(f"invalid search operator: {term.op!r}")
        value = term.value
        # ``a>`` + ``=5`` would be read back as ``a>=`` + ``5``.
        plain = (
            not term.quoted
            and value != ""
            and value[0] != '"'
            and not any(c.isspace() for c in value)
            and not (term.op in (">", "<") and value[0] == "=")
        )
        out.append(f"{term.key}{term.op}{value if plain else _quote(value)}")
    return " ".join(out)


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` anywhere, taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
