"""The data browser: filters, search, windows, sort, keyset paging and exports."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from tests.factories import make_customer, make_key, make_session, make_workspace
from turnout.core.clock import utcnow
from turnout.core.resources import REGISTRY


def ids_on(page: str) -> list[int]:
    """The id column of the browser's table (the first cell of each body row)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(m) for m in re.findall(r"<tr><td[^>]*>(\d+)</td>", body)]


def link(page: str, rel: str) -> str | None:
    match = re.search(rf'href="([^"]+)" rel="{rel}"', page)
    return html.unescape(match[1]) if match else None


@pytest.fixture
def sessions_world(engine, workspace):
    """Ten sessions: people 1..10, alternating channels, one a day from 1 May 2024."""
    customer = make_customer(engine, workspace, first_name="Zelda", last_name="Quill")
    made = []
    for n in range(1, 11):
        made.append(
            make_session(
                engine,
                workspace,
                people=n,
                channel="online" if n % 2 else "on-site",
                start_at=datetime(2024, 5, n, 10, 0, tzinfo=UTC),
                customer_id=customer if n == 7 else None,
                code=f"CODE{n:02d}",
            )
        )
    return made


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_resource_has_a_browser_page(admin_client, name):
    page = admin_client.get(f"/admin/browse/{name}")
    assert page.status_code == 200, page.text
    assert f"<h1>{name} " in page.text


def test_default_page_is_the_resources_default_sort(admin_client, sessions_world):
    page = admin_client.get("/admin/browse/sessions").text
    assert ids_on(page) == list(reversed(sessions_world))  # -start_at


def test_filters_search_and_window(admin_client, sessions_world):
    get = admin_client.get
    assert ids_on(get("/admin/browse/sessions?people[gte]=8").text) == sessions_world[7:][::-1]
    online = ids_on(get("/admin/browse/sessions?channel=online&sort=id").text)
    assert online == sessions_world[0::2]
    assert ids_on(get("/admin/browse/sessions?q=Zelda").text) == [sessions_world[6]]
    assert ids_on(get("/admin/browse/sessions?q=people>9").text) == [sessions_world[9]]
    window = "/admin/browse/sessions?from=2024-05-03&to=2024-05-04&sort=id"
    assert ids_on(get(window).text) == sessions_world[2:4]
    # Empty form fields mean "not given".
    assert len(ids_on(get("/admin/browse/sessions?q=&preset=&from=&to=").text)) == 10


def test_active_filters_show_as_removable_chips(admin_client, sessions_world):
    page = admin_client.get("/admin/browse/sessions?people[gte]=8&channel=online").text
    assert "people ≥ 8" in page and "channel = online" in page
    remove = html.unescape(re.search(r'href="([^"]+)" aria-label="Remove filter people', page)[1])
    assert remove == "/admin/browse/sessions?channel=online"


