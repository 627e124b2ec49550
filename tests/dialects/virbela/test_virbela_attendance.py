"""Room and private-volume attendance: the seed's A-F example, minutes, limits, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.dialects.virbela.virbela_data import (
    assert_error,
    assert_success,
    make_credentials,
    make_member,
    make_room,
    make_stay,
)
from tests.factories import make_workspace

MST = timezone(timedelta(hours=-7))
ROOM, VOLUME = "IyaWMsAmyV", "PR-2114767535--NewCampus"
PATHS = {
    "room": f"/User/Attendance/Room/{ROOM}",
    "volume": f"/User/Attendance/PrivateVolume/{VOLUME}",
}
SEED_QUERY = (
    "start=2023-01-19T00:00:00.000-07:00&stop=2023-01-19T23:59:59.999-07:00&limit=1000&offset=0"
)
# The seed's users: (name, joined, left) on 2023-01-19, local time.
USERS_A_TO_F = (
    ("A", (14, 0), (16, 0)),
    ("B", (14, 45), (15, 15)),
    ("C", (14, 0), (15, 0)),
    ("D", (15, 0), (16, 0)),
    ("E", (13, 0), (13, 30)),
    ("F", (16, 30), (17, 0)),
)


def _local(hour: int, minute: int, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2023, 1, 19, hour, minute, second, micro, tzinfo=MST)


@pytest.fixture(scope="module")
def campus(engine):
    ws = make_workspace(engine)
    headers = make_credentials(engine, ws).headers
    room = make_room(engine, ws, external_id=ROOM, code="WorkRm100")
    volume = make_room(engine, ws, kind="private_volume", code=VOLUME, external_id="PVOBJ00001")
    users = {
        name: make_member(engine, ws, external_id=f"USER{name}0000000")
        for name, _, _ in USERS_A_TO_F
    }
    for venue in (room, volume):
        for name, joined, left in USERS_A_TO_F:
            make_stay(
                engine, ws, venue, users[name], _local(*joined), _local(*left), talk_seconds=60
            )
    # Still in the room: no record yet.
    make_stay(engine, ws, room, users["A"], _local(15, 10), None)
    # The seed's sample records (UTC), on another day.
    z = UTC
    make_stay(
        engine,
        ws,
        room,
        users["A"],
        datetime(2023, 1, 21, 11, 55, 56, 140000, tzinfo=z),
        datetime(2023, 1, 21, 18, 9, 6, 140000, tzinfo=z),
        talk_seconds=926,  # 15.433 minutes
    )
    make_stay(
        engine,
        ws,
        room,
        None,
        datetime(2023, 1, 21, 23, 20, 0, 248000, tzinfo=z),
        datetime(2023, 1, 21, 23, 21, 4, 248000, tzinfo=z),
    )
    return {"ws": ws, "headers": headers, "room": room}


def _get(client, campus, path, query):
    return client.get(f"{path}?{query}", headers=campus["headers"])


@pytest.mark.parametrize("kind", ["room", "volume"])
def test_the_seed_users_a_to_f(client, campus, kind):
    query = "start=2023-01-19T14:30:00.000-07:00&stop=2023-01-19T15:30:00.000-07:00"
    body = assert_success(_get(client, campus, PATHS[kind], query))
    assert body["title"] == "Successfully queried room attendance data."
    users = sorted(r["userId"][4] for r in body["data"])
    assert users == ["A", "B", "C", "D"]
    assert (
        body["detail"]
        == '4 attendance records were returned, please see "data" for records details.'
    )


@pytest.mark.parametrize("kind", ["room", "volume"])
def test_edges_are_inclusive(client, campus, kind):
    # C leaves at 15:00 and D joins at 15:00: both are in a window ending or starting then.
    ending = "start=2023-01-19T14:50:00-07:00&stop=2023-01-19T15:00:00-07:00"
    assert sorted(
        r["userId"][4] for r in assert_success(_get(client, campus, PATHS[kind], ending))["data"]
    ) == [
        "A",
        "B",
        "C",
        "D",
    ]
    starting = "start=2023-01-19T16:00:00-07:00&stop=2023-01-19T16:10:00-07:00"
    got = assert_success(_get(client, campus, PATHS[kind], starting))["data"]
    assert sorted(r["userId"][4] for r in got) == ["A", "D"]


def test_the_seed_sample_record(client, campus):
    query = "start=2023-01-21T00:00:00.000Z&stop=2023-01-21T23:59:59.999Z"
    body = assert_success(_get(client, campus, PATHS["room"], query))
    assert body["data"] == [
        {
            "userId": "USERA0000000",
            "joinTime": "2023-01-21T11:55:56.140+00:00",
            "leaveTime": "2023-01-21T18:09:06.140+00:00",
            "talkMinutes": "15.43",
            "attendanceMinutes": "373.17",
        },
        {
            "userId": None,
            "joinTime": "2023-01-21T23:20:00.248+00:00",
            "leaveTime": "2023-01-21T23:21:04.248+00:00",
            "talkMinutes": "0.00",
            "attendanceMinutes": "1.07",
        },
    ]
    assert body["detail"].startswith("2 attendance records were returned")


def test_the_seed_request_limit_and_offset(client, campus):
    full = assert_success(_get(client, campus, PATHS["room"], SEED_QUERY))["data"]
    assert len(full) == 6  # the open session has no record
    assert [r["joinTime"] for r in full] == sorted(r["joinTime"] for r in full)
    page = _get(
        client, campus, PATHS["room"], SEED_QUERY.replace("limit=1000&offset=0", "limit=2&offset=1")
    )
    assert assert_success(page)["data"] == full[1:3]
    no_limit = _get(client, campus, PATHS["room"], SEED_QUERY.split("&limit")[0])
    assert assert_success(no_limit)["data"] == full


def test_a_room_by_turnout_id_and_a_volume_by_object_id(client, campus):
    query = "start=2023-01-19T21:30:00Z&stop=2023-01-19T22:30:00Z"  # 14:30 to 15:30 MST
    by_id = _get(client, campus, f"/User/Attendance/Room/{campus['room']}", query)
    assert len(assert_success(by_id)["data"]) == 4
    by_object = _get(client, campus, "/User/Attendance/PrivateVolume/PVOBJ00001", query)
    assert len(assert_success(by_object)["data"]) == 4


def test_ninety_days_is_the_limit(client, campus):
    ok = "start=2023-01-01T00:00:00Z&stop=2023-04-01T00:00:00Z"  # exactly 90 days
    assert_success(_get(client, campus, PATHS["room"], ok))
    dates = "start=2023-01-01&stop=2023-03-31"  # 90 whole days
    assert_success(_get(client, campus, PATHS["room"], dates))
    for query in (
        "start=2023-01-01T00:00:00Z&stop=2023-04-01T00:00:00.001Z",
        "start=2023-01-01&stop=2023-04-01",
        "start=2023-01-01T00:00:00Z&stop=2023-07-01T00:00:00Z",
    ):
        for path in PATHS.values():
            body = assert_error(_get(client, campus, path, query), 400, "stop")
            assert "90 days" in body["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stop=2023-01-19T23:59:59Z", "start"),
        ("start=2023-01-19T00:00:00Z", "stop"),
        ("start=&stop=2023-01-19T00:00:00Z", "start"),
        ("start=yesterday&stop=2023-01-19T00:00:00Z", "start"),
        ("start=2023-01-19T00:00:00Z&stop=2023-13-01", "stop"),
        ("start=2023-01-19T10:00:00Z&stop=2023-01-19T09:00:00Z", "stop"),
        (f"{SEED_QUERY}&limit=abc".replace("limit=1000&", ""), "limit"),
        (SEED_QUERY.replace("limit=1000", "limit=ten"), "limit"),
        (SEED_QUERY.replace("offset=0", "offset=-1"), "offset"),
        (SEED_QUERY.replace("offset=0", "offset=1.5"), "offset"),
        (f"{SEED_QUERY}&start=2023-01-18T00:00:00Z", "start"),
    ],
)
def test_bad_parameters_are_400(client, campus, query, field):
    for path in PATHS.values():
        assert_error(_get(client, campus, path, query), 400, field)


def test_a_plus_offset_sent_unencoded_is_explained(client, campus):
    body = assert_error(
        _get(
            client,
            campus,
            PATHS["room"],
            "start=2023-01-19T00:00:00+02:00&stop=2023-01-19T10:00:00Z",
        ),
        400,
        "start",
    )
    assert "%2B" in body["detail"]


def test_unknown_rooms_and_volumes_are_404(client, engine, campus):
    other = make_workspace(engine)
    make_room(engine, other, external_id="THEIRROOM1")
    for path, field in (
        ("/User/Attendance/Room/nope", "roomId"),
        ("/User/Attendance/Room/THEIRROOM1", "roomId"),
        (f"/User/Attendance/Room/{VOLUME}", "roomId"),
        (f"/User/Attendance/PrivateVolume/{ROOM}", "volumeId"),
    ):
        assert_error(_get(client, campus, path, SEED_QUERY), 404, field)
