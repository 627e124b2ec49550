"""The one-at-a-time lock between two real server processes on one database.

Two `turnout serve` processes listen on free ports. In the first, the campaign
report waits (after it took its lock) until the test opens a gate file; meanwhile
the same report on the second server gets 429 with the message and a Retry-After,
another report type runs there, and once the first finishes the second serves the
campaign report too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.factories import make_key
from turnout.reports.locks import BUSY_MESSAGE

SERVER = r"""
import os, sys, time
from dataclasses import replace
from pathlib import Path

gate = os.environ.get("SLOW_CAMPAIGN_GATE")
if gate:
    from turnout import reports

    original = reports.BY_NAME["campaign"]

    def slow(conn, request, deadline):
        Path(gate + ".entered").touch()  # the report lock is held by now
        until = time.monotonic() + 60
        while not Path(gate).exists() and time.monotonic() < until:
            time.sleep(0.05)
        return original.compute(conn, request, deadline)

    reports.BY_NAME["campaign"] = replace(original, compute=slow)

from turnout.cli.main import app

app(["serve", "--db", sys.argv[1], "--port", sys.argv[2], "--log-level", "warning"])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(url: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, url, str(port)],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code < 500:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_two_servers_share_the_report_lock(engine, workspace, tmp_path):
    _, key = make_key(engine, workspace, permissions="reports:read")
    headers = {"Authorization": f"Bearer {key}"}
    url = engine.url.render_as_string(hide_password=False)
    gate = tmp_path / "gate"
    slow, slow_base = _start(url, {"SLOW_CAMPAIGN_GATE": str(gate)}, tmp_path / "a.log")
    try:
        other, other_base = _start(url, {}, tmp_path / "b.log")
        try:
            answers: list[httpx.Response] = []
            first = threading.Thread(
                target=lambda: answers.append(
                    httpx.get(f"{slow_base}/v1/reports/campaign", headers=headers, timeout=90)
                )
            )
            first.start()
            try:
                _wait_for(Path(f"{gate}.entered"))
                busy = httpx.get(f"{other_base}/v1/reports/campaign", headers=headers)
                assert busy.status_code == 429, busy.text
                assert busy.json()["error"]["message"] == BUSY_MESSAGE
                assert int(busy.headers["Retry-After"]) >= 1
                sales = httpx.get(f"{other_base}/v1/reports/sales", headers=headers)
                assert sales.status_code == 200, sales.text
            finally:
                gate.touch()
                first.join(60)
            assert [a.status_code for a in answers] == [200], [a.text for a in answers]
            again = httpx.get(f"{other_base}/v1/reports/campaign", headers=headers)
            assert again.status_code == 200, again.text
        finally:
            _stop(other)
    finally:
        _stop(slow)
