"""Transfer batches: roster, the team-leader rule, departure, the arrival board, hand-over and
scope."""

import datetime as dt

import pytest

from server.extensions import db
from server.models import User
from server.services.auth import create_token
from tests.api.sync_helpers import TZ, envelope, push, statuses
from tests.api.test_sync_pull import pull_all

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

DEPARTS = dt.datetime(2026, 2, 8, 8, 30, tzinfo=TZ)
TRAIN = {"name": "通渭—福州 2026年第1批", "departure_station": "定西北站",
         "departs_at": DEPARTS.isoformat(),
         "train_number": "D2702", "carriages": "5、6号车厢", "destination_station": "福州站",
         "expected_arrival_at": (DEPARTS + dt.timedelta(hours=22)).isoformat()}
TOWNSHIPS = ["平襄镇"] * 22 + ["马营镇"] * 5 + ["义岗川镇"] * 3


@pytest.fixture
def batch(client, auth):
    response = client.post("/api/batches", json=TRAIN | {"employer_ids": [auth.employer_id()]},
                           headers=auth.headers("county"))
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def thirty(register):
    """30 workers of Tongwei: 22 from 平襄镇, 5 from 马营镇, 3 from 义岗川镇."""
    return [
        register(100 + n, name=f"工人{n:02d}", home={"county_code": "621121", "township": t})["id"]
        for n, t in enumerate(TOWNSHIPS)
    ]


def on_roster(client, auth, batch, worker_ids):
    response = client.post(f"/api/batches/{batch['id']}/roster", json={"worker_ids": worker_ids},
                           headers=auth.headers("county"))
    assert response.status_code == 200, response.json
    return response.json


def test_departure_waits_for_a_team_leader_from_a_township_of_more_than_twenty(
    client, auth, batch, thirty
):
    assert len(on_roster(client, auth, batch, thirty)["added"]) == 30
    assert on_roster(client, auth, batch, thirty[:2]) == {"added": [],
                                                          "already_on_roster": thirty[:2]}
    url = f"/api/batches/{batch['id']}"
    seen = client.get(url, headers=auth.headers("county")).json
    assert seen["townships"] == {"义岗川镇": 3, "平襄镇": 22, "马营镇": 5}
    assert seen["needs_team_leader"] == {"平襄镇": 22}
    refused = client.post(f"{url}/depart", json={}, headers=auth.headers("county"))
    assert refused.status_code == 422 and refused.json["code"] == "team_leader_required"
    assert "平襄镇（22人）" in refused.json["message"] and "team leader" in refused.json["message"]

    wrong = client.put(f"{url}/team-leaders", json={"township": "平襄镇", "worker_id": thirty[25]},
                       headers=auth.headers("county"))
    assert wrong.status_code == 422 and "worker_id" in wrong.json["errors"]  # from 马营镇
    named = client.put(f"{url}/team-leaders", json={"township": "平襄镇", "worker_id": thirty[0]},
                       headers=auth.headers("county"))
    assert named.status_code == 200 and named.json["needs_team_leader"] == {}
    assert named.json["team_leaders"] == [{"township": "平襄镇", "worker_id": thirty[0],
                                           "name": "工人00",
                                           # register(100)'s: the greeter calls them
                                           "phone": "13900000100"}]
    leader_stays_home = client.post(f"{url}/depart", json={"absent": [thirty[0]]},
                                    headers=auth.headers("county"))
    assert leader_stays_home.status_code == 422  # 21 still travel, without their leader

    left = client.post(f"{url}/depart", json={"absent": [thirty[1]]},
                       headers=auth.headers("county"))
    assert left.status_code == 200 and left.json == {"departed": 29, "absent": [thirty[1]]}
    statuses_now = {client.get(f"/api/workers/{w}", headers=auth.headers()).json["status"]
                    for w in thirty[2:]}
    assert statuses_now == {"departed"}
    assert (
        client.get(f"/api/workers/{thirty[1]}", headers=auth.headers()).json["status"]
        == "assigned"
    )
    closed = client.post(f"{url}/roster", json={"worker_ids": thirty[:1]},
                         headers=auth.headers("county"))
    assert closed.status_code == 422 and closed.json["code"] == "batch_departed"


