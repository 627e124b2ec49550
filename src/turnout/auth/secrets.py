"""API key material: `tk_<public id>_<secret>`.

The public id finds the key; only a SHA-256 of the secret is stored. The secret
carries 256 bits of randomness, so a fast hash is enough (no password stretching
needed), and comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

KEY_PREFIX = "tk"
PUBLIC_ID_LENGTH = 12
_PUBLIC_ALPHABET = string.ascii_lowercase + string.digits
_MAX_KEY_LENGTH = 200


def new_public_id() -> str:
    return "".join(secrets.choice(_PUBLIC_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def new_secret() -> str:
    # URL-safe so the key can sit in a path segment (SynthesisVR) or a query string.
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def format_key(public_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}_{public_id}_{secret}"


def split_key(text: str) -> tuple[str, str] | None:
    """(public id, secret) of a well-formed key, else None; never raises."""
    if not text or len(text) > _MAX_KEY_LENGTH:
        return None
    prefix, _, rest = text.partition("_")
    public_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or len(public_id) != PUBLIC_ID_LENGTH or not secret:
        return None
    if not all(c in _PUBLIC_ALPHABET for c in public_id):
        return None
    return public_id, secret
