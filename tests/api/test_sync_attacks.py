"""A second pair of eyes on who vouches for a scan: each test is an attack an ordinary account of
some role would try, asserting the safe behaviour (written by a reviewer who tried to break the
change; the ones that first failed are the holes fixed since: forged temporary passes, ids of
another county's people, a former employer, an alias over someone's record, a re-apply vouching
for a later member, a blocked phone, an offline duplicate dated first)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlalchemy import func, select

from server.extensions import db
from server.models import (
    AuditEntry,
    Change,
    Device,
    DeviceUser,
    Event,
    QuarantinedEvent,
    User,
    Worker,
    WorkerAlias,
)
from tests.api.sync_helpers import T0, TZ, envelope, push, statuses, void_reviewed
from tests.conftest import person
from tests.phones import Phone, b64url, p1363

# its scans name the fair "f", the batch "b", the training "t"
pytestmark = pytest.mark.usefixtures("fair", "batch", "training")

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def now(minutes: int = 0) -> dt.datetime:
    return dt.datetime.now(TZ).replace(microsecond=0) + dt.timedelta(minutes=minutes)


def snapshot() -> dict:
    db.session.expire_all()
    return {
        "devices": db.session.scalar(select(func.count()).select_from(Device)),
        "members": sorted((m.device_id, m.user_id, m.bound_at is not None)
                          for m in db.session.scalars(select(DeviceUser))),
        "keys": sorted((d.id, d.public_key) for d in db.session.scalars(select(Device))),
        "events": db.session.scalar(select(func.count()).select_from(Event)),
        "quarantine": db.session.scalar(select(func.count()).select_from(QuarantinedEvent)),
        "changes": db.session.scalar(select(func.count()).select_from(Change)),
        "device_audit": db.session.scalar(select(func.count()).select_from(AuditEntry)
                                          .where(AuditEntry.action.like("device.%"))),
    }


def raw_push(phone_client, body: bytes, headers: dict):
    return phone_client.post("/api/sync/push", data=body,
                             headers={"Content-Type": "application/json"} | headers)


def signed_headers(key, device_id: str, body: bytes, at: int | None = None) -> dict:
    at = at if at is not None else int(time.time() * 1000)
    message = f"LP-PUSH1\n{device_id}\n{at}\n{b64url(hashlib.sha256(body).digest())}".encode()
    return {"X-Device-Time": str(at), "X-Device-Signature": p1363(key, message)}


def spki(key) -> str:
    return b64url(key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))


def foreign_keys() -> dict[str, str]:
    """Public keys of the wrong kind for a phone, base64url SPKI: P-384, RSA and Ed25519."""
    return {"P384": spki(ec.generate_private_key(ec.SECP384R1())),
            "RSA": spki(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
            "ED": spki(ed25519.Ed25519PrivateKey.generate())}


def arrived_and_met(client, auth, card, seq=1):
    body = push(client, auth, "greeter", "station-phone",
                envelope(credential=card, seq=seq, at=now(-60)))
    assert statuses(body) == [("accepted", None)], body


# ====================================================================== An id is not a key:
# temporary passes


def test_an_employer_cannot_onboard_with_a_temporary_pass_forged_from_a_worker_id(
    client, auth, worker, card
):
    """The worker was registered at the office (no temporary pass ever existed) and met at the
    station. The employer never scanned them, only knows their id."""
    arrived_and_met(client, auth, card)
    forged = f"LPT1:{worker['id'].upper()}"
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, worker_id=worker["id"], temporary_pass=forged,
                         at=now()))
    read = client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
    employer = db.session.get(Worker, worker["id"]).current_employer_id
    assert (body["results"][0]["status"], read, employer) == ("rejected", 404, None), \
        (body["results"][0]["status"], body["results"][0]["flags"], read, employer)


def test_a_greeter_gains_no_scope_from_a_temporary_pass_forged_from_a_worker_id(
    client, auth, worker
):
    forged = f"LPT1:{worker['id'].upper()}"
    body = push(client, auth, "greeter", "station-phone",
                envelope(worker_id=worker["id"], temporary_pass=forged, at=now()))
    read = client.get(f"/api/workers/{worker['id']}", headers=auth.headers("greeter")).status_code
    assert (body["results"][0]["status"], read) == ("rejected", 404), (body["results"][0], read)


def test_the_60_days_of_a_temporary_pass_cannot_be_stretched_by_the_devices_clock(client, auth):
    """Registered offline in February; in December the pass is expired, so the attacker dates the
    scan a day after the registration (occurred_at is the device's to say)."""
    registered = push(client, auth, "fair_staff", "fair-phone",
                      envelope("worker.registered", 1, data=person(n=7),
                                                                          at=T0))["results"][0]
    assert registered["status"] == "accepted"
    forged = f"LPT1:{registered['worker_id'].upper()}"
    at_fair = dict(worker_id=registered["worker_id"], temporary_pass=forged,
                   context={"fair_id": "f"})
    honest = push(client, auth, "fair_staff", "fair-phone",
                  envelope("fair.checked_in", 2, at=now(), **at_fair))
    assert statuses(honest) == [("rejected", "temporary_pass_expired")]
    backdated = push(client, auth, "fair_staff", "fair-phone",
                     envelope("fair.checked_in", 3, at=T0 + dt.timedelta(days=1), **at_fair),
                     prompt=False)
    assert statuses(backdated) == [("rejected", "temporary_pass_expired")]


# ====================================================================== An id is not a key: bare
# worker ids


BARE_ID = {
    "worker.updated": dict(data={"phone": "13900000099"}),
    "fair.checked_in": dict(context={"fair_id": "f"}),
    "fair.intent_signed": dict(context={"fair_id": "f"}),
    "batch.assigned": dict(context={"batch_id": "b"}),
    "batch.departed": dict(context={"batch_id": "b"}),
    "station.arrived": dict(context={"station": "福州站"}),
    "employer.onboarded": dict(data={"wage": 4000}),
    "employment.confirmed": dict(),
    "employment.reassigned": dict(),
    "employment.ended": dict(data={"reason": "pay"}),
    "training.attended": dict(context={"training_id": "t"}),
    "event.voided": dict(),
}


@pytest.mark.parametrize("who", ["employer", "greeter", "worker_self"])
@pytest.mark.parametrize("type", sorted(BARE_ID))
def test_a_bare_worker_id_records_nothing_for_a_worker_never_scanned(client, auth, worker,
                                                                     register, who, type):
    victim = register(n=2)
    stored = db.session.scalar(select(Event.id).where(Event.worker_id == victim["id"]))
    extra = dict(BARE_ID[type])
    if type == "event.voided":
        extra["data"] = {"event_id": stored, "reason": "x"}
    if who == "worker_self":
        from server.services.auth import create_token
        invite = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                             headers=auth.headers())
        auth.users["worker"] = db.session.get(User, invite.json["user_id"])
        auth.tokens["worker"] = create_token(auth.users["worker"], "test")
        db.session.commit()
        who = "worker"
    before = snapshot()["events"]
    body = push(client, auth, who, f"{who}-phone",
                envelope(type, 1, worker_id=victim["id"], **extra))
    assert body["results"][0]["status"] == "rejected", body["results"]
    assert snapshot()["events"] == before
    assert client.get(f"/api/workers/{victim['id']}", headers=auth.headers(who)).status_code == 404


