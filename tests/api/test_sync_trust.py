"""Who vouches for a scan: the attacks of issue 16, each tried as an ordinary account would, and
the shared fair phone that must keep working. Phones sign in with real WebAuthn ceremonies and
sign their pushes with their own P-256 key (``tests.phones``)."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Device, DeviceUser, Event, QuarantinedEvent, User, Worker
from server.services.auth import create_token
from tests.api.sync_helpers import T0, envelope, push, statuses, void_reviewed
from tests.phones import Phone

pytestmark = pytest.mark.usefixtures("fair", "batch")  # its scans name the fair "f", the batch "b"


@pytest.fixture
def officer_phone(app, auth):
    """The workstation officer's own phone: signed in on with her passkey, so it has its key."""
    phone = Phone(app, "ws-officer-phone")
    phone.sign_in(auth.users["workstation"])
    return phone


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def events_of(worker_id: str) -> list[tuple]:
    return [(e.type, e.actor_id) for e in db.session.scalars(
        select(Event).where(Event.worker_id == worker_id).order_by(Event.seq))]


def onboarded_with_arrival(client, auth, card, seq=1):
    """The programme's own way: met at the station, then onboarded with the card (no review flag).
    """
    push(client, auth, "greeter", "station-phone",
         envelope(credential=card, seq=seq, context={"station": "福州站"}))
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", seq, credential=card,
                                                              at=T0 + dt.timedelta(days=1)))
    assert statuses(body) == [("accepted", None)]
    return body["results"][0]["worker_id"]


# ---------------------------------------------------------------- joining any phone by naming it


@pytest.mark.parametrize("who, attack", [
    ("employer", lambda worker, officer,
     stored: envelope("event.voided", 9, worker_id=worker, scanned_by=officer,
                                                          data={"event_id": stored,
                                                                "reason": "mistake"})),
    ("worker", lambda worker, officer,
     stored: envelope("employment.confirmed", 9, worker_id=worker, scanned_by=officer,
                                                        context={"employer_id": "x"})),
    ("greeter", lambda worker, officer,
     stored: envelope("employment.ended", 9, worker_id=worker, scanned_by=officer,
                                                         context={"employer_id": "x"},
                      data={"reason": "pay"})),
])
def test_naming_another_persons_phone_joins_nothing_and_records_nothing(client, auth, card,
                                                                        officer_phone,
                                                                        worker_account, who,
                                                                        attack):
    worker_id = onboarded_with_arrival(client, auth, card)
    stored = db.session.scalar(select(Event.id).where(Event.type == "employer.onboarded"))
    before, audit_before = events_of(worker_id), audit_actions()
    envelope_ = attack(worker_id, auth.users["workstation"].id, stored)
    refused = client.post("/api/sync/push",
                          json={"device_id": officer_phone.device_id, "events": [envelope_]},
                          headers=auth.headers(who))
    assert refused.status_code == 403 and refused.json["code"] == "not_device_member"
    registered = client.post("/api/devices", json={"device_id": officer_phone.device_id},
                             headers=auth.headers(who))
    assert registered.status_code == 403 and registered.json["code"] == "not_device_member"
    assert db.session.get(DeviceUser, (officer_phone.device_id, auth.users[who].id)) is None
    assert events_of(worker_id) == before and db.session.query(QuarantinedEvent).count() == 0
    assert audit_actions() == audit_before
    record = client.get(f"/api/workers/{worker_id}", headers=auth.headers()).json
    assert record["status"] == "employed"  # the onboarding stands


@pytest.fixture
def worker_account(client, auth, worker):
    """The worker's own account (invited by the office), with a token as a script would have."""
    invite = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                         headers=auth.headers())
    auth.users["worker"] = db.session.get(User, invite.json["user_id"])
    auth.tokens["worker"] = create_token(auth.users["worker"], "test")
    db.session.commit()
    return auth.users["worker"]


