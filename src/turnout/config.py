"""Settings, read from the environment (CLI flags override them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///./turnout.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    # Behind a proxy, trust X-Forwarded-For for allowed-IP checks only when asked to.
    trust_forwarded_for: bool = False
    # How long a verified key's row may be reused before it is read again (0: never).
    key_cache_seconds: float = 1.0
    # Threads that run blocking work (queries, export chunks) for one server process.
    worker_threads: int = field(default_factory=lambda: default_worker_threads())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        port_text = env.get("TURNOUT_PORT", "8000")
        try:
            port = int(port_text)
        except ValueError:
            raise ValueError(f"TURNOUT_PORT must be a whole number, not {port_text!r}") from None
        cache_text = env.get("TURNOUT_KEY_CACHE_SECONDS", "1")
        try:
            key_cache_seconds = float(cache_text)
        except ValueError:
            key_cache_seconds = -1.0
        if not 0 <= key_cache_seconds <= 60:
            raise ValueError(
                f"TURNOUT_KEY_CACHE_SECONDS must be a number of seconds from 0 to 60, "
                f"not {cache_text!r}"
            )
        threads_text = env.get("TURNOUT_WORKER_THREADS", "")
        worker_threads = default_worker_threads()
        if threads_text:
            worker_threads = int(threads_text) if threads_text.isdigit() else 0
            if not 1 <= worker_threads <= MAX_WORKER_THREADS:
                raise ValueError(
                    f"TURNOUT_WORKER_THREADS must be a whole number from 1 to "
                    f"{MAX_WORKER_THREADS}, not {threads_text!r}"
                )
        return cls(
            database_url=env.get("TURNOUT_DATABASE_URL", DEFAULT_DATABASE_URL),
            host=env.get("TURNOUT_HOST", "127.0.0.1"),
            port=port,
            log_level=env.get("TURNOUT_LOG_LEVEL", "info").lower(),
            trust_forwarded_for=env.get("TURNOUT_TRUST_FORWARDED_FOR", "") in {"1", "true", "yes"},
            key_cache_seconds=key_cache_seconds,
            worker_threads=worker_threads,
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


MAX_WORKER_THREADS = 64


def default_worker_threads() -> int:
    """One worker thread per usable core, at least 2 and at most 8.

    A thread beyond that cannot run Python (one GIL per process) and only adds GIL
    hand-offs: measured on 2 cores with 8 concurrent list requests, the default
    40 threads of anyio served 100-110 requests per CPU-second, 2 threads 155-166
    (bench/README.md, "Worker threads"). Two keep one long query from holding up
    every other request.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    return max(2, min(8, cores))