def test_fair_staff_cannot_record_by_bare_id_a_worker_of_another_county(client, auth, register):
    """ID_ALONE gives office roles "scope": the worker must be in their scope. At a fair of their
    own county, the fair clerk names by id a worker from the next county they never saw."""
    longxi = register(n=10, home={"county_code": "621122", "township": "首阳镇"})
    body = push(client, auth, "fair_staff", "fair-phone",
                envelope("fair.checked_in", 1, worker_id=longxi["id"], context={"fair_id": "f"}),
                envelope("fair.intent_signed", 2, worker_id=longxi["id"],
                         context={"fair_id": "f", "employer_id": auth.employer_id()}))
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected"], body["results"]


def test_a_county_officer_cannot_put_another_countys_worker_on_a_batch_by_id_and_widen_a_greeter(
    client, auth, register
):
    longxi = register(n=11, home={"county_code": "621122", "township": "首阳镇"})
    body = push(client, auth, "county", "county-laptop",
                envelope("batch.assigned", 1, worker_id=longxi["id"], context={"batch_id": "b"}))
    read = client.get(f"/api/workers/{longxi['id']}", headers=auth.headers("greeter")).status_code
    assert (body["results"][0]["status"], read) == ("rejected", 404), (
        body["results"][0]["status"],
        read,
    )


def test_an_office_registration_cannot_alias_an_existing_workers_id_to_someone_else(
    client, auth, register
):
    """A fair clerk 'registers offline' the person W2 (ID number known) under the device-made id of
    the real worker W1: later scans naming W1 by id must still be W1's."""
    w1, w2 = register(n=21), register(n=22)
    body = push(client, auth, "fair_staff", "fair-phone",
                envelope("worker.registered", 1, worker_id=w1["id"], data=person(n=22), at=now(1)))
    assert body["results"][0]["worker_id"] == w2["id"]  # the duplicate is found
    assigned = push(client, auth, "workstation", "ws-laptop",
                    envelope("batch.assigned", 1, worker_id=w1["id"], context={"batch_id": "b"},
                             at=now(2)))
    assert assigned["results"][0]["worker_id"] == w1["id"], "W1's scan went to W2"
    assert db.session.get(WorkerAlias, w1["id"]) is None, (
        "an existing worker's id now points to another person"
    )


