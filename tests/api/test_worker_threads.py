"""The server's worker threads: a few per core, not anyio's 40 (see config.py)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import anyio
import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from turnout.api.app import create_app, lifespan
from turnout.config import MAX_WORKER_THREADS, Settings, default_worker_threads


def test_default_is_a_few_threads_per_core() -> None:
    assert 2 <= default_worker_threads() <= 8
    assert Settings().worker_threads == default_worker_threads()
    assert Settings.from_env({}).worker_threads == default_worker_threads()
    assert Settings.from_env({"TURNOUT_WORKER_THREADS": "5"}).worker_threads == 5


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", str(MAX_WORKER_THREADS + 1)])
def test_setting_is_validated(text: str) -> None:
    with pytest.raises(ValueError, match="TURNOUT_WORKER_THREADS"):
        Settings.from_env({"TURNOUT_WORKER_THREADS": text})


def test_lifespan_sizes_the_thread_limiter(engine) -> None:
    app = create_app(Settings(database_url=str(engine.url), worker_threads=3), engine=engine)

    async def check() -> float:
        async with lifespan(app):
            return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(check) == 3


def test_requests_run_on_no_more_threads_than_configured(engine, workspace) -> None:
    from tests.factories import make_key

    app = create_app(Settings(database_url=str(engine.url), worker_threads=2), engine=engine)
    _, key = make_key(engine, workspace, permissions=["sessions:read"])
    seen: set[int] = set()
    original = app.state.engine.connect

    def connect(*args, **kwargs):
        seen.add(threading.get_ident())
        time.sleep(0.05)  # so that concurrent requests would need more threads
        return original(*args, **kwargs)

    app.state.engine.connect = connect  # type: ignore[method-assign]
    try:
        with TestClient(app) as client, ThreadPoolExecutor(8) as pool:
            get = partial(client.get, "/v1/sessions", headers={"X-API-Key": key})
            answers = list(pool.map(lambda _: get(), range(16)))
        assert all(answer.status_code == 200 for answer in answers)
    finally:
        del app.state.engine.connect
    assert 1 <= len(seen) <= 2
