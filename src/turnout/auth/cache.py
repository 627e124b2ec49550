"""Verified key rows remembered for a moment, so most requests need no key lookup.

A list page costs about 3 ms of CPU, and looking its key up took a fifth of it plus
a hop to a worker thread. A hit here still checks the presented secret (SHA-256,
constant-time), the key's expiry, revocation time and allowed IPs on every request;
only the row is reused, for at most `ttl` seconds. Revoking or replacing a key
forgets it at once in this process; other server processes stop accepting it within
`ttl` (documented in docs/operations.md). Unknown public ids are never remembered.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from turnout.auth.keys import StoredKey

DEFAULT_TTL_SECONDS = 1.0
MAX_ENTRIES = 10_000

_ALL: weakref.WeakSet[KeyCache] = weakref.WeakSet()


class KeyCache:
    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        # public id -> (monotonic time loaded, row); plain dict operations are atomic
        # under the GIL, and both the event loop and worker threads use it.
        self._entries: dict[str, tuple[float, StoredKey]] = {}
        _ALL.add(self)

    def get(self, public_id: str) -> StoredKey | None:
        entry = self._entries.get(public_id)
        if entry is None:
            return None
        loaded, stored = entry
        if time.monotonic() - loaded >= self.ttl:
            self._entries.pop(public_id, None)
            return None
        return stored

    def put(self, public_id: str, stored: StoredKey) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[public_id] = (time.monotonic(), stored)

    def note_use(self, public_id: str, when: datetime) -> None:
        """After a last-used update, so the next hits don't ask for another."""
        entry = self._entries.get(public_id)
        if entry is not None:
            loaded, stored = entry
            principal = replace(stored.principal, last_used_at=when)
            self._entries[public_id] = (loaded, replace(stored, principal=principal))

    def forget(self, public_ids: Iterable[str]) -> None:
        for public_id in public_ids:
            self._entries.pop(public_id, None)


def forget_everywhere(public_ids: Iterable[str]) -> None:
    """Called by whatever revokes keys, before its transaction commits: a request
    racing the commit may load the old row again, which `ttl` then bounds."""
    ids = list(public_ids)
    for cache in list(_ALL):
        cache.forget(ids)
