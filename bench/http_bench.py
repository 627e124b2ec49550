"""Load from a second process: wrk for list pages, curl for whole exports.

Both are C programs, so the client costs the 2-core machine as little as it can;
the servers still share those cores with it, which the README states.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass

from servers import RssSampler, Server, cpu_seconds

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    latency_ms: float
    requests: int
    errors: int
    server_cpu_seconds: float

    @property
    def requests_per_cpu_second(self) -> float:
        """Requests per second of the server's own CPU time: steadier on a busy machine."""
        return self.requests / self.server_cpu_seconds if self.server_cpu_seconds else 0.0


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"wrk latency not understood: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(
    server: Server, path: str, *, seconds: int, connections: int, threads: int = 1
) -> WrkResult:
    """One wrk run at a fixed concurrency; non-2xx answers and socket errors are errors."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install -y wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
    for name, value in server.headers.items():
        command += ["-H", f"{name}: {value}"]
    cpu = cpu_seconds(server.pid)
    done = subprocess.run(
        [*command, server.base + path], capture_output=True, text=True, check=True
    )
    cpu = cpu_seconds(server.pid) - cpu
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = _ms(re.search(r"Latency\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    return WrkResult(rate, latency, requests, errors, cpu)


@dataclass(frozen=True)
class Download:
    seconds: float
    first_byte_seconds: float
    server_cpu_seconds: float
    bytes: int
    lines: int
    status: int
    server_rss_before_kib: int
    server_rss_peak_kib: int


def download(server: Server, path: str) -> Download:
    """GET a whole export with curl, counting lines as they arrive; RSS sampled meanwhile."""
    command = ["curl", "--silent", "--show-error", "--no-buffer", "--output", "-"]
    command += ["--write-out", "%{stderr}%{http_code} %{time_starttransfer} %{size_download}"]
    for name, value in server.headers.items():
        command += ["--header", f"{name}: {value}"]
    lines = 0
    with RssSampler(server.pid) as rss:
        cpu = cpu_seconds(server.pid)
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, server.base + path], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None
        while chunk := process.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
        stderr = process.stderr.read().decode() if process.stderr else ""
        process.wait()
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(server.pid) - cpu
    status, first_byte, size = stderr.split()[-3:]
    return Download(
        seconds=seconds,
        first_byte_seconds=float(first_byte),
        server_cpu_seconds=cpu,
        bytes=int(size),
        lines=lines,
        status=int(status),
        server_rss_before_kib=rss.before,
        server_rss_peak_kib=rss.peak,
    )
