"""Waitlist Called, HelpDone and SupportEnd events: the seed's requests and fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dialects.virbela.virbela_data import (
    assert_error,
    assert_success,
    make_credentials,
    make_event,
    make_member,
)
from tests.factories import make_workspace

SEED_QUERY = (
    "start=2023-01-19T00:00:00.000-07:00&stop=2023-01-19T23:59:59.999-07:00"
    "&limit=1000&offset=0&sfsRoom=WorkRm100"
)
FIELDS = {
    "Called": ["userId", "room", "time", "supportUserId", "secondsInLine", "initialPlace"],
    "HelpDone": ["userId", "room", "time", "supportUserId", "secondsBeingHelped"],
    "SupportEnd": [
        "userId",
        "room",
        "time",
        "numUsersHelped",
        "secondsHelpingUsers",
        "secondsSupportingList",
    ],
}


def _at(hour: int, minute: int = 0, day: int = 19) -> datetime:
    return datetime(2023, 1, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def campus(engine):
    ws = make_workspace(engine)
    creds = make_credentials(engine, ws)
    user = make_member(engine, ws, external_id="USER00000001")
    agent = make_member(engine, ws, external_id="AGENT0000001", role="moderator")
    other = make_member(engine, ws)
    for room, hour in (("WorkRm100", 15), ("WorkRm101", 16)):
        make_event(
            engine,
            ws,
            type="waitlist.called",
            occurred_at=_at(hour),
            customer_id=user,
            actor_id=agent,
            room=room,
            data={"secondsInLine": 125, "initialPlace": 3, "supportUserId": "AGENT0000001"},
        )
        make_event(
            engine,
            ws,
            type="waitlist.help_done",
            occurred_at=_at(hour, 20),
            customer_id=user,
            actor_id=agent,
            room=room,
            data={"secondsBeingHelped": "600"},
        )
        make_event(
            engine,
            ws,
            type="waitlist.support_end",
            occurred_at=_at(hour, 59),
            customer_id=agent,
            actor_id=agent,
            room=room,
            data={"numUsersHelped": 1, "secondsHelpingUsers": 600, "secondsSupportingList": 3540},
        )
    # Outside the window, and another user's call later in it.
    make_event(
        engine,
        ws,
        type="waitlist.called",
        occurred_at=_at(12, day=21),
        customer_id=user,
        room="WorkRm100",
    )
    make_event(
        engine, ws, type="waitlist.called", occurred_at=_at(17), customer_id=other, room="WorkRm100"
    )
    headers = creds.headers | {"v-client-name": ws.slug}
    return {"ws": ws, "headers": headers, "other": other}


def _get(client, campus, endpoint, query=SEED_QUERY, headers=None):
    return client.get(
        f"/Activity/Waitlist/{endpoint}?{query}", headers=headers or campus["headers"]
    )


def test_called_as_the_seed_shows_it(client, campus):
    body = assert_success(_get(client, campus, "Called"))
    assert list(body["data"]) == ["count", "results"]
    assert body["data"]["count"] == 2
    first, second = body["data"]["results"]
    assert first == {
        "userId": "USER00000001",
        "room": "WorkRm100",
        "time": "2023-01-19T15:00:00.000Z",
        "supportUserId": "AGENT0000001",
        "secondsInLine": "125",
        "initialPlace": "3",
    }
    assert second["userId"] == str(campus["other"]) and second["supportUserId"] is None


@pytest.mark.parametrize("endpoint", list(FIELDS))
def test_each_endpoint_has_the_seed_fields(client, campus, endpoint):
    body = assert_success(_get(client, campus, endpoint))
    assert body["data"]["results"], endpoint
    for result in body["data"]["results"]:
        assert list(result) == FIELDS[endpoint]
        assert result["room"] == "WorkRm100"


def test_help_done_and_support_end_values(client, campus):
    (done,) = assert_success(_get(client, campus, "HelpDone"))["data"]["results"]
    # no supportUserId in the event: the acting agent's objectId
    assert done["supportUserId"] == "AGENT0000001" and done["secondsBeingHelped"] == "600"
    (end,) = assert_success(_get(client, campus, "SupportEnd"))["data"]["results"]
    assert end["userId"] == "AGENT0000001"
    assert (end["numUsersHelped"], end["secondsHelpingUsers"], end["secondsSupportingList"]) == (
        "1",
        "600",
        "3540",
    )


def test_without_sfs_room_every_room_counts(client, campus):
    query = SEED_QUERY.replace("&sfsRoom=WorkRm100", "")
    body = assert_success(_get(client, campus, "Called", query))
    assert body["data"]["count"] == 3
    assert [r["room"] for r in body["data"]["results"]] == ["WorkRm100", "WorkRm101", "WorkRm100"]


def test_limit_and_offset_page_while_count_counts_all(client, campus):
    query = SEED_QUERY.replace("&sfsRoom=WorkRm100", "").replace(
        "limit=1000&offset=0", "limit=1&offset=1"
    )
    body = assert_success(_get(client, campus, "Called", query))
    assert body["data"]["count"] == 3
    assert [r["room"] for r in body["data"]["results"]] == ["WorkRm101"]


def test_windows_longer_than_ninety_days_are_allowed_here(client, campus):
    query = "start=2022-01-01T00:00:00Z&stop=2023-12-31T00:00:00Z&sfsRoom=WorkRm100"
    assert assert_success(_get(client, campus, "Called", query))["data"]["count"] == 3


def test_the_client_name_header_is_required_and_must_match(client, engine, campus):
    headers = dict(campus["headers"])
    headers.pop("v-client-name")
    assert_error(_get(client, campus, "Called", headers=headers), 400, "v-client-name")
    other = make_workspace(engine)
    wrong = headers | {"v-client-name": other.slug}
    assert_error(_get(client, campus, "HelpDone", headers=wrong), 403, "v-client-name")
    upper = headers | {"V-Client-Name": campus["ws"].slug.upper()}
    assert_success(_get(client, campus, "SupportEnd", headers=upper))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stop=2023-01-19T00:00:00Z", "start"),
        ("start=2023-01-19T00:00:00Z", "stop"),
        ("start=2023-01-19T10:00:00Z&stop=2023-01-18T00:00:00Z", "stop"),
        ("start=2023-01-19&stop=2023-01-19&limit=x", "limit"),
        ("start=2023-01-19&stop=2023-01-19&offset=-3", "offset"),
        ("start=2023-01-19&stop=2023-01-19&sfsRoom=a&sfsRoom=b", "sfsRoom"),
    ],
)
@pytest.mark.parametrize("endpoint", list(FIELDS))
def test_bad_parameters_are_400(client, campus, endpoint, query, field):
    assert_error(_get(client, campus, endpoint, query), 400, field)
