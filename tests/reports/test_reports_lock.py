"""One report of a type at a time per workspace, across processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.factories import make_key
from turnout.reports.locks import BUSY_MESSAGE

HOLDER = r"""
import sys
from datetime import timedelta
from turnout.db.engine import make_engine
from turnout.reports import locks
locks.EXPIRY_MARGIN = timedelta(seconds=0.5)
engine = make_engine(sys.argv[1])
lease = timedelta(seconds=float(sys.argv[4]))
with locks.one_at_a_time(engine, int(sys.argv[2]), sys.argv[3], hold_for=lease):
    print("locked", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


def _hold(engine, workspace_id: int, name: str, lease: float = 0.5) -> subprocess.Popen[str]:
    """A process holding the lock; on SQLite its lease (how long a dead holder
    blocks others) is `lease` + 0.5 s."""
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, str(workspace_id), name, str(lease)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _close(proc: subprocess.Popen[str]) -> None:
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


@pytest.fixture
def headers(engine, workspace):
    _, key = make_key(engine, workspace, permissions="reports:read")
    return {"Authorization": f"Bearer {key}"}


def test_same_type_waits_other_types_run_and_release_reopens(client, engine, workspace, headers):
    # A lease long enough for a loaded machine: this holder is alive throughout.
    holder = _hold(engine, workspace.id, "report:campaign", lease=60)
    try:
        busy = client.get("/v1/reports/campaign", headers=headers)
        assert busy.status_code == 429
        assert busy.json()["error"]["message"] == BUSY_MESSAGE
        assert busy.json()["error"]["type"] == "too_many_requests"
        assert int(busy.headers["Retry-After"]) >= 1
        assert client.get("/v1/reports/sales", headers=headers).status_code == 200
        # another workspace's campaign report is not affected
        from tests.factories import make_workspace

        other = make_workspace(engine)
        _, other_key = make_key(engine, other, permissions="reports:read")
        response = client.get("/v1/reports/campaign", headers={"X-API-Key": other_key})
        assert response.status_code == 200
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(10) == 0
        _close(holder)
    assert client.get("/v1/reports/campaign", headers=headers).status_code == 200


def test_a_holder_that_dies_releases_the_lock(client, engine, workspace, headers):
    # Long enough to be seen held under load, short enough to expire in the wait below.
    holder = _hold(engine, workspace.id, "report:attendance", lease=3)
    assert client.get("/v1/reports/attendance", headers=headers).status_code == 429
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    _close(holder)
    # PostgreSQL drops the advisory lock with the connection at once; a SQLite lock
    # row is taken over once its expiry passes
    deadline = time.monotonic() + 10
    while True:
        status = client.get("/v1/reports/attendance", headers=headers).status_code
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200
