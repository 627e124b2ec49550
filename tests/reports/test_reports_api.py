"""The report routes: listing, formats, permissions, bad input, timeouts."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from tests.factories import make_key, make_session, make_venue


@pytest.fixture
def headers(engine, workspace):
    _, key = make_key(engine, workspace, permissions="reports:read")
    return {"Authorization": f"Bearer {key}"}


def _problem(response, status, field):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["errors"][0]["field"] == field, error
    return error


def test_list_reports_describes_each(client, headers):
    body = client.get("/v1/reports", headers=headers).json()
    names = [r["name"] for r in body["data"]]
    assert names == ["campaign", "attendance", "sales", "visits", "waitlist"]
    campaign = body["data"][0]
    assert "profit" in [m["name"] for m in campaign["metrics"]]
    assert {"from", "to", "preset", "range", "tz", "group_by"} <= set(campaign["parameters"])


def test_reports_need_the_reports_permission(client, engine, workspace):
    _, key = make_key(engine, workspace, permissions="sessions:read")
    for path in ("/v1/reports", "/v1/reports/attendance"):
        response = client.get(path, headers={"X-API-Key": key})
        assert response.status_code == 403
        assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/reports/nope", {}, "report"),
        ("/v1/reports/attendance", {"group_by": "colour"}, "group_by"),
        ("/v1/reports/attendance", {"group_by": "day,week"}, "group_by"),
        ("/v1/reports/attendance", {"metrics": "sessions,profit"}, "metrics"),
        ("/v1/reports/attendance", {"from": "2024-05-02", "to": "2024-05-01"}, "to"),
        ("/v1/reports/attendance", {"tz": "Mars/Olympus"}, "tz"),
        ("/v1/reports/attendance", {"from": "yesterday"}, "from"),
        ("/v1/reports/attendance", {"preset": "last_fortnight"}, "preset"),
        ("/v1/reports/attendance", {"to": "2024-05-01"}, "from"),
        ("/v1/reports/attendance", {"colour": "red"}, "colour"),
        ("/v1/reports/attendance", {"venue_id": "abc"}, "venue_id"),
        ("/v1/reports/attendance", {"format": "pdf"}, "format"),
        (
            "/v1/reports/attendance",
            {"from": "2023-01-01", "to": "2024-03-01", "group_by": "hour"},
            "group_by",
        ),
        (
            "/v1/reports/sales",
            {"from": "0001-01-01", "to": "9999-01-01", "group_by": "day"},
            "group_by",
        ),
    ],
)
def test_bad_input_is_400_naming_the_parameter(client, headers, path, params, field):
    error = _problem(client.get(path, params=params, headers=headers), 400, field)
    assert error["type"] == "invalid_parameter"


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "xlsx"])
def test_every_format(client, engine, workspace, headers, fmt):
    from datetime import UTC, datetime

    venue = make_venue(engine, workspace, name="Hall é")
    joined = datetime(2024, 5, 1, 10, tzinfo=UTC)
    make_session(
        engine, workspace, venue_id=venue, joined_at=joined, left_at=joined.replace(hour=11)
    )
    params = {"from": "2024-05-01", "to": "2024-05-01", "format": fmt, "tz": "UTC"}
    response = client.get("/v1/reports/attendance", params=params, headers=headers)
    assert response.status_code == 200, response.text
    if fmt == "json":
        body = json.loads(response.content)
        assert body["report"] == "attendance" and body["tz"] == "UTC"
        assert body["data"][0]["venue_name"] == "Hall é"
        assert body["data"][0]["attendance_minutes"] == 60
    elif fmt == "ndjson":
        assert json.loads(response.text.splitlines()[0])["sessions"] == 1
    elif fmt == "csv":
        header, line = response.text.lstrip("\ufeff").splitlines()[:2]
        assert header.startswith("period,venue_id,venue_name,sessions")
        assert line.startswith("2024-05-01,")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "period" and rows[1][3] == 1


def test_a_report_that_times_out_is_503_and_releases_its_lock(client, app, headers):
    app.state.report_timeout = 1e-9
    response = client.get("/v1/reports/campaign", headers=headers)
    assert response.status_code == 503, response.text
    assert "did not finish" in response.json()["error"]["message"]
    app.state.report_timeout = None
    assert client.get("/v1/reports/campaign", headers=headers).status_code == 200