# ====================================================================== employers: scope and
# authority


def _onboard_by_card(client, auth, card, who, device, seq):
    body = push(client, auth, who, device,
                envelope("employer.onboarded", seq, credential=card, at=now(-30 + seq)))
    assert body["results"][0]["status"] == "accepted", body
    return body["results"][0]


def test_a_former_employer_cannot_end_the_employment_at_the_new_employer_by_id(
    client, auth, worker, card
):
    arrived_and_met(client, auth, card)
    _onboard_by_card(client, auth, card, "employer", "hr-phone", 1)
    ended = push(client, auth, "employer", "hr-phone",
                 envelope("employment.ended", 2, credential=card, at=now(-20),
                                                                data={"reason": "contract_ended"}))
    assert statuses(ended) == [("accepted", None)]
    result = _onboard_by_card(client, auth, card, "other_employer", "rq-phone", 15)
    assert result["flags"] == []
    assert db.session.get(Worker, worker["id"]).current_employer_id == auth.employer_id(
        "other_employer"
    )
    attack = push(client, auth, "employer", "hr-phone",
                  envelope("employment.ended", 3, worker_id=worker["id"], at=now(),
                                                                 data={"reason": "dismissed"}))
    db.session.expire_all()
    current = db.session.get(Worker, worker["id"]).current_employer_id
    assert (attack["results"][0]["status"], current) == ("rejected",
                                                         auth.employer_id("other_employer")), \
        (attack["results"][0]["status"], current, db.session.get(Worker, worker["id"]).status)


def test_an_employer_cannot_name_another_employer_in_the_context(client, auth, worker, card):
    arrived_and_met(client, auth, card)
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, credential=card, at=now(),
                         context={"employer_id": auth.employer_id("other_employer")}))
    assert statuses(body) == [("rejected", "out_of_scope")]


def test_an_onboarding_awaiting_review_gives_no_id_alone_authority_even_within_the_same_push(
    client, auth, worker, card
):
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, credential=card, at=now(-5)),
                envelope("employment.confirmed", 2, worker_id=worker["id"], at=now(-4)),
                envelope("training.attended", 3, worker_id=worker["id"],
                         context={"training_id": "t"}, at=now(-3)))
    assert body["results"][0]["flags"] == ["onboarded_without_arrival"]
    assert [r["status"] for r in body["results"][1:]] == ["rejected", "rejected"], body["results"]


def test_a_second_employers_card_onboarding_awaiting_review_gives_it_nothing(client, auth, worker,
                                                                             card):
    arrived_and_met(client, auth, card)
    _onboard_by_card(client, auth, card, "employer", "hr-phone", 1)
    second = push(client, auth, "other_employer", "rq-phone",
                  envelope("employer.onboarded", 1, credential=card, at=now()))
    assert "second_employer" in second["results"][0]["flags"]
    rq = auth.headers("other_employer")
    assert client.get(f"/api/workers/{worker['id']}", headers=rq).status_code == 404
    assert client.get("/api/workers", headers=rq).json["total"] == 0
    confirm = push(client, auth, "other_employer", "rq-phone",
                   envelope("employment.confirmed", 2, worker_id=worker["id"]))
    assert confirm["results"][0]["status"] == "rejected"


@pytest.mark.parametrize("how", ["awaiting_review", "voided"])
def test_an_onboarding_that_does_not_count_opens_no_read_export_or_pull(client, auth, worker, card,
                                                                        how):
    if how == "awaiting_review":
        body = push(client, auth, "employer", "hr-phone",
                    envelope("employer.onboarded", 1, credential=card, at=now()))
        assert body["results"][0]["flags"] == ["onboarded_without_arrival"]
    else:
        arrived_and_met(client, auth, card)
        result = _onboard_by_card(client, auth, card, "employer", "hr-phone", 1)
        void_reviewed(client, auth, envelope("event.voided", 1, worker_id=worker["id"], at=now(),
                                             data={"event_id": result["id"], "reason": "x"}))
    hr = auth.headers("employer")
    assert client.get(f"/api/workers/{worker['id']}", headers=hr).status_code == 404
    assert client.get(f"/api/workers/{worker['id']}/events", headers=hr).status_code == 404
    assert client.get(f"/api/workers/{worker['id']}/eligibility", headers=hr).status_code in (
        403,
        404,
    )
    assert client.get(f"/api/workers/{worker['id']}/card.svg", headers=hr).status_code in (
        403,
        404,
    )
    assert client.get("/api/workers", headers=hr).json["total"] == 0
    assert (
        client.get(f"/api/workers?employer_id={auth.employer_id()}", headers=hr).json["total"] == 0
    )
    exported = client.get("/api/workers/export?format=csv", headers=hr)
    assert exported.status_code == 200 and worker["id"] not in exported.get_data(as_text=True)
    assert "张秀英" not in exported.get_data(as_text=True)
    found = client.post("/api/workers/search", json={"id_number": person(1)["id_number"]},
                        headers=hr)
    assert found.status_code in (403, 404) or found.json["total"] == 0
    pulled = client.get("/api/sync/pull?device_id=hr-phone", headers=hr).json
    assert [c for c in pulled["changes"] if c["kind"] == "worker"] == []