def test_the_board_shows_who_arrived_who_is_missing_and_who_came_unannounced(client, auth, batch,
                                                                             thirty, register):
    on_roster(client, auth, batch, thirty[:29])
    url = f"/api/batches/{batch['id']}"
    client.put(f"{url}/team-leaders", json={"township": "平襄镇", "worker_id": thirty[0]},
               headers=auth.headers("county"))
    other = client.post(
        "/api/batches", json=TRAIN | {"name": "第2批"}, headers=auth.headers("county")
    ).json
    stray = register(200, name="别批次的"
                               "人", home={"county_code": "621121", "township": "马营镇"})["id"]
    on_roster(client, auth, other, [stray])
    assert client.post(f"{url}/depart", json={}, headers=auth.headers("county")).status_code == 200

    arrived = thirty[:27]  # thirty[27] and thirty[28] did not get off the train
    arrival = DEPARTS + dt.timedelta(hours=22)
    scans = [envelope(worker_id=w, seq=n + 1, at=arrival,
                      context={"station": "福州站", "batch_id": batch["id"]})
             for n, w in enumerate(arrived + [stray])]
    body = push(client, auth, "greeter", "station-phone", *scans)
    # by id, off the roster
    assert [r["flags"] for r in body["results"]][-2:] == [["keyed"],
                                                          ["unexpected_arrival", "keyed"]]

    board = client.get(f"{url}/board", headers=auth.headers("greeter")).json
    assert (board["expected"], board["arrived"], board["missing"], board["unexpected"]) == (
        29,
        27,
        2,
        1,
    )
    assert {(p["worker_id"], p["phone"]) for p in board["missing_people"]} == {
        (thirty[27], "13900000127"), (thirty[28], "13900000128")}  # whom the greeter calls
    assert [p["name"] for p in board["unexpected_people"]] == ["别批次的人"]
    by_township = {g["township"]: g for g in board["townships"]}
    assert (by_township["平襄镇"]["expected"], by_township["平襄镇"]["arrived"]) == (22, 22)
    assert by_township["平襄镇"]["team_leader"] == {"worker_id": thirty[0], "name": "工人00",
                                                    "phone": "13900000100"}
    assert [p["worker_id"] for p in by_township["义岗川镇"]["missing"]] == thirty[27:29]

    hand = {"employer_id": auth.employer_id(), "representative": "闽江纺织 林经理",
            "worker_ids": thirty[:20]}
    done = client.post(f"{url}/handovers", json=hand, headers=auth.headers("greeter"))
    assert done.status_code == 201 and len(done.json["worker_ids"]) == 20
    twice = client.post(f"{url}/handovers", json=hand | {"worker_ids": [thirty[0], thirty[20]]},
                        headers=auth.headers("greeter"))
    # by name
    assert (
        twice.status_code == 422
        and "已经交接过：工人00。" in twice.json["errors"]["worker_ids"][0]
    )
    missing = client.post(f"{url}/handovers", json=hand | {"worker_ids": [thirty[28]]},
                          headers=auth.headers("greeter"))
    assert missing.status_code == 422 and "工人28" in missing.json["errors"]["worker_ids"][0]
    # every greeter's phone learns who is gone with whom (a second phone must not offer them again)
    seen = client.get(url, headers=auth.headers("greeter")).json["handed_over"]
    assert seen == {worker: auth.employer_id() for worker in thirty[:20]}
    elsewhere = hand | {"employer_id": auth.employer_id("other_employer"),
                        "worker_ids": [thirty[21]]}
    assert (
        client.post(
            f"{url}/handovers", json=elsewhere, headers=auth.headers("greeter")
        ).status_code
        == 422
    )
    assert [
        len(h["worker_ids"]) for h in client.get(f"{url}/handovers", headers=auth.headers()).json
    ] == [20]


