"""Admin passwords: argon2id hashes (argon2-cffi's defaults), never stored in clear."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from turnout.core.errors import InvalidParameter

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
HASHER = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = HASHER.hash("turnout-no-such-admin")


def check_password_rules(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter.for_field(
            "password",
            "min_length",
            f"password must be at least {MIN_PASSWORD_LENGTH} characters long",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidParameter.for_field(
            "password", "max_length", f"password is limited to {MAX_PASSWORD_LENGTH} characters"
        )
    return password


def hash_password(password: str) -> str:
    return HASHER.hash(check_password_rules(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing or damaged hash is simply no match."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