@pytest.mark.parametrize("who", ["employer", "greeter", "worker", "workstation"])
def test_a_phone_that_signs_takes_no_unsigned_or_forged_push_even_from_its_members(
    app, client, auth, card, worker_account, who
):
    """The fair clerk and ``who`` both signed in on one phone; ``who`` then tries to pass a scan
    off as the clerk's without the phone's signature: by token, unsigned, with another key, with a
    signature of another body. Nothing is kept, nothing audited; the phone's own push is taken."""
    phone = Phone(app, "shared-fair-phone")
    phone.sign_in(auth.users["fair_staff"])
    phone.sign_out()
    phone.sign_in(auth.users[who])  # both are members now, bound to the phone's key
    scan = envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"},
                    scanned_by=auth.users["fair_staff"].id)
    audit_before, events_before = audit_actions(), db.session.query(Event).count()
    by_token = client.post("/api/sync/push", json={"device_id": phone.device_id, "events": [scan]},
                           headers=auth.headers(who))  # a script of a member: it cannot sign
    assert by_token.status_code == 403 and by_token.json["code"] == "device_signature_required"
    unsigned = phone.push(scan, signed=False)
    assert unsigned.status_code == 403 and unsigned.json["code"] == "device_signature_required"
    forged = phone.push(scan, key=ec.generate_private_key(ec.SECP256R1()))
    assert forged.status_code == 403 and forged.json["code"] == "device_signature_invalid"
    other_body = phone.push(scan | {"device_seq": 2}, signed=False,
                            headers=dict(zip(("X-Device-Time", "X-Device-Signature"),
                                             _signature_of_another_body(phone, scan),
                                             strict=True)))
    assert other_body.status_code == 403 and other_body.json["code"] == "device_signature_invalid"
    assert db.session.query(Event).count() == events_before and audit_actions() == audit_before
    # refused whole: the phone keeps its queue
    assert db.session.query(QuarantinedEvent).count() == 0
    good = phone.push(scan)  # what the phone itself sends: the clerk's scan, signed
    assert good.status_code == 200 and statuses(good.json) == [("accepted", None)]
    stored = db.session.scalar(select(Event).where(Event.type == "fair.checked_in"))
    assert (stored.actor_id, stored.pushed_by) == (auth.users["fair_staff"].id, auth.users[who].id)


def _signature_of_another_body(phone: Phone, scan: dict) -> tuple[str, str]:
    """The headers of a genuine signature, over a body other than the one sent."""
    import hashlib
    import json
    import time

    from tests.phones import b64url, p1363
    at = int(time.time() * 1000)
    other = json.dumps({"device_id": phone.device_id, "events": [scan]}).encode()
    message = (
        f"LP-PUSH1\n{phone.device_id}\n{at}\n{b64url(hashlib.sha256(other).digest())}".encode()
    )
    return str(at), p1363(phone.key, message)


def test_a_bearer_token_pushes_as_itself_only(client, auth, card):
    body = push(client, auth, "greeter", "greeter-laptop",
                envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"},
                         scanned_by=auth.users["fair_staff"].id),
                envelope(seq=2, credential=card, scanned_by=auth.users["greeter"].id))
    assert statuses(body) == [("rejected", "unknown_scanner"), ("accepted", None)]
    stored = db.session.scalar(select(Event).where(Event.type == "station.arrived"))
    assert stored.actor_id == auth.users["greeter"].id


