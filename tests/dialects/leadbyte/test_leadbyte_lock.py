"""One report of a type at a time per account: in-process, and against a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.dialects.leadbyte.leadbyte_data import BASE, JULY, reports_key, seed_example, seed_row
from tests.factories import make_workspace
from turnout.reports.locks import BUSY_MESSAGE, one_at_a_time

BUSY = {
    "status": "Error",
    "message": BUSY_MESSAGE,
    "errors": [{"field": "report", "rule": "one_at_a_time", "message": BUSY_MESSAGE}],
}


def assert_busy(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json() == BUSY
    assert int(response.headers["Retry-After"]) >= 1


def test_a_running_campaign_report_makes_the_next_one_wait(client, engine, workspace):
    campaign = seed_example(engine, workspace)
    key = reports_key(engine, workspace)
    url = f"{BASE}/campaign?key={key}&{JULY}"
    with one_at_a_time(engine, workspace.id, "report:campaign", hold_for=timedelta(seconds=30)):
        assert_busy(client.get(url))
        # the native campaign report is the same report: it waits too
        native = client.get(f"/v1/reports/campaign?{JULY}", headers={"X-API-Key": key})
        assert native.status_code == 429
        # another type runs meanwhile
        supplier = client.get(f"{BASE}/supplier?key={key}&{JULY}")
        assert supplier.status_code == 200 and supplier.json()["status"] == "Success"
        # and so does the same type in another account
        other = make_workspace(engine)
        assert client.get(f"{BASE}/campaign?key={reports_key(engine, other)}").status_code == 200
    assert client.get(url).json()["data"] == [seed_row(campaign)]


def test_a_running_supplier_report_does_not_block_campaigns(client, engine, workspace):
    key = reports_key(engine, workspace)
    with one_at_a_time(engine, workspace.id, "report:supplier", hold_for=timedelta(seconds=30)):
        assert_busy(client.get(f"{BASE}/supplier?key={key}&datePreset=today"))
        assert client.get(f"{BASE}/campaign?key={key}&datePreset=today").status_code == 200


# A real server whose campaign-grouped runs wait at a gate (a file) once they hold
# the lock, so a test can send a second request while the first is in flight.
SERVER = r"""
import sys
import time
from pathlib import Path

import uvicorn

from turnout.reports import campaign

url, port, gate = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
original = campaign.REPORT.compute


def gated(conn, request, deadline):
    if request.group_by == ("campaign",):
        (gate / "started").touch()
        give_up = time.monotonic() + 60
        while not (gate / "release").exists() and time.monotonic() < give_up:
            time.sleep(0.02)
    return original(conn, request, deadline)


# before the dialects import the report (the supplier type copies it)
object.__setattr__(campaign.REPORT, "compute", gated)

from turnout.api.app import create_app  # noqa: E402
from turnout.config import Settings  # noqa: E402

uvicorn.run(create_app(Settings(database_url=url)), host="127.0.0.1", port=port,
            log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(check, what: str, seconds: float = 30) -> None:
    give_up = time.monotonic() + seconds
    while not check():
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def server(engine, tmp_path: Path):
    port = _free_port()
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(port), str(tmp_path)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, "the server exited"
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait_for(up, "the server to start")
        yield base, tmp_path
    finally:
        (tmp_path / "release").touch()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_two_concurrent_campaign_reports_against_a_real_server(server, engine, workspace):
    base, gate = server
    campaign = seed_example(engine, workspace)
    key = reports_key(engine, workspace)
    url = f"{base}{BASE}/campaign?key={key}&campaignId={campaign}&{JULY}"
    first: dict[str, httpx.Response] = {}

    def run_first() -> None:
        first["response"] = httpx.get(url, timeout=60)

    thread = threading.Thread(target=run_first)
    thread.start()
    try:
        _wait_for((gate / "started").exists, "the first report to start")
        # the same type, while the first is still running: refused at once
        assert_busy(httpx.get(url, timeout=10))
        # another type runs meanwhile, on the same data
        supplier = httpx.get(f"{base}{BASE}/supplier?key={key}&{JULY}", timeout=30)
        assert supplier.status_code == 200, supplier.text
        assert [row["leads"] for row in supplier.json()["data"]] == [82]
        assert thread.is_alive()
    finally:
        (gate / "release").touch()
        thread.join(60)
    assert first["response"].status_code == 200
    assert first["response"].json() == {
        "status": "Success",
        "message": "OK",
        "data": [seed_row(campaign)],
    }
    # once it has finished, the next one runs
    again = httpx.get(url, timeout=30)
    assert again.status_code == 200 and again.json()["data"] == [seed_row(campaign)]