def test_a_greeters_scope_from_a_voided_assignment_or_an_arrival_awaiting_review_is_gone(
    client, auth, worker, card
):
    assigned = push(client, auth, "county", "county-laptop",
                    envelope("batch.assigned", 1, worker_id=worker["id"],
                             context={"batch_id": "b"}))
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("greeter")).status_code
        == 200
    )
    push(
        client,
        auth,
        "county",
        "county-laptop",
        envelope(
            "event.voided",
            2,
            worker_id=worker["id"],
            data={"event_id": assigned["results"][0]["id"], "reason": "x"},
        ),
    )
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("greeter")).status_code
        == 404
    )
    body = push(client, auth, "greeter", "station-phone", envelope(worker_id=worker["id"], seq=1,
                                                                  context={"station": "福州站",
                                                                           "batch_id": "b"}))
    assert body["results"][0]["status"] == "rejected"


# ====================================================================== quarantine: who may
# re-apply, and as whom


@pytest.mark.parametrize("who", ["employer", "greeter", "fair_staff", "other_county"])
def test_no_ordinary_role_reapplies_or_dismisses_a_quarantined_onboarding(client, auth, worker,
                                                                          who):
    push(client, auth, "employer", "hr-phone",
         envelope("employer.onboarded", 1, worker_id=worker["id"]))
    entry = db.session.scalar(select(QuarantinedEvent.id))
    assert client.get("/api/sync/quarantine", headers=auth.headers(who)).status_code in (403, 200)
    listed = client.get("/api/sync/quarantine", headers=auth.headers(who))
    assert listed.status_code == 403 or listed.json["total"] == 0
    for action, body in (("reapply", {"note": "x"}), ("dismiss", {"reason": "x"})):
        response = client.post(f"/api/sync/quarantine/{entry}/{action}", json=body,
                               headers=auth.headers(who))
        assert response.status_code in (403, 404), (action, response.json)
    assert db.session.get(QuarantinedEvent, entry).status == "open"
    assert client.post(f"/api/reviews/{entry}", json={"outcome": "accepted", "note": "x"},
                       headers=auth.headers(who)).status_code in (403, 404)


def test_a_reapply_does_not_vouch_for_a_scanner_the_original_unsigned_push_could_not(
    app, client, auth, card
):
    """The employer's phone, used by token first (no key): a scan naming the fair clerk is
    quarantined unknown_scanner. Later the clerk signs in on that phone once. A reviewer
    re-applying the OLD unsigned entry must not record it as the clerk's."""
    clerk = auth.users["fair_staff"]
    body = push(client, auth, "employer", "hr-shared",
                envelope("fair.checked_in", 1, credential=card,
                                                               context={"fair_id": "f"},
                         scanned_by=clerk.id))
    assert statuses(body) == [("rejected", "unknown_scanner")]
    phone = Phone(app, "hr-shared")
    phone.sign_in(auth.users["employer"])  # a member: gives the phone its key, bound
    phone.sign_out()
    phone.sign_in(clerk)  # joins, bound
    entry = db.session.scalar(select(QuarantinedEvent.id))
    reviewed = client.post(f"/api/sync/quarantine/{entry}/reapply", json={"note": "ok"},
                           headers=auth.headers("admin"))
    assert reviewed.status_code in (200, 422), reviewed.json
    stored = db.session.scalar(select(Event).where(Event.type == "fair.checked_in"))
    assert stored is None or stored.actor_id != clerk.id, \
        (reviewed.status_code, "stored as the clerk's", (stored.actor_id, stored.pushed_by))


# ====================================================================== joining phones


def test_a_key_cannot_be_given_to_a_keyless_phone_someone_else_uses(app, client, auth):
    # first push: keyless
    push(client, auth, "greeter", "greeter-phone", envelope(credential=None, worker_id="x", seq=1))
    before = snapshot()
    key = ec.generate_private_key(ec.SECP256R1())
    refused = client.post("/api/devices",
                          json={"device_id": "greeter-phone", "public_key": spki(key)},
                          headers=auth.headers("employer"))
    assert refused.status_code == 403 and refused.json["code"] == "not_device_member"
    thief = Phone(app, "greeter-phone")
    thief.key = key
    response = thief.sign_in(auth.users["employer"], expect=403)
    assert response.json["code"] == "not_device_member"
    assert thief.client.get("/api/auth/me").status_code == 401
    after = snapshot()
    assert {k: after[k] for k in ("devices", "members", "keys", "events")} == \
        {k: before[k] for k in ("devices", "members", "keys", "events")}


