"""Find a PostgreSQL server for the tests, or start a throwaway one.

Order: TURNOUT_TEST_POSTGRES_URL (CI sets it); else a private cluster made with the
installed PostgreSQL binaries in a temporary folder; else None (tests skip, with
the reason, unless TURNOUT_REQUIRE_POSTGRES=1, when they fail instead).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    candidates += sorted(glob.glob(f"/usr/local/pgsql/bin/{name}"))
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Yield a URL to a fresh PostgreSQL cluster that is removed afterwards."""
    initdb, pg_ctl = _find_bin("initdb"), _find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) are installed")
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="turnout-pg-"))
    if os.geteuid() == 0:
        # initdb refuses to run as root; use the postgres account when there is one.
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no 'postgres' user") from None
        runuser = shutil.which("runuser")
        if not runuser:
            raise RuntimeError("running as root and 'runuser' is missing")
        run_as = [runuser, "-u", "postgres", "--"]
        os.chown(folder, account.pw_uid, account.pw_gid)
    data = folder / "data"
    port = _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run([*run_as, initdb, "-D", str(data), "-U", "postgres", "-A", "trust"], **quiet)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start"],
        **quiet,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(url: str, seconds: float = 10) -> None:
    import sqlalchemy as sa

    deadline = time.monotonic() + seconds
    engine = sa.create_engine(url)
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()
