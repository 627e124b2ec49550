"""What the benchmark runs against: data sets, the Datasette venv, and the two servers.

Datasets are made with Turnout's own CLI (`turnout demo`), so they are the same
files a user would get. Datasette lives in its own venv (`bench/.venv-datasette`)
and never in Turnout's dependencies.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TURNOUT = ROOT / ".venv" / "bin" / "turnout"
DATASETTE_VENV = BENCH / ".venv-datasette"
# `pip install datasette` runs it on uvicorn with h11 and the stdlib event loop;
# with `fast`, a second venv adds uvloop and httptools, which uvicorn then picks
# itself: the HTTP stack Turnout runs on, so only the applications differ.
DATASETTE_FAST_VENV = BENCH / ".venv-datasette-fast"
FAST_HTTP = ("uvloop", "httptools")
DATA = BENCH / "data"
WORKSPACE = "demo"
# A fixed anchor and seed: the same files on every machine, on every day.
ANCHOR = "2025-06-30"
SEED = "1"
# Datasette's facet suggestions cost ~2 s a page on the 40-column sessions table;
# any real API deployment turns them off, so the comparison does too. The SQL time
# limit is raised so that slow pages count as slow, not as errors, and the CSV size
# cap (100 MB by default, ~316k sessions) is lifted so the whole table is sent.
DATASETTE_SETTINGS = (
    *("suggest_facets", "off"),
    *("sql_time_limit_ms", "60000"),
    *("max_csv_mb", "0"),
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_datasette(fast: bool = False) -> Path:
    home = DATASETTE_FAST_VENV if fast else DATASETTE_VENV
    executable = home / "bin" / "datasette"
    if not executable.exists():
        log(f"creating {home.relative_to(ROOT)} and installing datasette")
        venv.create(home, with_pip=True)
        packages = ["datasette", *(FAST_HTTP if fast else ())]
        subprocess.run([str(home / "bin" / "pip"), "install", "--quiet", *packages], check=True)
    return executable


def datasette_version(fast: bool = False) -> str:
    done = subprocess.run(
        [str(ensure_datasette(fast)), "--version"], capture_output=True, text=True, check=True
    )
    stack = "uvicorn + uvloop + httptools" if fast else "uvicorn + h11 (pip install datasette)"
    return f"{done.stdout.strip()} on {stack}"


@dataclass(frozen=True)
class Dataset:
    label: str
    sessions: int
    path: Path
    key: str
    build_seconds: float | None

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def ensure_dataset(label: str, sessions: int) -> Dataset:
    """`turnout demo --size N` into bench/data/<label>.db, plus a read key for it."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{label}.db"
    env = {**os.environ, "TURNOUT_DATABASE_URL": f"sqlite:///{path}"}
    build_seconds = None
    if not path.exists():
        log(f"building {path.relative_to(ROOT)}: turnout demo --size {sessions}")
        started = time.perf_counter()
        command = [str(TURNOUT), "demo", "--size", str(sessions), "--seed", SEED]
        subprocess.run([*command, "--anchor", ANCHOR], env=env, check=True)
        build_seconds = time.perf_counter() - started
    key_file = path.with_suffix(".bench-key")
    if not key_file.exists():
        command = [str(TURNOUT), "keys", "create", "--workspace", WORKSPACE, "--name", "bench"]
        done = subprocess.run(
            [*command, "--permissions", "sessions:read"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        key_file.write_text(done.stdout.strip() + "\n")
        key_file.chmod(0o600)
    return Dataset(label, sessions, path, key_file.read_text().strip(), build_seconds)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all its threads."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@dataclass
class RssSampler:
    """Peak resident memory of one process while a block runs (sampled every 20 ms)."""

    pid: int
    before: int = 0
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> RssSampler:
        self.before = self.peak = rss_kib(self.pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_kib(self.pid))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib(self.pid))


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    headers: dict[str, str]

    @property
    def pid(self) -> int:
        return self.process.pid


def _wait_ready(url: str, process: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before serving {url}")
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=5) as answer:
                answer.read()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within 60 s")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _start(
    name: str, command: list[str], base: str, probe: str, headers: dict[str, str], logfile: Path
) -> Server:
    port = int(base.rsplit(":", 1)[1])
    if not _free(port):
        raise RuntimeError(f"port {port} is taken: pick others with --port")
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with logfile.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, base, process, headers)
    try:
        _wait_ready(base + probe, process, headers)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def turnout_server(dataset: Dataset, port: int, logdir: Path) -> Iterator[Server]:
    """`turnout serve`: uvicorn, one worker, Turnout's default (info) log level."""
    base = f"http://127.0.0.1:{port}"
    command = [str(TURNOUT), "serve", "--db", dataset.url, "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    headers = {"Authorization": f"Bearer {dataset.key}"}
    server = _start(
        "turnout", command, base, "/v1/sessions?limit=1", headers, logdir / "turnout.log"
    )
    try:
        yield server
    finally:
        stop(server)


@contextmanager
def datasette_server(
    dataset: Dataset, port: int, logdir: Path, fast: bool = False
) -> Iterator[Server]:
    """`datasette serve FILE`: its own uvicorn, one process, default access log."""
    base = f"http://127.0.0.1:{port}"
    command = [str(ensure_datasette(fast)), "serve", str(dataset.path), "-h", "127.0.0.1"]
    command += ["-p", str(port)]
    pairs = DATASETTE_SETTINGS
    for name, value in zip(pairs[::2], pairs[1::2], strict=True):
        command += ["--setting", name, value]
    probe = f"/{dataset.path.stem}/sessions.json?_size=1"
    server = _start("datasette", command, base, probe, {}, logdir / "datasette.log")
    try:
        yield server
    finally:
        stop(server)