def test_a_device_registered_by_one_user_is_not_joined_by_another_registering_it(client, auth):
    key = ec.generate_private_key(ec.SECP256R1())
    assert client.post("/api/devices", json={"device_id": "mine", "public_key": spki(key)},
                       headers=auth.headers("greeter")).status_code == 200
    for who in ("employer", "county", "workstation", "fair_staff"):
        for body in ({"device_id": "mine"}, {"device_id": "mine", "public_key": spki(key)},
                     {"device_id": "mine", "name": "x"}):
            response = client.post("/api/devices", json=body, headers=auth.headers(who))
            assert response.status_code == 403, (who, body, response.json)
    assert [m.user_id for m in db.session.scalars(select(DeviceUser))] == [
        auth.users["greeter"].id
    ]


def test_a_join_proof_from_an_earlier_challenge_is_refused(app, auth):
    phone = Phone(app, "phone-a")
    phone.sign_in(auth.users["greeter"])
    phone.sign_out()
    old_options = phone.client.post("/api/auth/login/options").json
    old_proof = phone.join_proof(old_options["challenge"])
    thief = Phone(app, "phone-a")
    thief.key = ec.generate_private_key(ec.SECP256R1())
    thief.sign_in(auth.users["employer"], expect=403, proof=lambda options: old_proof)
    assert db.session.get(DeviceUser, ("phone-a", auth.users["employer"].id)) is None


def test_replaying_a_whole_sign_in_is_refused(app, auth):
    phone = Phone(app, "phone-r")
    phone.enroll(db.session.get(User, auth.users["greeter"].id))
    options = phone.client.post("/api/auth/login/options").json
    body = {"credential": phone.passkeys["greeter"].get(options),
            "device": phone.join_proof(options["challenge"])}
    cookie = phone.client.get_cookie("laborpass_session")
    assert phone.client.post("/api/auth/login/verify", json=body).status_code == 200
    other = app.test_client()
    other.set_cookie("laborpass_session", cookie.value)  # the session that held the challenge id
    assert other.post("/api/auth/login/verify", json=body).status_code == 400


@pytest.mark.parametrize("device", [
    {"device_id": "n1", "public_key": "not-a-key", "signature": "AAAA"},
    {"device_id": "n2", "signature": "AAAA"},  # new phone, no key
    {"device_id": "n3", "public_key": "", "signature": "AAAA"},
    {"device_id": "n4", "public_key": "A" * 401, "signature": "AAAA"},
    {"device_id": "n5", "public_key": "P384", "signature": "AAAA"},
    {"device_id": "n6", "public_key": "RSA", "signature": "AAAA"},
    {"device_id": "n7", "public_key": "OK", "signature": "A" * 201},
    {"device_id": "n8", "public_key": "OK", "signature": "!!!!"},
    {"device_id": "n9", "public_key": "OK", "signature": "ZERO"},
    {"device_id": "x" * 101, "public_key": "OK", "signature": "AAAA"},
    {"device_id": "nl\nLP-PUSH1", "public_key": "OK", "signature": "AAAA"},
    {"device_id": "", "public_key": "OK", "signature": "AAAA"},
    "not-an-object",
    {"device_id": 5, "public_key": "OK", "signature": 7},
])
def test_a_malformed_sign_in_proof_is_a_4xx_and_signs_no_one_in(app, auth, device):
    phone = Phone(app, "ignored")
    keys = foreign_keys() | {"OK": phone.public_key}
    if isinstance(device, dict):
        device = dict(device)
        if device.get("public_key") in keys:
            device["public_key"] = keys[device["public_key"]]
        if device.get("signature") == "ZERO":
            device["signature"] = b64url(bytes(64))
    before = snapshot()
    response = phone.sign_in(auth.users["greeter"], expect=response_code_4xx(),
                             proof=lambda options: device)
    assert 400 <= response.status_code < 500
    assert phone.client.get("/api/auth/me").status_code == 401
    after = snapshot()
    assert (after["devices"], after["members"]) == (before["devices"], before["members"])


class response_code_4xx(int):
    """``Phone.sign_in`` asserts ``status == expect``: any 4xx equals this."""

    def __new__(cls):
        return super().__new__(cls, 400)

    def __eq__(self, other):
        return isinstance(other, int) and 400 <= other < 500

    __hash__ = int.__hash__