def test_a_phone_never_signed_in_on_vouches_for_no_one_but_the_caller(app, client, auth, card):
    """The fair clerk pushed first from this phone with her token: it is hers, and no key binds
    anyone to it; a scan naming the county officer is quarantined, never stored as hers."""
    push(client, auth, "fair_staff", "clerk-phone",
         envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"}))
    body = push(client, auth, "fair_staff", "clerk-phone",
                envelope("worker.registered", 2, data=_person(5),
                         scanned_by=auth.users["county"].id))
    assert statuses(body) == [("rejected", "unknown_scanner")]
    assert db.session.query(Worker).count() == 1


def _person(n):
    from tests.conftest import person
    return person(n)


def test_signing_in_with_another_phones_id_and_ones_own_key_joins_nothing(app, auth,
                                                                          officer_phone):
    thief = Phone(app, officer_phone.device_id)  # the same id, another key
    response = thief.sign_in(auth.users["employer"], expect=403)
    assert response.json["code"] == "device_signature_invalid"
    assert db.session.get(DeviceUser, (officer_phone.device_id, auth.users["employer"].id)) is None
    assert thief.client.get("/api/auth/me").status_code == 401  # and not signed in either
    # the officer's key, but a signature over another challenge
    replayed = Phone(app, officer_phone.device_id)
    replayed.key = officer_phone.key
    replayed.sign_in(auth.users["employer"], expect=403,
                     proof=lambda options: officer_phone.join_proof(options["challenge"] + "A"))
    assert db.session.get(DeviceUser, (officer_phone.device_id, auth.users["employer"].id)) is None


# ---------------------------------------------------------------- a GET that changes state


def test_no_read_registers_or_joins_a_device(client, auth, officer_phone):
    for url in (f"/api/sync/pull?device_id={officer_phone.device_id}",
                "/api/sync/pull?device_id=brand-new-phone", "/api/devices", "/api/workers?q=张"):
        assert client.get(url, headers=auth.headers()).status_code == 200
    assert db.session.get(Device, "brand-new-phone") is None
    assert db.session.get(DeviceUser, (officer_phone.device_id, auth.users["admin"].id)) is None
    body = push(client, auth, "employer", "attacker-phone",
                envelope("employment.ended", 1, worker_id="w", scanned_by=auth.users["admin"].id,
                         context={"employer_id": auth.employer_id()}, data={"reason": "pay"}))
    assert statuses(body) == [("rejected", "unknown_scanner")]


# ---------------------------------------------------------------- reading another phone's events


def test_a_pull_gives_a_phones_events_to_its_members_only(client, auth, card, officer_phone):
    scan = envelope(credential=card, seq=1)
    assert officer_phone.push(scan).status_code == 200
    mine = officer_phone.client.get(f"/api/sync/pull?device_id={officer_phone.device_id}").json
    assert [c["id"] for c in mine["changes"] if c["kind"] == "event"] == [scan["id"]]
    for who in ("county", "employer", "admin"):
        theirs = client.get(
            f"/api/sync/pull?device_id={officer_phone.device_id}", headers=auth.headers(who)
        ).json
        assert [c for c in theirs["changes"] if c["kind"] == "event"] == [], who


# ---------------------------------------------------------------- onboarding by id; scope that
# counts


def test_an_employer_onboarding_by_id_alone_waits_for_a_reviewer_and_gives_nothing_meanwhile(
    client, auth, worker
):
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, worker_id=worker["id"],
                                                              data={"wage": 4000}))
    assert statuses(body) == [("rejected", "keyed_onboarding")]
    assert events_of(worker["id"]) == [("worker.registered", auth.users["admin"].id)]
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 404
    )
    assert client.get("/api/workers", headers=auth.headers("employer")).json["total"] == 0
    pulled = client.get("/api/sync/pull?device_id=hr-phone", headers=auth.headers("employer")).json
    assert [c for c in pulled["changes"] if c["kind"] == "worker"] == []
    assert db.session.get(Worker, worker["id"]).current_employer_id is None
    confirm = push(client, auth, "employer", "hr-phone",
                   envelope("employment.confirmed", 2, worker_id=worker["id"]))
    assert statuses(confirm) == [("rejected", "out_of_scope")]
    # The county's workstation in the city looks at it (it knows the person works there) and
    # accepts it.
    entry = db.session.scalar(
        select(QuarantinedEvent).where(QuarantinedEvent.reason == "keyed_onboarding")
    )
    assert entry.county_code == "621121"
    reviewed = client.post(f"/api/sync/quarantine/{entry.id}/reapply",
                           json={"note": "单位来电核实"}, headers=auth.headers("workstation"))
    assert reviewed.status_code == 200, reviewed.json
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 200
    )
    assert db.session.get(Worker, worker["id"]).current_employer_id == auth.employer_id()


def test_a_voided_onboarding_gives_the_employer_no_more_access(client, auth, card, worker):
    onboarded_with_arrival(client, auth, card)
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 200
    )
    stored = db.session.scalar(select(Event.id).where(Event.type == "employer.onboarded"))
    void_reviewed(client, auth, envelope("event.voided", 1, worker_id=worker["id"],
                                         data={"event_id": stored, "reason": "不在岗"}))
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 404
    )
    confirm = push(client, auth, "employer", "hr-phone",
                   envelope("employment.confirmed", 5, credential=card))
    assert statuses(confirm) == [("rejected", "out_of_scope")]


def test_an_onboarding_awaiting_review_gives_access_once_a_reviewer_accepts_it(
    client, auth, card, worker
):
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, credential=card))
    assert body["results"][0]["flags"] == ["onboarded_without_arrival"]
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 404
    )
    stored = body["results"][0]["id"]
    assert client.post(f"/api/reviews/{stored}", json={"outcome": "accepted", "note": "自行到岗"},
                       headers=auth.headers("county")).status_code == 200
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 200
    )
    confirm = push(client, auth, "employer", "hr-phone",
                   envelope("employment.confirmed", 2, worker_id=worker["id"]))
    assert statuses(confirm) == [("accepted", None)]


def test_a_greeter_needs_the_card_for_someone_on_no_roster_due_at_its_station(client, auth,
                                                                              worker):
    body = push(client, auth, "greeter", "station-phone", envelope(worker_id=worker["id"], seq=1))
    assert statuses(body) == [("rejected", "card_required")]
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("greeter")).status_code
        == 404
    )
    push(client, auth, "county", "county-laptop",
         envelope("batch.assigned", 1, worker_id=worker["id"],
                                                          context={"batch_id": "b"}))
    body = push(client, auth, "greeter", "station-phone", envelope(worker_id=worker["id"], seq=2,
                                                                  context={"station": "福州站",
                                                                           "batch_id": "b"}))
    assert statuses(body) == [("accepted", None)]


