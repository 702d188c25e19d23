import datetime as dt

from schemas.sync import PullResponseSchema
from tests.api.sync_helpers import envelope, push


def pull_all(client, auth, who, device, *, limit=500, cursor=""):
    """Follow the cursor to the end; answer the changes and the final cursor."""
    changes = []
    while True:
        response = client.get(f"/api/sync/pull?device_id={device}&cursor={cursor}&limit={limit}",
                              headers=auth.headers(who))
        assert response.status_code == 200, response.json
        body = response.json
        # the documented shape, though not dumped by it
        assert PullResponseSchema().validate(body) == {}
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return changes, cursor


def ids(changes, kind, op="upsert"):
    return {c["id"] for c in changes if c["kind"] == kind and c["op"] == op}


def test_first_pull_is_a_full_copy_of_the_scope(client, auth, register):
    mine = [register(n)["id"] for n in range(3)]
    theirs = register(9, home={"county_code": "621122", "township": "首阳镇"})["id"]
    card = client.post(f"/api/workers/{mine[0]}/credentials", headers=auth.headers()).json
    # revokes the first card
    client.post(f"/api/workers/{mine[0]}/credentials", headers=auth.headers())
    changes, _ = pull_all(client, auth, "county", "county-phone", limit=2)
    assert ids(changes, "worker") == set(mine) and theirs not in ids(changes, "worker")
    assert ids(changes, "revocation") == {card["serial"]}
    [key] = [c for c in changes if c["kind"] == "key"]
    assert (
        key["data"]["alg"] == "Ed25519"
        and key["data"]["public_key"] == client.get("/api/keys").json["keys"][0]["public_key"]
    )
    summary = next(c["data"] for c in changes if c["id"] == mine[1])
    assert set(summary) == {"id", "name", "id_masked", "id_last4", "gender", "home", "status",
                            "card_serial", "current_employer_id"}
    assert "*" in summary["id_masked"]
    admin_changes, _ = pull_all(client, auth, "admin", "admin-pc")
    assert ids(admin_changes, "worker") == set(mine) | {theirs}


def test_cursor_continues_where_it_left_and_repeats_nothing(client, auth, register):
    register(1)
    _, cursor = pull_all(client, auth, "county", "c")
    nothing, same = pull_all(client, auth, "county", "c", cursor=cursor)
    assert nothing == [] and same == cursor
    second = register(2)["id"]
    changes, _ = pull_all(client, auth, "county", "c", cursor=cursor)
    assert [(c["kind"], c["id"]) for c in changes] == [("worker", second)]


def test_a_changed_worker_comes_again_with_its_new_state(client, auth, register):
    worker = register(1)
    _, cursor = pull_all(client, auth, "county", "c")
    client.patch(f"/api/workers/{worker['id']}", json={"name": "张秀兰"}, headers=auth.headers())
    changes, _ = pull_all(client, auth, "county", "c", cursor=cursor)
    assert [c["data"]["name"] for c in changes] == ["张秀兰"]


def test_a_worker_moving_county_is_deleted_from_the_old_countys_devices(client, auth, register):
    worker = register(1)
    _, old_cursor = pull_all(client, auth, "county", "tongwei")
    _, new_cursor = pull_all(client, auth, "other_county", "longxi")
    client.patch(f"/api/workers/{worker['id']}",
                 json={"home": {"county_code": "621122", "township": "首阳镇"}},
                 headers=auth.headers())
    old, _ = pull_all(client, auth, "county", "tongwei", cursor=old_cursor)
    new, _ = pull_all(client, auth, "other_county", "longxi", cursor=new_cursor)
    assert [(c["id"], c["op"], c["data"]) for c in old] == [(worker["id"], "delete", None)]
    assert [(c["id"], c["op"]) for c in new] == [(worker["id"], "upsert")]
    everything, _ = pull_all(client, auth, "admin", "hq")
    last_word = {c["id"]: c["op"] for c in everything if c["kind"] == "worker"}
    assert last_word[worker["id"]] == "upsert"


def test_employer_pulls_only_its_workers_without_sensitive_fields(client, auth, register):
    worker = register(1)
    register(2)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    onboarded = push(
        client, auth, "employer", "hr", envelope("employer.onboarded", 1, credential=card)
    )["results"][0]
    # no arrival scanned: theirs once a reviewer accepts it
    assert onboarded["flags"] == ["onboarded_without_arrival"]
    accepted = client.post(f"/api/reviews/{onboarded['id']}",
                           json={"outcome": "accepted", "note": "到站时漏扫"},
                           headers=auth.headers("workstation"))
    assert accepted.status_code == 200, accepted.json
    changes, _ = pull_all(client, auth, "employer", "hr")
    assert ids(changes, "worker") == {worker["id"]}
    assert (
        ids(changes, "event") == {c["id"] for c in changes if c["kind"] == "event"}
        and len(ids(changes, "event")) == 1
    )


def test_a_device_pulls_its_own_accepted_events_only(client, auth, register):
    worker = register(1)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    mine = envelope(credential=card, seq=1)
    push(client, auth, "greeter", "g-1", mine)
    push(client, auth, "greeter", "g-2",
         envelope(credential=card, seq=1, at=dt.datetime(2026, 2, 21, tzinfo=dt.UTC)))
    changes, _ = pull_all(client, auth, "greeter", "g-1")
    [event] = [c for c in changes if c["kind"] == "event"]
    assert event["id"] == mine["id"] and event["data"]["device_seq"] == 1
    assert ids(changes, "worker") == {worker["id"]}  # the greeter's station saw this worker arrive


def test_bad_cursor_and_limits_are_422(client, auth):
    assert (
        client.get("/api/sync/pull?device_id=d&cursor=garbage", headers=auth.headers()).json[
            "code"
        ]
        == "invalid_cursor"
    )
    assert (
        client.get("/api/sync/pull?device_id=d&limit=0", headers=auth.headers()).status_code == 422
    )
    assert (
        client.get("/api/sync/pull?device_id=d&limit=5001", headers=auth.headers()).status_code
        == 422
    )
    assert client.get("/api/sync/pull", headers=auth.headers()).status_code == 422