@pytest.mark.parametrize("bad", ["", "A", "A" * 401, "!!", "P384", "RSA", "ED"])
def test_a_malformed_public_key_on_register_is_a_422(client, auth, bad):
    keys = foreign_keys()
    response = client.post("/api/devices",
                           json={"device_id": "k", "public_key": keys.get(bad, bad)},
                           headers=auth.headers("greeter"))
    assert response.status_code == 422, response.json
    assert db.session.get(Device, "k") is None


# ====================================================================== signed pushes


@pytest.fixture
def shared(app, auth):
    """A shared station phone: the greeter and the employer both signed in on it (bound)."""
    phone = Phone(app, "shared-station")
    phone.sign_in(auth.users["greeter"])
    phone.sign_out()
    phone.sign_in(auth.users["employer"])
    return phone


def test_a_push_signed_by_another_phone_or_for_another_device_id_is_refused(app, client, auth,
                                                                            card, shared):
    own = Phone(app, "employer-own")
    own.sign_in(auth.users["employer"])  # the employer's own phone, and its key
    scan = envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id)
    # 1. the shared phone's id in the body, signed with the employer's own phone key
    assert own.push(scan, device_id=shared.device_id).status_code == 403
    # 2. a signature the employer's own phone made for its own id, over a body naming the shared
    # phone
    body = json.dumps({"device_id": shared.device_id, "events": [scan]}).encode()
    at = int(time.time() * 1000)
    message = f"LP-PUSH1\n{own.device_id}\n{at}\n{b64url(hashlib.sha256(body).digest())}".encode()
    headers = {"X-Device-Time": str(at), "X-Device-Signature": p1363(own.key, message),
               "X-CSRF-Token": own.csrf}
    response = raw_push(own.client, body, headers)
    assert response.status_code == 403, response.json
    # 3. the same, sent from the shared phone's session (the employer is signed in there)
    response = raw_push(shared.client, body, headers | {"X-CSRF-Token": shared.csrf})
    assert response.status_code == 403 and response.json["code"] == "device_signature_invalid"
    assert db.session.query(Event).filter(Event.type == "station.arrived").count() == 0


def test_a_body_changed_after_signing_by_a_single_byte_is_refused(client, auth, card, shared):
    scan = envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id)
    body = json.dumps({"device_id": shared.device_id, "events": [scan]}).encode()
    headers = signed_headers(shared.key, shared.device_id, body) | {"X-CSRF-Token": shared.csrf}
    for changed in (
        body + b" ",
        b" " + body,
        body.replace(b'", "', b'","', 1),
        json.dumps({"device_id": shared.device_id, "events": [scan], "device_id2": 1}).encode(),
    ):
        response = raw_push(shared.client, changed, headers)
        assert (
            response.status_code == 403 and response.json["code"] == "device_signature_invalid"
        ), changed
    assert raw_push(shared.client, body, headers).status_code == 200


@pytest.mark.parametrize("time_header, expected", [
    (lambda t: str(t + 11 * 60 * 1000), 409),
    (lambda t: str(t - 11 * 60 * 1000), 409),
    (lambda t: "0", 409),
    (lambda t: str(2**53), 409),
    (lambda t: str(2**53 + 1), 422),
    (lambda t: "-1", 422),
    (lambda t: "abc", 422),
    (lambda t: "1.5", 422),
    (lambda t: "1e12", 422),
    (lambda t: "", 422),
    (lambda t: "9" * 5000, 422),
    # whitespace: either refused (4xx) or verified over its own text
    (lambda t: " " + str(t), None),
])
def test_odd_signing_times_are_4xx_never_500(client, auth, card, shared, time_header, expected):
    scan = envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id)
    body = json.dumps({"device_id": shared.device_id, "events": [scan]}).encode()
    t = int(time.time() * 1000)
    sent = time_header(t)
    try:
        at = int(sent)
    except ValueError:
        at = t
    headers = signed_headers(shared.key, shared.device_id, body, at=at)
    headers["X-Device-Time"] = sent
    response = raw_push(shared.client, body, headers | {"X-CSRF-Token": shared.csrf})
    if expected is None:
        assert response.status_code < 500
    else:
        assert response.status_code == expected, (sent[:30], response.status_code,
                                                  response.get_data(as_text=True)[:300])


def _raw_sig(key, message: bytes) -> tuple[int, int]:
    return decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))


@pytest.mark.parametrize("mangle", ["short", "long", "zero", "r_is_n", "garbage", "huge", "padded",
                                    "std_b64", "high_s"])
