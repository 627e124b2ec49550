"""Reports in the admin UI: pick, window, grouping; table, SVG chart, downloads."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import make_sale
from turnout.admin.charts import build_chart, nice_step
from turnout.reports import REPORTS

WINDOW = "from=2024-05-01&to=2024-05-08"


@pytest.fixture
def sales_world(engine, workspace):
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    for day in range(7):
        for item in ("Cola", "Chips"):
            make_sale(
                engine,
                workspace,
                item=item,
                category="snacks" if item == "Chips" else "drinks",
                quantity=day + 1,
                amount=Decimal(day + 1),
                sold_at=start + timedelta(days=day),
            )


def test_reports_index_lists_every_report(admin_client):
    page = admin_client.get("/admin/reports").text
    for report in REPORTS:
        assert f'href="/admin/reports/{report.name}"' in page


@pytest.mark.parametrize("name", [r.name for r in REPORTS])
def test_every_report_page_runs(admin_client, name):
    page = admin_client.get(f"/admin/reports/{name}?preset=last_7d")
    assert page.status_code == 200, page.text


def test_daily_sales_table_and_line_chart(admin_client, sales_world):
    page = admin_client.get(f"/admin/reports/sales?{WINDOW}&group_by=day,item").text
    assert '<svg viewBox="0 0 720 280"' in page
    assert page.count("<polyline") == 2  # one line per item
    assert "Cola" in page and "Chips" in page
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 14  # 7 days x 2 items
    assert "<td>2024-05-01</td><td>Chips</td>" in body


def test_bar_chart_and_chosen_metric(admin_client, sales_world):
    page = admin_client.get(
        f"/admin/reports/sales?{WINDOW}&group_by=day&chart=bar&plot=revenue"
    ).text
    assert page.count("<rect") == 7
    assert "GBP · 2024-05-07: 14" in page  # a series per currency


def test_form_becomes_the_reports_own_parameters(admin_client, sales_world):
    response = admin_client.get(
        f"/admin/reports/sales?form=1&report=sales&preset=&{WINDOW}"
        "&bucket=week&dim=category&metric=quantity&chart=bar&plot=",
        follow_redirects=False,
    )
    assert response.status_code == 303
    target = response.headers["location"]
    assert "group_by=week%2Ccategory" in target and "metrics=quantity" in target
    page = admin_client.get(target).text
    assert '<th scope="col">quantity</th>' in page and '<th scope="col">revenue</th>' not in page


def test_no_grouping_gives_totals(admin_client, sales_world):
    page = admin_client.get(f"/admin/reports/sales?{WINDOW}&group_by=").text
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 1


def test_downloads_match_the_table(admin_client, sales_world):
    page = admin_client.get(f"/admin/reports/sales?{WINDOW}&group_by=item").text
    href = html.unescape(re.search(r'href="([^"]+)" download>CSV', page)[1])
    response = admin_client.get(href)
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["item"] for r in rows) == ["Chips", "Cola"]
    assert {r["quantity"] for r in rows} == {"28"}
    for fmt in ("xlsx", "ndjson", "json"):
        assert admin_client.get(href.replace("format=csv", f"format={fmt}")).status_code == 200


def test_bad_report_input_says_why(admin_client):
    page = admin_client.get("/admin/reports/sales?group_by=planet")
    assert page.status_code == 400 and "unknown dimension" in html.unescape(page.text)
    assert admin_client.get("/admin/reports/nope").status_code == 404
    assert admin_client.get("/admin/reports/sales/export?format=pdf").status_code == 400


def test_chart_geometry():
    chart = build_chart(["a", "b", "c"], [("x", [0.0, 5.0, None])], "line")
    assert chart is not None and chart.series[0].points.count(",") == 2  # None is a gap
    assert build_chart([], [], "bar") is None
    assert nice_step(97) == 20 and nice_step(0) == 1
    many = [(f"s{i}", [float(i)]) for i in range(9)]
    assert build_chart(["only"], many, "bar").omitted == 3
