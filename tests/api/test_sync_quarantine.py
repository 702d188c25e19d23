import uuid

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, QuarantinedEvent, Worker
from server.services.protection import decrypt_field
from tests.api.sync_helpers import envelope, push, quarantine, quarantined, statuses

pytestmark = pytest.mark.usefixtures("fair", "batch")  # its scans name the fair "f", the batch "b"


def test_rejected_envelope_is_kept_with_reason_device_and_user(client, auth, register):
    worker = register()
    scan = envelope("fair.checked_in", 4, worker_id=worker["id"], context={"fair_id": "f"})
    push(client, auth, "other_county", "lx-phone", scan)
    [entry] = quarantine(client, auth)["items"]
    assert (entry["reason"], entry["device_id"], entry["device_seq"]) == ("out_of_scope",
                                                                          "lx-phone", 4)
    assert entry["user_id"] == auth.users["other_county"].id and entry["envelope"] == scan
    assert entry["county_code"] == "621121" and entry["status"] == "open"


def test_county_staff_see_their_county_only(client, auth, register):
    worker = register()
    push(client, auth, "other_county", "lx", envelope("fair.checked_in", 1, worker_id=worker["id"],
                                                     context={"fair_id": "f"}))
    assert quarantine(client, auth, "county")["total"] == 1
    assert quarantine(client, auth, "other_county")["total"] == 0
    assert client.get("/api/sync/quarantine", headers=auth.headers("greeter")).status_code == 403


def test_the_same_rejected_envelope_sent_again_is_one_entry(client, auth):
    orphan = envelope("fair.checked_in", 1, worker_id=str(uuid.uuid4()), context={"fair_id": "f"})
    for _ in range(3):
        assert statuses(push(client, auth, "admin", "a", orphan)) == [("rejected",
                                                                       "unknown_worker")]
    [entry] = quarantine(client, auth)["items"]
    assert entry["times_received"] == 3


def test_rejected_scan_sent_again_once_it_can_apply_is_accepted_and_resolved(client, auth,
                                                                             register):
    temp = str(uuid.uuid4())
    check_in = envelope("fair.checked_in", 2, worker_id=temp, context={"fair_id": "f"})
    assert statuses(push(client, auth, "admin", "a", check_in)) == [("rejected", "unknown_worker")]
    from tests.conftest import person
    push(client, auth, "admin", "a",
         envelope("worker.registered", 1, worker_id=temp, data=person()))
    assert push(client, auth, "admin", "a", check_in)["results"][0]["status"] == "accepted"
    [entry] = quarantine(client, auth, status="all")["items"]
    assert entry["status"] == "reapplied" and entry["resolved_event_id"] == check_in["id"]


def test_reapply_with_a_correction_applies_it_and_records_who(client, auth, register):
    worker = register()
    wrong = envelope("fair.checked_in", 1, worker_id="typo-id", context={"fair_id": "f"})
    push(client, auth, "fair_staff", "fair-1", wrong)
    entry_id = quarantine(client, auth)["items"][0]["id"]
    response = client.post(f"/api/sync/quarantine/{entry_id}/reapply",
                           json={"corrections": {"worker_id": worker["id"]},
                                 "note": "worker id mistyped"},
                           headers=auth.headers("county"))
    assert response.status_code == 200, response.json
    entry = response.json
    assert entry["status"] == "reapplied" and entry["resolved_by"] == auth.users["county"].id
    assert (
        entry["resolution"] == "worker id mistyped" and entry["resolved_event_id"] == wrong["id"]
    )
    timeline = client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers()).json
    checked_in = next(e for e in timeline if e["type"] == "fair.checked_in")
    assert checked_in["actor"]["name"] == "tongwei-fair" and checked_in["device_id"] == "fair-1"
    again = client.post(f"/api/sync/quarantine/{entry_id}/reapply", json={},
                        headers=auth.headers())
    assert again.status_code == 409


def test_reapply_still_refused_answers_the_reason_and_stays_open(client, auth):
    push(client, auth, "admin", "a",
         envelope("fair.checked_in", 1, worker_id="nobody", context={"fair_id": "f"}))
    entry_id = quarantine(client, auth)["items"][0]["id"]
    response = client.post(f"/api/sync/quarantine/{entry_id}/reapply", json={},
                           headers=auth.headers())
    assert response.status_code == 422 and response.json["code"] == "unknown_worker"
    assert db.session.get(QuarantinedEvent, entry_id).status == "open"