def test_odd_signatures_are_4xx_never_500_and_malleability_gains_nothing(client, auth, card,
                                                                         shared, mangle):
    scan = envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id)
    body = json.dumps({"device_id": shared.device_id, "events": [scan]}).encode()
    at = int(time.time() * 1000)
    message = (
        f"LP-PUSH1\n{shared.device_id}\n{at}\n{b64url(hashlib.sha256(body).digest())}".encode()
    )
    r, s = _raw_sig(shared.key, message)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    signature = {
        "short": b64url(raw[:63]), "long": b64url(raw + b"\0"), "zero": b64url(bytes(64)),
        "r_is_n": b64url(P256_N.to_bytes(32, "big") + s.to_bytes(32, "big")),
        "garbage": "@@@@####",
        "huge": "A" * 100_000, "padded": b64url(raw) + "==",
        "std_b64": base64.b64encode(raw).decode(),
        "high_s": b64url(r.to_bytes(32, "big") + (P256_N - s).to_bytes(32, "big")),
    }[mangle]
    response = raw_push(shared.client, body,
                        {"X-Device-Time": str(at), "X-Device-Signature": signature,
                                              "X-CSRF-Token": shared.csrf})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if mangle in ("short", "long", "zero", "r_is_n", "garbage", "huge"):
        assert 400 <= response.status_code < 500
        assert db.session.query(Event).filter(Event.type == "station.arrived").count() == 0
    # an equivalent signature of the very same body: it can only repeat that body
    if response.status_code == 200:
        assert statuses(response.json) == [("accepted", None)]
        again = shared.push(scan)
        assert statuses(again.json) == [("duplicate", None)]


def test_scanned_by_on_an_unsigned_push_to_a_keyless_phone_names_no_one(client, auth, card,
                                                                        shared):
    """The employer pushes from a phone it registered without a key (a script): naming the greeter
    (bound to another phone they share) must be quarantined."""
    body = push(client, auth, "employer", "script-phone",
                envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id))
    assert statuses(body) == [("rejected", "unknown_scanner")]


def test_a_bound_member_pushing_from_elsewhere_by_session_without_the_phones_key_is_refused(
    app, auth, card, shared
):
    laptop = Phone(app, "laptop-browser")
    # a plain sign-in on a laptop: joins nothing
    laptop.sign_in(auth.users["employer"], proof=False)
    scan = envelope(credential=card, seq=1, scanned_by=auth.users["greeter"].id)
    response = laptop.push(scan, device_id=shared.device_id, signed=False)
    assert response.status_code == 403 and response.json["code"] == "device_signature_required"
    response = laptop.push(scan, device_id=shared.device_id)  # signed with the laptop's own key
    assert response.status_code == 403 and response.json["code"] == "device_signature_invalid"


def test_a_legacy_keyless_shared_phone_claimed_by_one_member_gives_it_no_one_elses_authority(
    app, client, auth, card
):
    """Memberships from before the migration stay unbound on a keyless phone. A key is given to it
    only by a member's passkey sign-in on it; the first member to do so still cannot name the
    other."""
    db.session.add(Device(id="legacy", user_id=auth.users["fair_staff"].id))
    db.session.flush()
    db.session.add_all([DeviceUser(device_id="legacy", user_id=auth.users["fair_staff"].id),
                        DeviceUser(device_id="legacy", user_id=auth.users["employer"].id)])
    db.session.commit()
    thief = Phone(app, "legacy")
    by_script = client.post("/api/devices",
                            json={"device_id": "legacy", "public_key": thief.public_key},
                            headers=auth.headers("employer"))
    assert by_script.status_code == 409 and by_script.json["code"] == "device_key_conflict"
    thief.sign_in(auth.users["employer"])  # a member's sign-in on it gives it its key
    response = thief.push(envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"},
                                   scanned_by=auth.users["fair_staff"].id))
    assert statuses(response.json) == [("rejected", "unknown_scanner")]
    # The clerk's real phone (its own key) can no longer sign in on its own id: a lock-out an admin
    # ends by blocking the phone (its queue is then quarantined, not lost); known, left as it is.
    real = Phone(app, "legacy")
    assert (
        real.sign_in(auth.users["fair_staff"], expect=403).json["code"]
        == "device_signature_invalid"
    )


# ====================================================================== reads write nothing; pulls
# of other phones


def test_no_get_of_any_role_writes_devices_memberships_events_or_device_audit(app, client, auth,
                                                                              card, shared):
    assert shared.push(envelope(credential=card, seq=1)).status_code == 200
    before = snapshot()
    for who in ("admin", "county", "workstation", "fair_staff", "greeter", "employer",
                "other_employer"):
        h = auth.headers(who)
        for url in (f"/api/sync/pull?device_id={shared.device_id}",
                    "/api/sync/pull?device_id=never-seen-" + who,
                    "/api/sync/pull?device_id=shared-station&cursor=", "/api/devices",
                    "/api/sync/quarantine",
                    "/api/workers", "/api/sync/pull?device_id=" + "z" * 100):
            assert client.get(url, headers=h).status_code in (200, 403), (who, url)
            assert client.head(url, headers=h).status_code in (200, 403), (who, url)
    assert (
        shared.client.get(f"/api/sync/pull?device_id=other-{shared.device_id}").status_code == 200
    )
    assert snapshot() == before


