"""Settings, read from the environment (CLI flags override them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
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
        return cls(
            database_url=env.get("TURNOUT_DATABASE_URL", DEFAULT_DATABASE_URL),
            host=env.get("TURNOUT_HOST", "127.0.0.1"),
            port=port,
            log_level=env.get("TURNOUT_LOG_LEVEL", "info").lower(),
            trust_forwarded_for=env.get("TURNOUT_TRUST_FORWARDED_FOR", "") in {"1", "true", "yes"},
            key_cache_seconds=key_cache_seconds,
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