def test_a_roster_built_from_a_fairs_intentions_and_a_worker_taken_off_again(client, auth, batch,
                                                                             register):
    workers = [register(300 + n)["id"] for n in range(4)]
    signed = {"fair_id": "f", "employer_id": auth.employer_id()}
    push(client, auth, "fair_staff", "fair-phone", *[
        envelope("fair.intent_signed", n + 1, worker_id=w, context=signed,
                 at=dt.datetime(2026, 2, 1, 10, tzinfo=TZ))
        for n, w in enumerate(workers[:3])])
    added = client.post(f"/api/batches/{batch['id']}/roster", json={"from_fair_id": "f"},
                        headers=auth.headers("county"))
    assert sorted(added.json["added"]) == sorted(workers[:3])
    taken_off = client.delete(f"/api/batches/{batch['id']}/roster/{workers[0]}",
                              json={"reason": "家里有事，不去了"}, headers=auth.headers("county"))
    assert taken_off.status_code == 204
    roster = client.get(f"/api/batches/{batch['id']}", headers=auth.headers("county")).json[
        "roster"
    ]
    assert sorted(m["worker_id"] for m in roster) == sorted(workers[1:3])
    assert (
        client.get(f"/api/workers/{workers[0]}", headers=auth.headers()).json["status"] == "intent"
    )
    again = client.post(f"/api/batches/{batch['id']}/roster", json={"from_fair_id": "f"},
                        headers=auth.headers("county"))
    assert again.json["added"] == [workers[0]]  # off the batch again means free to go on one


def test_each_sees_the_batches_of_its_scope(client, auth, batch, register):
    worker = register(400)["id"]
    on_roster(client, auth, batch, [worker])
    url = f"/api/batches/{batch['id']}"
    elsewhere = User(name="greeter-south", role="greeter", station="福州南站")
    db.session.add(elsewhere)
    db.session.commit()
    south = {"Authorization": f"Bearer {create_token(elsewhere, 'test')}"}
    db.session.commit()
    assert client.get(url, headers=auth.headers("greeter")).status_code == 200
    assert client.get(url, headers=south).status_code == 404
    assert client.get(url, headers=auth.headers("other_county")).status_code == 404
    assert client.get(url, headers=auth.headers("employer")).status_code == 403
    assert (
        client.post("/api/batches", json=TRAIN, headers=auth.headers("greeter")).status_code == 403
    )
    # The roster comes to the greeter before the train does: name and masked ID only.
    seen = client.get(f"/api/workers/{worker}", headers=auth.headers("greeter"))
    assert seen.status_code == 200 and "phone" not in seen.json and "*" in seen.json["id_masked"]
    assert client.get(f"/api/workers/{worker}", headers=south).status_code == 404
    changes, _ = pull_all(client, auth, "greeter", "station-phone")
    [pulled] = [c["data"] for c in changes if c["kind"] == "batch" and c["id"] == batch["id"]]
    assert [m["worker_id"] for m in pulled["roster"]] == [worker] and pulled[
        "departs_at"
    ].startswith("2026-02-08")
    assert worker in {c["id"] for c in changes if c["kind"] == "worker"}


def test_batch_scans_must_name_a_real_batch(client, auth, register):
    worker = register(500)["id"]
    body = push(client, auth, "county", "office", envelope("batch.assigned", 1, worker_id=worker,
                                                           context={"batch_id": "no-such-batch"}))
    assert statuses(body) == [("rejected", "unknown_batch")]


@pytest.mark.parametrize("body, field", [
    ({"expected_arrival_at": DEPARTS.isoformat()}, "expected_arrival_at"),
    ({"origin_county_code": "621122"}, "origin_county_code"),
    ({"departs_at": "2026-02-08T08:30:00"}, "departs_at"),  # no offset: ambiguous
    ({"departs_at": "9999-12-31T23:59:59-14:00",
      "expected_arrival_at": "9999-12-31T23:59:59-14:00"},
     "departs_at"),  # past the calendars: a range, not an overflow
    ({"departs_at": "0001-01-01T00:00:00+00:00"}, "departs_at"),
])
def test_a_batch_that_cannot_be_is_refused_naming_the_field(client, auth, body, field):
    response = client.post("/api/batches", json=TRAIN | body, headers=auth.headers("county"))
    assert response.status_code == 422 and field in response.json["errors"], response.json