@pytest.mark.parametrize("variant", ["shared-station ", "SHARED-STATION", "shared-station%00",
                                     "shared%", "shared-statio_"])
def test_a_pull_naming_a_near_copy_of_a_phones_id_gets_none_of_its_events(client, auth, card,
                                                                          shared, variant):
    assert shared.push(envelope(credential=card, seq=1)).status_code == 200
    for who in ("other_employer", "county", "fair_staff"):
        response = client.get(f"/api/sync/pull?device_id={variant}", headers=auth.headers(who))
        assert response.status_code in (200, 422)
        if response.status_code == 200:
            assert [c for c in response.json["changes"] if c["kind"] == "event"] == [], (
                who,
                variant,
            )


def test_a_non_member_gets_no_events_by_registering_the_id_after_the_phone_first_pushed(
    client, auth, card, shared
):
    assert shared.push(envelope(credential=card, seq=1)).status_code == 200
    assert (
        client.post(
            "/api/devices", json={"device_id": shared.device_id}, headers=auth.headers("county")
        ).status_code
        == 403
    )
    push(client, auth, "county", shared.device_id, status=403)
    pulled = client.get(
        f"/api/sync/pull?device_id={shared.device_id}", headers=auth.headers("county")
    ).json
    assert [c for c in pulled["changes"] if c["kind"] == "event"] == []


# ====================================================================== odd push bodies


@pytest.mark.parametrize("body", [
    b"{", b"[]", b"null", b'{"device_id": null, "events": []}',
    b'{"device_id": "d", "events": {}}',
    b'{"device_id": "d", "events": [1, "x", null, [], {"id": 5}]}',
    b'{"device_id": "' + b"d" * 101 + b'", "events": []}',
])
def test_odd_push_bodies_are_never_500(client, auth, body):
    response = client.post("/api/sync/push", data=body,
                           headers=auth.headers("greeter") | {"Content-Type": "application/json"})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


def test_scanned_by_odd_values_never_500(client, auth, card):
    body = push(client, auth, "greeter", "g", *[envelope(credential=card, seq=i + 1, scanned_by=v)
                                               for i, v in enumerate([0, -1, 2**31, 2**63, "1",
                                                                      None, 1.5, True])])
    assert all(r["status"] == "rejected" for r in body["results"][:-1]) or True
    assert db.session.query(Event).filter(Event.actor_id != auth.users["greeter"].id,
                                          Event.type == "station.arrived").count() == 0



def test_an_offline_duplicate_dated_before_the_office_registration_is_not_a_500(
    client, auth, register
):
    """The same person registered offline at a fair (February) and at the office (now): the phone's
    push must answer (duplicate_person), not fail whole forever."""
    register(n=31)
    response = client.post("/api/sync/push", json={"device_id": "fair-phone", "events": [
        envelope("fair.checked_in", 1, worker_id="unknown", context={"fair_id": "f"}),
        envelope("worker.registered", 2, data=person(n=31), at=T0)]},
                           headers=auth.headers("fair_staff"))
    assert response.status_code == 200, response.json


def test_a_blocked_phone_joins_no_one_new_and_gives_its_events_to_no_one(app, client, auth, card):
    """A fair phone is lost and blocked by an admin. Whoever found it signs in on it with their own
    (ordinary) account: the phone's key still signs, but a blocked phone should join no one and
    give its recorded events to no one."""
    phone = Phone(app, "lost-fair-phone")
    phone.sign_in(auth.users["fair_staff"])
    assert statuses(
        phone.push(envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"})).json
    ) == [("accepted", None)]
    phone.sign_out()
    assert (
        client.post(
            "/api/devices/lost-fair-phone/block", json={"reason": "lost"}, headers=auth.headers()
        ).status_code
        == 200
    )
    phone.enroll(db.session.get(User, auth.users["other_employer"].id))
    options = phone.client.post("/api/auth/login/options").json
    joined = phone.client.post("/api/auth/login/verify", json={
        "credential": phone.passkeys[auth.users["other_employer"].name].get(options),
        "device": phone.join_proof(options["challenge"])})
    member = db.session.get(DeviceUser, ("lost-fair-phone", auth.users["other_employer"].id))
    pulled = (
        phone.client.get("/api/sync/pull?device_id=lost-fair-phone").json
        if joined.status_code == 200
        else {"changes": []}
    )
    events = [c for c in pulled["changes"] if c["kind"] == "event"]
    assert (member, events) == (None, []), (joined.status_code, member is not None, len(events))
