"""Writing chunk N while chunk N+1 is read and validated.

On PostgreSQL most of a chunk's write is the server's work: COPY parses and stores
the rows and updates the indexes in the server's own process, while this process
waits on the socket with the GIL released. On SQLite the rows go in 500 to a
statement (`writers/sqlite.py`), and `sqlite3` runs each statement's step without
the GIL. Done on a thread, that work overlaps the reading and validation of the
next chunk, which need no database. (With executemany, `sqlite3` took the GIL back
after each row's step, and a writing thread and a validating one took turns row by
row: SQLite's writes stayed inline until they went many rows a statement.)

The connection is used by one thread at a time: the importer waits for the
previous write (`wait`) before it queries again, and a write's error is raised
there, in the importer's thread, as if the write had run inline.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any


class WriteBehind:
    """At most one write in flight; inline when not `enabled`."""

    def __init__(self, enabled: bool) -> None:
        self._pool = (
            ThreadPoolExecutor(1, thread_name_prefix="turnout-import-write") if enabled else None
        )
        self._pending: Future[None] | None = None

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        self.wait()
        if self._pool is None:
            write(*args)
        else:
            self._pending = self._pool.submit(write, *args)

    def wait(self) -> None:
        """Block until the write in flight is done; raise its error, if it had one."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # The transaction must not roll back under a write still running; when the
        # batch is failing already, that error is the one to report.
        try:
            if kind is None:
                self.wait()
            elif self._pending is not None:
                self._pending.exception()
                self._pending = None
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
