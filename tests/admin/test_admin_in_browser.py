"""The admin UI in a real browser: Playwright driving Debian's chromium against uvicorn.

Skipped, with the reason, where chromium or the playwright package is missing;
with TURNOUT_REQUIRE_BROWSER=1 (as CI sets) that is a failure instead. Screenshots
of each page go to $TURNOUT_TEST_ARTIFACTS/admin (default: a folder in the system
temp directory), named for the step they show.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.admin.admin_web import make_admin
from tests.admin.live_server import LiveServer
from tests.factories import make_customer, make_key, make_sale, make_session, make_workspace
from turnout.api.app import create_app
from turnout.config import Settings
from turnout.db import migrate
from turnout.db.engine import make_engine

CHROMIUM_PATHS = ("chromium", "chromium-browser")
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str) -> None:
    if os.environ.get("TURNOUT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} — and TURNOUT_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(reason)


def _chromium() -> str:
    found = next((p for p in map(shutil.which, CHROMIUM_PATHS) if p), None)
    if found is None:
        _unavailable("browser tests skipped: no chromium on PATH (apt-get install chromium)")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def artifacts() -> Path:
    root = Path(
        os.environ.get("TURNOUT_TEST_ARTIFACTS")
        or Path(tempfile.gettempdir()) / "turnout-test-artifacts"
    )
    folder = root / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def world(database_url_factory):
    """A SQLite database with a workspace of sessions and sales, an admin, and a server."""
    url = database_url_factory("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    workspace = make_workspace(engine, slug="a-venue", timezone="Europe/London")
    customer = make_customer(engine, workspace, first_name="Zelda")
    start = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for n in range(1, 13):
        make_session(
            engine,
            workspace,
            people=n,
            customer_id=customer if n == 5 else None,
            start_at=start - timedelta(days=n),
        )
        make_sale(
            engine, workspace, quantity=n, amount=Decimal(n), sold_at=start - timedelta(days=n)
        )
    admin = make_admin(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    with LiveServer(app) as server:
        yield {"engine": engine, "workspace": workspace, "admin": admin, "url": server.url}
    engine.dispose()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("browser tests skipped: the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, world):
    context = browser.new_context(base_url=world["url"], accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, world) -> None:
    page.goto("/admin")
    assert "/admin/signin" in page.url
    page.fill("input[name=email]", world["admin"].email)
    page.fill("input[name=password]", world["admin"].password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/admin")


def test_sign_in_and_create_a_workspace(page, world, artifacts):
    page.goto("/admin")
    page.screenshot(path=artifacts / "01-sign-in.png", full_page=True)
    page.fill("input[name=email]", world["admin"].email)
    page.fill("input[name=password]", "not the password")
    page.click("button:has-text('Sign in')")
    assert page.locator(".error").inner_text() == "wrong email or password"
    sign_in(page, world)
    assert world["admin"].email in page.inner_text("header")
    page.screenshot(path=artifacts / "02-home.png", full_page=True)

    page.goto("/admin/workspaces")
    slug = f"z-{uuid.uuid4().hex[:8]}"
    page.fill("input[name=slug]", slug)
    page.fill("input[name=name]", "<b>Zed</b> Hall")
    page.fill("input[name=timezone]", "Europe/Berlin")
    page.click("button:has-text('Create workspace')")
    assert f"Created workspace {slug}" in page.inner_text(".notice")
    assert "<b>Zed</b> Hall" in page.inner_text("table")  # shown as text, not markup
    page.screenshot(path=artifacts / "03-workspaces.png", full_page=True)
    page.select_option("#workspace-switch", "a-venue")  # auto-submits
    page.wait_for_load_state()
    assert page.locator("#workspace-switch").input_value() == "a-venue"


def test_key_is_shown_once_then_revoked(page, world, artifacts):
    sign_in(page, world)
    page.goto("/admin/keys")
    page.fill("input[name=name]", "browser test key")
    page.check("input[value='sessions:read']")
    page.check("input[value='reports:read']")
    page.click("button:has-text('Generate key')")
    key = page.input_value("#new-key-secret")
    assert key.startswith("tk_")
    page.click("button[data-copy='#new-key-secret']")
    # The label changes when the clipboard's promise settles, not at the click.
    page.wait_for_function(
        "document.querySelector(\"button[data-copy='#new-key-secret']\").textContent === 'Copied'"
    )
    page.screenshot(path=artifacts / "04-key-shown-once.png", full_page=True)
    assert page.url.endswith("/admin/keys")  # history entry replaced: reload is a GET
    me = httpx.get(f"{world['url']}/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["workspace"]["slug"] == "a-venue"

    page.reload()
    assert page.locator("#new-key-secret").count() == 0
    assert key.split("_", 2)[2] not in page.content()
    public_id = key.split("_")[1]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"tr:has-text('{public_id}') button:has-text('Revoke')")
    assert "is revoked" in page.inner_text(".notice")
    page.screenshot(path=artifacts / "05-key-revoked.png", full_page=True)
    me = httpx.get(f"{world['url']}/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 401


def test_define_a_profile_field(page, world, artifacts):
    sign_in(page, world)
    page.goto("/admin/fields")
    name = f"fav_{uuid.uuid4().hex[:6]}"
    page.fill("input[name=name]", name)
    page.fill("input[name=label]", "<script>alert('x')</script>")
    page.select_option("select[name=type]", "integer")
    page.click("button:has-text('Define field')")
    row = page.locator(f"tr:has-text('{name}')")
    assert "integer" in row.inner_text() and "<script>alert('x')</script>" in row.inner_text()
    page.screenshot(path=artifacts / "06-profile-fields.png", full_page=True)


def test_filter_sessions_and_download_csv(page, world, artifacts, tmp_path):
    sign_in(page, world)
    page.goto("/admin/browse/sessions")
    page.select_option("select[name=add_field]", "people")
    page.select_option("select[name=add_op]", "gte")
    page.fill("input[name=add_value]", "9")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**people%5Bgte%5D=9**")
    assert page.locator("table.data tbody tr").count() == 4
    assert "people ≥ 9" in page.inner_text(".chips")
    page.click("th a:has-text('people')")  # sort by the column
    page.wait_for_url("**sort=people**")
    first_cells = page.locator("table.data tbody tr td:first-child").all_inner_texts()
    page.screenshot(path=artifacts / "07-sessions-filtered.png", full_page=True)

    with page.expect_download() as download:
        page.click("a.button:has-text('CSV')")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    _, key = make_key(world["engine"], world["workspace"], permissions="sessions:read")
    api = httpx.get(
        f"{world['url']}/v1/sessions",
        params={"people[gte]": "9", "sort": "people"},
        headers={"X-API-Key": key},
    ).json()["data"]
    assert [r["id"] for r in rows] == [str(item["id"]) for item in api] == first_cells
    assert [r["people"] for r in rows] == ["9", "10", "11", "12"]


def test_report_chart(page, world, artifacts):
    sign_in(page, world)
    page.goto("/admin/reports")
    page.click("a.card[href='/admin/reports/sales']")
    page.select_option("select[name=bucket]", "day")
    page.select_option("select[name=chart]", "bar")
    page.click("button:has-text('Run report')")
    page.wait_for_url("**group_by=day**")
    assert page.locator("figure.chart svg rect").count() >= 10
    page.screenshot(path=artifacts / "08-report-chart.png", full_page=True)


def test_pages_fit_a_phone(browser, world, artifacts):
    context = browser.new_context(base_url=world["url"], viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    try:
        sign_in(phone, world)
        for name, path in [
            ("home", "/admin"),
            ("sessions", "/admin/browse/sessions"),
            ("keys", "/admin/keys"),
        ]:
            phone.goto(path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
            phone.screenshot(path=artifacts / f"09-phone-{name}.png", full_page=True)
    finally:
        context.close()
