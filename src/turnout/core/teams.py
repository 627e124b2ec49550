"""Team numbers and their letters: A=0 … Z=25, AA=26 … AZ=51, BA=52 … BZ=77.

Virbela names teams by letters; Turnout stores the number and shows both.
"""

from __future__ import annotations

import string

from turnout.core.errors import InvalidParameter

_LETTERS = string.ascii_uppercase
MAX_TEAM = 77  # BZ


def team_letters(number: int) -> str:
    if not 0 <= number <= MAX_TEAM:
        raise ValueError(f"team number {number} is outside 0..{MAX_TEAM}")
    if number < 26:
        return _LETTERS[number]
    first, second = divmod(number - 26, 26)
    return _LETTERS[first] + _LETTERS[second]


def parse_team(value: str | int, *, field: str = "team") -> int:
    """A team as letters (A-Z, AA-AZ, BA-BZ, capitals only) or its number."""
    if isinstance(value, bool):
        raise _bad(field, value)
    if isinstance(value, int):
        if 0 <= value <= MAX_TEAM:
            return value
        raise _bad(field, value)
    text = value.strip()
    if text.isdigit():
        return parse_team(int(text), field=field)
    if len(text) == 1 and text in _LETTERS:
        return _LETTERS.index(text)
    if len(text) == 2 and text[0] in "AB" and text[1] in _LETTERS:
        return 26 + _LETTERS.index(text[0]) * 26 + _LETTERS.index(text[1])
    raise _bad(field, value)


def _bad(field: str, value: object) -> InvalidParameter:
    return InvalidParameter.for_field(
        field,
        "team",
        f"{field} must be team letters A-Z, AA-AZ or BA-BZ (or 0-{MAX_TEAM}), not {value!r}",
    )