def test_dismiss_needs_a_reason_a_second_reviewer_and_is_recorded(client, auth):
    push(client, auth, "workstation", "ws",
         envelope("fair.checked_in", 1, worker_id="nobody", context={"fair_id": "f"}))
    entry_id = quarantine(client, auth)["items"][0]["id"]
    assert (
        client.post(
            f"/api/sync/quarantine/{entry_id}/dismiss", json={}, headers=auth.headers("county")
        ).status_code
        == 422
    )
    # who pushed (or made) a refused scan does not drop it: it may be the evidence of their own
    # attempt
    own = client.post(f"/api/sync/quarantine/{entry_id}/dismiss", json={"reason": "mine"},
                      headers=auth.headers("workstation"))
    assert own.status_code == 403 and "另一位审核员" in own.json["message"]
    response = client.post(f"/api/sync/quarantine/{entry_id}/dismiss",
                           json={"reason": "test scan at training"},
                           headers=auth.headers("county"))
    assert (
        response.json["status"] == "dismissed"
        and response.json["resolution"] == "test scan at training"
    )
    assert (
        quarantine(client, auth)["total"] == 0
        and quarantine(client, auth, status="dismissed")["total"] == 1
    )
    [entry] = db.session.query(AuditEntry).filter_by(action="quarantine.dismissed").all()
    assert (entry.actor_id, entry.target) == (auth.users["county"].id, f"quarantine:{entry_id}")


