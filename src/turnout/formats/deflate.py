"""The deflate implementation behind XLSX zip members.

ISA-L (python-isal) at level 1 deflates sheet XML about four times as fast as
zlib's fastest level, with smaller output (bench/README.md, "XLSX"): it was the
largest single cost of an XLSX export. zlib stands in where isal has no wheel;
both produce plain deflate streams that every unzip reads.
"""

from __future__ import annotations

from types import ModuleType

deflate: ModuleType
try:
    from isal import isal_zlib as deflate
except ImportError:  # pragma: no cover - isal is a dependency; this is for odd platforms
    import zlib as deflate

__all__ = ["deflate"]
