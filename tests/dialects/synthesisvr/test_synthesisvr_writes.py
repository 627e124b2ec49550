"""POST /data/sessions/<KEY>/update/<UUID> and /delete/<UUID>, through the core's commands."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.dialects.synthesisvr.svr_world import World
from tests.factories import make_key, make_session, make_workspace
from turnout.db.schema import sessions


@pytest.fixture
def booked(engine, world: World) -> str:
    value = str(uuid_module.uuid4())
    make_session(
        engine,
        world.ws,
        uuid=value,
        status="booked",
        channel="online",
        start_at=datetime(2019, 7, 14, 9, 0, tzinfo=UTC),
        duration_minutes=30,
        people=1,
        experience="Beat Saber",
    )
    return value


def stored(engine, value: str):
    with engine.connect() as conn:
        return conn.execute(sa.select(sessions).where(sessions.c.uuid == value)).one()


def update_url(world: World, value: str, key: str | None = None) -> str:
    return f"/data/sessions/{key or world.key}/update/{value}"


def test_update_with_form_fields(client, engine, world, booked):
    response = client.post(
        update_url(world, booked),
        data={
            "date": "2019-07-20",
            "time": "14:30",
            "duration": "90",
            "people": "4",
            "experience": "Arizona Sunshine",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    session = body["session"]
    assert session["uuid"] == booked
    assert (session["date"], session["time"]) == ("2019-07-20", "14:30")
    assert (session["duration"], session["people"]) == (90, 4)
    assert session["experience"] == "Arizona Sunshine"
    row = stored(engine, booked)
    assert row.start_at == datetime(2019, 7, 20, 13, 30, tzinfo=UTC)  # 14:30 BST
    assert row.duration_minutes == 90 and row.people == 4
    # Reads see the change.
    listed = client.get(f"/data/sessions/{world.key}/json/1 day/uuid:{booked}").json()
    assert listed == [session]


def test_update_only_date_and_time_keeps_the_rest(client, engine, world, booked):
    response = client.post(update_url(world, booked), data={"date": "2019-12-01", "time": "10:00"})
    assert response.status_code == 200, response.text
    row = stored(engine, booked)
    assert row.start_at == datetime(2019, 12, 1, 10, 0, tzinfo=UTC)  # GMT in winter
    assert (row.duration_minutes, row.people, row.experience) == (30, 1, "Beat Saber")


def test_update_with_a_json_body_or_query_parameters(client, engine, world, booked):
    response = client.post(
        update_url(world, booked), json={"date": "2019-07-21", "time": "9:05", "people": 3}
    )
    assert response.status_code == 200, response.text
    assert stored(engine, booked).people == 3
    response = client.post(
        update_url(world, booked), params={"date": "2019-07-22", "time": "18:00:00"}
    )
    assert response.status_code == 200, response.text
    assert stored(engine, booked).start_at == datetime(2019, 7, 22, 17, 0, tzinfo=UTC)


def test_update_accepts_the_uuid_in_upper_case(client, world, booked):
    response = client.post(
        update_url(world, booked.upper()), data={"date": "2019-07-20", "time": "10:00"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({}, "date", "required"),
        ({"date": "2019-07-20"}, "time", "required"),
        ({"time": "10:00"}, "date", "required"),
        ({"date": "20/07/2019", "time": "10:00"}, "date", "date_format"),
        ({"date": "2019-02-30", "time": "10:00"}, "date", "date_format"),
        ({"date": "2019-07-20", "time": "25:00"}, "time", "time_format"),
        ({"date": "2019-07-20", "time": "noon"}, "time", "time_format"),
        ({"date": "2019-07-20", "time": "10:00", "people": "-1"}, "people", "greater_than_equal"),
        ({"date": "2019-07-20", "time": "10:00", "people": "many"}, "people", "int_parsing"),
        ({"date": "2019-07-20", "time": "10:00", "duration": "1.5"}, "duration", "int_parsing"),
        ({"date": "2019-07-20", "time": "10:00", "experience": "x" * 201}, "experience", None),
        ({"date": "2019-07-20", "time": "10:00", "status": "done"}, "status", "unknown_field"),
    ],
)
def test_bad_updates_are_400(client, world, booked, fields, field, rule):
    response = client.post(update_url(world, booked), data=fields)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == 400 and error["type"] == "invalid_parameter"
    assert error["errors"][0]["field"] == field
    if rule is not None:
        assert error["errors"][0]["rule"] == rule
    assert world.key not in response.text


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", b'{"date": ["2019-07-20"]}'])
def test_bad_bodies_are_400(client, world, booked, body):
    response = client.post(
        update_url(world, booked), content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text


def test_unknown_or_foreign_sessions_are_404(client, engine, world):
    form = {"date": "2019-07-20", "time": "10:00"}
    for value in ("no-such-session", str(uuid_module.uuid4())):
        response = client.post(update_url(world, value), data=form)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["errors"][0]["field"] == "uuid"
        response = client.post(f"/data/sessions/{world.key}/delete/{value}")
        assert response.status_code == 404
    other = make_workspace(engine)
    foreign = str(uuid_module.uuid4())
    make_session(engine, other, uuid=foreign)
    assert client.post(update_url(world, foreign), data=form).status_code == 404
    assert client.post(f"/data/sessions/{world.key}/delete/{foreign}").status_code == 404
    assert stored(engine, foreign).status == "completed"


def test_delete_cancels_and_keeps_the_session(client, engine, world, booked):
    response = client.post(f"/data/sessions/{world.key}/delete/{booked}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["session"]["status"] == "cancelled"
    row = stored(engine, booked)
    assert row.status == "cancelled" and row.cancelled_at is not None
    # Twice is fine, and the session no longer counts as upcoming.
    assert client.post(f"/data/sessions/{world.key}/delete/{booked}").status_code == 200
    listed = client.get(f"/data/sessions/{world.key}/json/1 month/upcoming date=2019-07-14")
    assert booked not in [r["uuid"] for r in listed.json()]


@pytest.mark.parametrize("action", ["update", "delete"])
def test_writes_need_sessions_write(client, engine, world, booked, action):
    form = {"date": "2019-07-20", "time": "10:00"}
    _, reader = make_key(engine, world.ws, permissions="sessions:read")
    response = client.post(f"/data/sessions/{reader}/{action}/{booked}", data=form)
    assert response.status_code == 403 and reader not in response.text
    _, writer = make_key(engine, world.ws, permissions="sessions:write")
    response = client.post(f"/data/sessions/{writer}/{action}/{booked}", data=form)
    assert response.status_code == 200, response.text
    seed_key = "11111111-1111-1111-1111-111111111111"
    response = client.post(f"/data/sessions/{seed_key}/{action}/{booked}", data=form)
    assert response.status_code == 401 and seed_key not in response.text


def test_get_on_a_write_path_changes_nothing(client, engine, world, booked):
    response = client.get(f"/data/sessions/{world.key}/delete/{booked}")
    assert response.status_code == 400
    assert stored(engine, booked).status == "booked"