def test_a_quarantined_registration_keeps_the_id_number_encrypted_and_answers_it_masked(
    client, auth
):
    """A registration refused (a Longxi officer registering a Tongwei person) is kept, but its ID
    number only as the workers table keeps one; re-applied by an admin, the person is registered
    with it."""
    from sqlalchemy import text

    from tests.conftest import person

    sent = envelope("worker.registered", 1, data=person(31))
    number = sent["data"]["id_number"]
    assert statuses(push(client, auth, "other_county", "lx-phone", sent)) == [
        ("rejected", "out_of_scope")
    ]
    stored = db.session.execute(text("SELECT envelope, message FROM quarantine")).one()
    assert number not in str(stored.envelope) and number not in stored.message
    [entry] = quarantine(client, auth)["items"]
    assert entry["envelope"]["data"]["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert not {"id_number", "id_number_enc", "id_number_bidx"} & set(entry["envelope"]["data"])
    assert entry["envelope"]["data"]["name"] == sent["data"]["name"]
    reviewed = client.post(f"/api/sync/quarantine/{entry['id']}/reapply",
                           json={"note": "通渭籍，县里核实"}, headers=auth.headers())
    assert reviewed.status_code == 200, reviewed.json
    [worker] = db.session.scalars(select(Worker)).all()
    assert (worker.name, worker.id_last4) == (sent["data"]["name"], number[-4:])
    assert decrypt_field(worker.id, "id_number", worker.id_number_enc) == number


def test_a_quarantined_number_is_revealed_only_by_the_reveal_rule_and_audited(client, auth):
    from tests.api.test_reveal import signed_in
    from tests.conftest import person

    sent = envelope("worker.registered", 1, data=person(32))
    number = sent["data"]["id_number"]
    assert statuses(push(client, auth, "other_county", "lx-phone", sent)) == [
        ("rejected", "out_of_scope")
    ]
    [entry] = quarantine(client, auth)["items"]
    url = f"/api/sync/quarantine/{entry['id']}/reveal-id"
    reason = {"reason": "核对重复登记 checking a duplicate"}
    # a token never reveals
    assert client.post(url, json=reason, headers=auth.headers()).status_code == 403
    assert (
        client.post(
            url, json=reason, headers=signed_in(client, auth, "admin", minutes_ago=6)
        ).status_code
        == 403
    )
    assert (
        client.post(url, json=reason, headers=signed_in(client, auth, "fair_staff")).status_code
        == 403
    )
    assert (
        client.post(url, json={"reason": ""}, headers=signed_in(client, auth, "admin")).status_code
        == 422
    )
    assert db.session.query(AuditEntry).filter_by(action="id.revealed").count() == 0
    revealed = client.post(url, json=reason, headers=signed_in(client, auth, "admin"))
    assert revealed.status_code == 200 and revealed.json["id_number"] == number
    [audited] = db.session.query(AuditEntry).filter_by(action="id.revealed").all()
    assert (audited.actor_id, audited.target) == (auth.users["admin"].id,
                                                  f"quarantine:{entry['id']}")
    assert number not in str(audited.details)
    # County staff see their own county's entries only, and reveal nothing from next door's.
    outsider = "county" if entry["county_code"] != "621121" else "other_county"
    assert (
        client.post(url, json=reason, headers=signed_in(client, auth, outsider)).status_code == 404
    )
    scanned = envelope("station.arrived", 2, worker_id="no-such-worker")
    push(client, auth, "greeter", "g-phone", scanned)
    other = quarantined(client, auth, scanned["id"])
    assert client.post(f"/api/sync/quarantine/{other['id']}/reveal-id", json=reason,
                       # it carries no number
                       headers=signed_in(client, auth, "admin")).status_code == 404


def test_the_list_says_who_pushed_what_the_card_says_the_worker_masked_and_where(
    client, auth, register
):
    """What a reviewer reads an entry by: names, never a full ID number; a forged card's own claims
    as it states them; a worker named by id only when the reviewer may see them."""
    from server.domain.base45 import b45decode, b45encode
    from tests.conftest import person

    worker = register()
    number = person()["id_number"]
    genuine = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    body = bytearray(b45decode(genuine[4:]))
    body[-1] ^= 0x01  # one bit of the signature: still a card, no longer genuine
    forged = envelope("fair.checked_in", 1, credential="LP1:" + b45encode(bytes(body)),
                      context={"fair_id": "f"})
    assert statuses(push(client, auth, "fair_staff", "fair-1", forged)) == [("rejected",
                                                                             "bad_signature")]
    keyed = envelope("station.arrived", 2, worker_id=worker["id"],
                     context={"station": "福州站", "batch_id": "b"})
    assert statuses(push(client, auth, "other_county", "lx", keyed)) == [("rejected",
                                                                          "out_of_scope")]

    response = client.get("/api/sync/quarantine", headers=auth.headers("county"))
    assert number not in response.get_data(as_text=True)
    entries = {e["event_id"]: e["summary"] for e in response.json["items"]}
    card_entry, id_entry = entries[forged["id"]], entries[keyed["id"]]
    assert card_entry["pushed_by"] == {"id": auth.users["fair_staff"].id, "name": "tongwei-fair",
                                       "role": "fair_staff"}
    assert card_entry["card"] == {"name": person()["name"], "id_last4": number[-4:],
                                  "county_code": "621121"}
    assert card_entry["worker"] is None and card_entry["places"] == {"fair_id": "通渭县春季招聘会"}
    assert id_entry["worker"] == {"id": worker["id"], "name": person()["name"],
                                  "id_masked": number[:6] + "********" + number[-4:]}
    assert id_entry["places"] == {"batch_id": "通渭—福州 第1批", "station": "福州站"}
    assert id_entry["pushed_by"]["role"] == "county" and id_entry["resolver"] is None
    # settled: who settled it, in the answer and in the list
    dismissed = client.post(f"/api/sync/quarantine/{response.json['items'][0]['id']}/dismiss",
                            json={"reason": "测试"}, headers=auth.headers("workstation")).json
    assert dismissed["summary"]["resolver"] == {"id": auth.users["workstation"].id,
                                                "name": "tongwei-ws", "role": "workstation"}


def test_a_worker_named_by_id_in_an_entry_is_shown_only_to_who_may_see_them(client, auth,
                                                                            register):
    """An id alone names nobody to a reviewer whose scope the worker is not in: an envelope too
    broken to judge, pushed by a Longxi officer naming a Tongwei worker's id, is Longxi's to review
    (the pusher's county) and shows no name there; the admin sees whom it names."""
    worker = register()
    broken = envelope("fair.checked_in", 1, worker_id=worker["id"], context={"fair_id": "f"},
                      data={"bogus": 1})
    assert statuses(push(client, auth, "other_county", "lx", broken)) == [("rejected",
                                                                           "invalid_envelope")]
    [seen_there] = quarantine(client, auth, "other_county")["items"]
    assert seen_there["summary"]["worker"] is None
    [seen_by_admin] = quarantine(client, auth, "admin")["items"]
    assert seen_by_admin["summary"]["worker"]["name"] == worker["name"]