# ---------------------------------------------------------------- the shared fair phone


def test_a_shared_phone_keeps_each_persons_scans_theirs_after_both_signed_out(app, client, auth,
                                                                              card, register):
    phone = Phone(app, "tongwei-fair-1")
    clerk, officer = auth.users["fair_staff"], auth.users["workstation"]
    phone.sign_in(clerk)
    queued = [envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"},
                       scanned_by=clerk.id)]
    phone.sign_out()
    phone.sign_in(officer)
    queued.append(envelope("worker.registered", 2, data=_person(8), scanned_by=officer.id))
    phone.sign_out()
    phone.sign_in(officer)  # the second signs in again: the queue goes now
    response = phone.push(*queued)
    assert response.status_code == 200 and statuses(response.json) == [("accepted", None),
                                                                       ("accepted", None)]
    stored = {e.type: (e.actor_id, e.pushed_by)
              for e in db.session.scalars(select(Event).where(Event.device_id == phone.device_id))}
    assert stored == {"fair.checked_in": (clerk.id, officer.id),
                      "worker.registered": (officer.id, officer.id)}
    members = {(m.user_id, m.bound_at is not None) for m in db.session.scalars(
        select(DeviceUser).where(DeviceUser.device_id == phone.device_id))}
    assert members == {(clerk.id, True), (officer.id, True)}
    joined = db.session.scalars(
        select(AuditEntry.actor_id).where(AuditEntry.action == "device.joined")
    )
    assert list(joined) == [officer.id]


def test_a_scan_counts_with_the_role_of_who_made_it(app, auth, card):
    phone = Phone(app, "station-shared")
    phone.sign_in(auth.users["fair_staff"])
    phone.sign_out()
    phone.sign_in(auth.users["greeter"])
    body = phone.push(
        envelope(
            "fair.checked_in",
            1,
            credential=card,
            context={"fair_id": "f"},
            scanned_by=auth.users["fair_staff"].id,
        ),
        envelope("fair.checked_in", 2, credential=card, context={"fair_id": "f"}),
    ).json
    # a greeter checks in no one
    assert statuses(body) == [("accepted", None), ("rejected", "forbidden_type")]


def test_a_phone_with_a_wrong_clock_is_told_the_servers_time(app, auth, card):
    phone = Phone(app, "slow-clock")
    phone.sign_in(auth.users["greeter"])
    late = phone.push(envelope(credential=card, seq=1),
                      time_ms=int(dt.datetime(2026, 1, 1).timestamp() * 1000))
    assert (
        late.status_code == 409
        and late.json["code"] == "device_clock_off"
        and late.json["server_time"]
    )
    assert phone.push(envelope(credential=card, seq=1)).status_code == 200


def test_revoking_one_person_on_a_shared_phone_quarantines_their_scans_only(app, client, auth,
                                                                            card):
    phone = Phone(app, "shared")
    clerk, officer = auth.users["fair_staff"], auth.users["workstation"]
    phone.sign_in(clerk)
    phone.sign_out()
    phone.sign_in(officer)
    push(client, auth, "fair_staff", "clerk-own-phone",
         envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f"}))
    assert (
        client.post(f"/api/auth/users/{clerk.id}/revoke", headers=auth.headers()).status_code
        == 200
    )
    assert db.session.get(Device, "clerk-own-phone").blocked_at is not None
    assert db.session.get(Device, "shared").blocked_at is None
    checked_in = dict(credential=card, context={"fair_id": "f"})
    body = phone.push(envelope("fair.checked_in", 3, scanned_by=clerk.id, **checked_in),
                      envelope("fair.checked_in", 4, **checked_in)).json
    assert statuses(body) == [("rejected", "scanner_revoked"), ("accepted", None)]
    entry = db.session.scalar(
        select(QuarantinedEvent).where(QuarantinedEvent.reason == "scanner_revoked")
    )
    # The scan was made before the revocation: a county officer lets it stand, under the clerk's
    # name.
    reviewed = client.post(f"/api/sync/quarantine/{entry.id}/reapply",
                           json={"note": "scanned before revocation"},
                           headers=auth.headers("county"))
    assert reviewed.status_code == 200, reviewed.json
    event = db.session.scalar(select(Event).where(Event.id == entry.event_id))
    assert (event.actor_id, event.pushed_by) == (clerk.id, officer.id)