def test_add_filter_row_redirects_to_the_filter(admin_client, sessions_world):
    response = admin_client.get(
        "/admin/browse/sessions?q=&add_field=people&add_op=lt&add_value=3",
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/browse/sessions?people%5Blt%5D=3"
    page = admin_client.get(response.headers["location"]).text
    assert sorted(ids_on(page)) == sessions_world[:2]


def test_sort_by_column_header(admin_client, sessions_world):
    page = admin_client.get("/admin/browse/sessions?sort=people").text
    assert ids_on(page) == sessions_world
    header = html.unescape(re.search(r'<a href="([^"]+)">people ▲</a>', page)[1])
    assert header == "/admin/browse/sessions?sort=-people"
    assert ids_on(admin_client.get(header).text) == sessions_world[::-1]


def test_keyset_next_and_previous(admin_client, sessions_world):
    first = admin_client.get("/admin/browse/sessions?sort=id&limit=25").text
    assert ids_on(first) == sessions_world
    page1 = admin_client.get("/admin/browse/sessions?sort=id&limit=4&people[gte]=1").text
    assert link(page1, "prev") is None
    seen = [ids_on(page1)]
    page = page1
    urls = []
    while (next_url := link(page, "next")) is not None:
        urls.append(next_url)
        page = admin_client.get(next_url).text
        seen.append(ids_on(page))
    assert seen == [sessions_world[0:4], sessions_world[4:8], sessions_world[8:10]]
    assert "Page 3" in page
    back = link(page, "prev")
    assert ids_on(admin_client.get(back).text) == sessions_world[4:8]
    assert (
        ids_on(admin_client.get(link(admin_client.get(back).text, "prev")).text)
        == (sessions_world[0:4])
    )


def test_bad_parameters_show_a_message_not_a_crash(admin_client, sessions_world):
    for query, message in [
        ("people[gte]=many", "people[gte]: must be a whole number"),
        ("sort=nope", "sessions has no field 'nope'"),
        ("preset=someday", "preset"),
        ("q=nofield:1", "unknown key 'nofield'"),
        ("cursor=garbage", "cursor is not valid"),
    ]:
        page = admin_client.get(f"/admin/browse/sessions?{query}")
        assert page.status_code == 400, query
        assert message in html.unescape(page.text), (query, page.text[-800:])


def test_html_in_values_is_escaped(admin_client, engine, workspace):
    make_customer(engine, workspace, first_name="<script>alert(1)</script>")
    page = admin_client.get("/admin/browse/customers").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_selected_workspace_is_shown(admin_client, engine, sessions_world):
    other = make_workspace(engine)
    theirs = make_session(engine, other, people=99)
    page = admin_client.get("/admin/browse/sessions?limit=500").text
    assert theirs not in ids_on(page) and len(ids_on(page)) == 10


def _api(client, engine, workspace, query: str) -> list[dict]:
    _, key = make_key(engine, workspace)
    got = client.get(f"/v1/sessions?{query}&format=ndjson", headers={"X-API-Key": key})
    return [json.loads(line) for line in got.text.splitlines()]


def test_csv_export_streams_the_whole_filtered_result(
    admin_client, engine, workspace, sessions_world
):
    page = admin_client.get("/admin/browse/sessions?people[gte]=3&limit=2&sort=id").text
    href = html.unescape(re.search(r'href="([^"]+)" download>CSV', page)[1])
    assert "limit" not in href and "cursor" not in href
    response = admin_client.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{workspace.slug}-sessions-' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = _api(admin_client, engine, workspace, "people[gte]=3&sort=id")
    assert [int(r["id"]) for r in rows] == sessions_world[2:] == [e["id"] for e in expected]
    assert [r["uuid"] for r in rows] == [e["uuid"] for e in expected]


def test_ndjson_and_xlsx_exports(admin_client, engine, workspace, sessions_world):
    ndjson = admin_client.get("/admin/browse/sessions/export?format=ndjson&channel=online&sort=id")
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line)["id"] for line in ndjson.text.splitlines()] == sessions_world[0::2]
    xlsx = admin_client.get("/admin/browse/sessions/export?format=xlsx&sort=id")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    assert values[0][0] == "id" and [row[0] for row in values[1:]] == sessions_world


def test_export_refuses_unknown_formats_and_bad_filters(admin_client, sessions_world):
    assert admin_client.get("/admin/browse/sessions/export?format=pdf").status_code == 400
    bad = admin_client.get("/admin/browse/sessions/export?format=csv&people[gte]=x")
    assert bad.status_code == 400 and "whole number" in bad.text


def test_exports_need_a_session(client, sessions_world):
    response = client.get("/admin/browse/sessions/export?format=csv", follow_redirects=False)
    assert response.status_code == 303


def test_times_show_in_the_workspace_zone(admin_client, engine, workspace):
    # Europe/London in May is UTC+1.
    make_session(engine, workspace, start_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    page = admin_client.get("/admin/browse/sessions").text
    assert "2024-05-01 11:00" in page and "times in Europe/London" in page


def test_preset_windows(admin_client, engine, workspace):
    recent = make_session(engine, workspace, start_at=utcnow() - timedelta(days=2))
    make_session(engine, workspace, start_at=utcnow() - timedelta(days=400))
    assert ids_on(admin_client.get("/admin/browse/sessions?preset=last_7d").text) == [recent]
