import datetime as dt
import uuid

import pytest
from sqlalchemy import event, select

from server.extensions import db
from server.models import Event, QuarantinedEvent, Worker, WorkerAlias
from tests.api.sync_helpers import T0, TZ, envelope, push, statuses
from tests.conftest import make_id_number, person

pytestmark = pytest.mark.usefixtures("fair", "batch")  # its scans name the fair "f", the batch "b"

# SQL statements of one push of 50 fair check-ins of known workers, from a phone the server knows:
# 22 on SQLite, 20 on PostgreSQL (2026-12); a statement per event would add 50.
PUSH_OF_50_BUDGET = 30


def count(model) -> int:
    return db.session.query(model).count()


def test_arrival_scan_is_accepted_and_moves_the_record(client, auth, worker, card):
    body = push(client, auth, "greeter", "phone-g1", envelope(credential=card))
    [result] = body["results"]
    assert (result["status"], result["worker_id"]) == ("accepted", worker["id"])
    assert result["flags"] == ["unexpected_arrival"]  # no batch: noted, not an error
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
    assert record["status"] == "arrived" and record["milestones"]["arrived"] == "2026-02-20"
    assert body["missing"] == [] and body["server_time"]


def test_same_batch_twice_is_all_duplicate_and_stores_nothing_more(client, auth, worker, card):
    batch = [envelope(credential=card, seq=1),
             envelope("batch.departed", 2, credential=card, context={"batch_id": "b"})]
    first = push(client, auth, "admin", "phone-a", *batch)
    events_before, quarantine_before = count(Event), count(QuarantinedEvent)
    second = push(client, auth, "admin", "phone-a", *batch)
    assert [r["status"] for r in first["results"]] == ["accepted", "accepted"]
    assert [r["status"] for r in second["results"]] == ["duplicate", "duplicate"]
    assert [r["worker_id"] for r in second["results"]] == [worker["id"]] * 2
    assert (count(Event), count(QuarantinedEvent)) == (events_before, quarantine_before)


def test_an_id_already_stored_from_another_device_is_duplicate(client, auth, card):
    scan = envelope(credential=card)
    push(client, auth, "greeter", "phone-1", scan)
    again = push(client, auth, "greeter", "phone-2", scan | {"device_seq": 9})
    # different device_seq: different content
    assert statuses(again) == [("rejected", "id_conflict")]
    same = push(client, auth, "greeter", "phone-2", scan)
    assert statuses(same) == [("duplicate", None)]


def test_same_id_with_other_content_is_a_conflict_and_the_original_stands(client, auth, card):
    scan = envelope(credential=card)
    push(client, auth, "greeter", "phone-1", scan)
    forged = push(client, auth, "greeter", "phone-1", scan | {"context": {"station": "福州南站"}})
    assert statuses(forged) == [("rejected", "id_conflict")]
    stored = db.session.get(Event,
                            db.session.query(Event.seq).filter(Event.id == scan["id"]).scalar())
    assert stored.context == {"station": "福州站"}
    assert db.session.query(QuarantinedEvent).filter_by(reason="id_conflict").count() == 1


def test_a_device_seq_used_twice_with_another_id_is_a_conflict(client, auth, card):
    push(client, auth, "greeter", "phone-1", envelope(credential=card, seq=5))
    body = push(client, auth, "greeter", "phone-1", envelope(credential=card, seq=5))
    assert statuses(body) == [("rejected", "id_conflict")]


def test_second_arrival_scan_is_a_flagged_fact_counted_once(client, auth, worker, card):
    push(client, auth, "greeter", "phone-1", envelope(credential=card, seq=1))
    body = push(client, auth, "admin", "phone-2",
                envelope(credential=card, seq=1, context={"station": "福州南站"},
                                                         at=T0 + dt.timedelta(hours=1)))
    assert body["results"][0]["status"] == "accepted" and "repeat" in body["results"][0]["flags"]
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
    assert record["milestones"]["arrived"] == "2026-02-20" and record["status"] == "arrived"


def test_bad_envelopes_are_rejected_one_by_one_and_the_rest_is_applied(client, auth, card):
    good = [envelope(credential=card, seq=1),
            envelope(credential=card, seq=7, at=T0 + dt.timedelta(hours=2))]
    bad = [
        "not an object",
        # bad id, fields missing
        {"id": "x", "type": "station.arrived"},
        # unknown type
        envelope(seq=2, credential=card) | {"type": "worker.teleported"},
        envelope(seq=3, credential=card) | {"occurred_at": "2026-02-20T09:00:00"},      # no offset
        # wrong type
        envelope(seq=4, credential=card) | {"device_seq": "four"},
        # unknown context key
        envelope(seq=5, credential=card, context={"station": "福州站", "gate": 3}),
        # context.station missing
        envelope("station.arrived", 6, context={}, credential=card),
        # both card and worker_id
        envelope(seq=8, credential=card, worker_id="w-1"),
        # server-only type
        envelope("credential.issued", 9, credential=card),
    ]
    body = push(client, auth, "admin", "phone-1", good[0], *bad, good[1])
    results = body["results"]
    assert len(results) == 11
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * 9 + ["accepted"]
    assert {r["reason"] for r in results[1:-1]} == {"invalid_envelope"}
    assert all(r["message"] for r in results[1:-1])
    assert count(QuarantinedEvent) == 9
    kept = db.session.query(QuarantinedEvent).filter_by(event_id=None).first()
    assert kept.envelope == {"value": "not an object"}


def test_more_than_500_events_is_413_and_nothing_is_stored(client, auth, card):
    events = [envelope(credential=card, seq=i) for i in range(1, 502)]
    body = push(client, auth, "admin", "phone-1", *events, status=413)
    assert body["code"] == "batch_too_large" and "500" in body["message"]
    assert count(Event) == 2 and count(QuarantinedEvent) == 0  # the registration and the card only


def test_oversized_or_invalid_bodies_are_refused_whole(client, auth):
    big = client.post("/api/sync/push", data=b"{" + b" " * (10 * 1024 * 1024) + b"}",
                      content_type="application/json", headers=auth.headers())
    assert big.status_code == 413 and big.json["code"] == "request_entity_too_large"
    broken = client.post("/api/sync/push", data=b'{"device_id": "d", "events": [',
                         content_type="application/json", headers=auth.headers())
    assert broken.status_code == 400
    not_a_list = client.post("/api/sync/push", json={"device_id": "d", "events": {}},
                             headers=auth.headers())
    assert not_a_list.status_code == 422 and "events" in not_a_list.json["errors"]


def test_forged_and_revoked_cards_are_rejected_with_their_reason(client, auth, worker, card):
    forged = card[:30] + ("B" if card[30] == "A" else "A") + card[31:]
    reissued = client.post(
        f"/api/workers/{worker['id']}/credentials", headers=auth.headers()
    ).json["qr"]
    # after the reissue: the old card was revoked before this scan
    later = T0 + dt.timedelta(days=400)
    body = push(client, auth, "greeter", "phone-1", envelope(credential=forged, seq=1),
                envelope(credential=card, seq=2,
                         at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)),
                envelope(credential="LP1:garbage", seq=3),
                envelope(credential=reissued, seq=4, at=later))
    assert statuses(body)[:3] == [("rejected", "bad_signature"), ("rejected", "revoked"),
                                  ("rejected", "malformed")]
    assert body["results"][3]["status"] == "accepted"


def test_scan_with_a_card_revoked_after_the_scan_still_counts(client, auth, worker, card):
    # old card revoked now
    client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers())
    # scanned back in February
    body = push(client, auth, "greeter", "phone-1", envelope(credential=card, at=T0))
    assert body["results"][0]["status"] == "accepted"


def test_employer_may_not_scan_into_another_employers_onboarding(client, auth, worker, card):
    other = auth.employer_id("other_employer")
    body = push(client, auth, "employer", "hr-phone",
                envelope("employer.onboarded", 1, credential=card,
                                                              context={"employer_id": other}))
    assert statuses(body) == [("rejected", "out_of_scope")]
    confirm = push(client, auth, "employer", "hr-phone",
                   envelope("employment.confirmed", 2, credential=card))
    assert statuses(confirm) == [("rejected", "out_of_scope")]  # not its worker (yet)
    onboard = push(client, auth, "employer", "hr-phone",
                   envelope("employer.onboarded", 3, credential=card,
                                                                 data={"wage": 4200,
                                                                       "housing": True}))
    assert onboard["results"][0]["status"] == "accepted"
    assert onboard["results"][0]["flags"] == ["onboarded_without_arrival"]
    stored = db.session.query(Event).filter_by(type="employer.onboarded").one()
    assert stored.employer_id == auth.employer_id() and stored.data == {"wage": 4200,
                                                                        "housing": True}
    # Onboarded without an arrival: the onboarding waits for a reviewer and, until one accepts it,
    # gives the employer nothing, neither the worker's record nor their confirmations.
    too_soon = push(client, auth, "employer", "hr-phone",
                    envelope("employment.confirmed", 4, credential=card))
    assert statuses(too_soon) == [("rejected", "out_of_scope")]
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).status_code
        == 404
    )
    accepted = client.post(f"/api/reviews/{onboard['results'][0]['id']}",
                           json={"outcome": "accepted", "note": "到站时漏扫"},
                           headers=auth.headers("workstation"))
    assert accepted.status_code == 200, accepted.json
    confirm = push(client, auth, "employer", "hr-phone",
                   envelope("employment.confirmed", 5, credential=card))
    assert confirm["results"][0]["status"] == "accepted"
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers("employer")).json
    assert record["status"] == "employed"


def test_roles_may_push_only_their_own_kinds_of_event(client, auth, card):
    body = push(
        client,
        auth,
        "greeter",
        "g",
        envelope(
            "employer.onboarded", 1, credential=card, context={"employer_id": auth.employer_id()}
        ),
    )
    assert statuses(body) == [("rejected", "forbidden_type")]
    body = push(client, auth, "other_county", "oc", envelope("fair.checked_in", 1, credential=card,
                                                             context={"fair_id": "f"}))
    assert statuses(body) == [("rejected", "out_of_scope")]
    body = push(client, auth, "greeter", "g",
                envelope(credential=card, seq=2, context={"station": "厦门站"}))
    assert statuses(body) == [("rejected", "out_of_scope")]  # not its station


def test_server_fields_sent_by_a_device_are_ignored(client, auth, card):
    forged = envelope(credential=card) | {"seq": 1, "recorded_at": "2020-01-01T00:00:00+00:00",
                                           "actor_id": auth.users["admin"].id}
    body = push(client, auth, "greeter", "phone-1", forged)
    assert body["results"][0]["status"] == "accepted"
    stored = db.session.query(Event).filter_by(id=forged["id"]).one()
    assert stored.actor_id == auth.users["greeter"].id
    assert stored.recorded_at > dt.datetime(2026, 1, 1, tzinfo=dt.UTC) and stored.seq != 1


def test_a_scan_dated_after_it_reached_the_server_is_quarantined_not_kept(client, auth, card):
    now = dt.datetime.now(dt.UTC)
    body = push(client, auth, "greeter", "phone-1",
                envelope(credential=card, at=now + dt.timedelta(days=1)),
                envelope(credential=card, seq=2, at=now + dt.timedelta(minutes=8)), prompt=False)
    # minutes: phones' clocks differ
    assert statuses(body) == [("rejected", "in_the_future"), ("accepted", None)]
    assert "请校准手机时间" in body["results"][0]["message"]


def test_late_offline_arrival_is_placed_in_order(client, auth, worker, card):
    push(client, auth, "employer", "hr",
         envelope("employer.onboarded", 1, credential=card, at=T0 + dt.timedelta(days=1)))
    push(client, auth, "greeter", "g", envelope(credential=card, seq=1, at=T0))
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
    assert record["status"] == "employed"
    assert (
        record["milestones"]["arrived"] == "2026-02-20"
        and record["milestones"]["employed"] == "2026-02-21"
    )


def test_gaps_in_device_seq_are_reported_until_filled(client, auth, card):
    body = push(client, auth, "greeter", "g",
                *[envelope(credential=card, seq=s) for s in (1, 2, 3, 6, 9)])
    assert body["missing"] == [[4, 5], [7, 8]]
    body = push(client, auth, "greeter", "g", envelope(credential=card, seq=4),
                {"id": "bad", "device_seq": 5})
    assert body["missing"] == [[7, 8]]  # a rejected event was still received


def test_offline_registrations_of_one_person_make_one_worker(client, auth):
    number = make_id_number(birth=dt.date(1988, 8, 8), sequence=321)
    temp_a, temp_b = str(uuid.uuid4()), str(uuid.uuid4())
    data = person(n=0, id_number=number)
    a = push(client, auth, "fair_staff", "fair-phone-a",
             envelope("worker.registered", 1, worker_id=temp_a, data=data))
    b = push(client, auth, "fair_staff", "fair-phone-b",
             envelope("worker.registered", 1, worker_id=temp_b,
                      data=data | {"phone": "13600000000"}),
             envelope("fair.checked_in", 2, worker_id=temp_b, context={"fair_id": "f"}))
    assert a["results"][0]["status"] == "accepted" and a["results"][0]["worker_id"] == temp_a
    assert [r["status"] for r in b["results"]] == ["accepted", "accepted"]
    assert b["results"][0]["worker_id"] == b["results"][1]["worker_id"] == temp_a
    assert b["results"][0]["flags"] == ["duplicate_person"]
    assert count(Worker) == 1
    later = push(client, auth, "fair_staff", "fair-phone-b",
                 envelope("fair.intent_signed", 3, worker_id=temp_b,
                 context={"fair_id": "f", "employer_id": auth.employer_id()}))
    assert later["results"][0]["worker_id"] == temp_a  # the alias holds after the batch too
    assert db.session.get(Worker, temp_a).status == "intent"


def test_a_device_id_two_people_were_given_in_one_push_makes_two_workers(client, auth):
    # A phone restored from an old backup can hand out an id twice before it learns better.
    reused = str(uuid.uuid4())
    body = push(client, auth, "fair_staff", "fair-phone-a",
                envelope("worker.registered", 1, worker_id=reused, data=person(n=7)),
                envelope("worker.registered", 2, worker_id=reused, data=person(n=8)))
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted"]
    first, second = (r["worker_id"] for r in body["results"])
    # the result tells the phone the real id
    assert first == reused and second not in (reused, None)
    assert count(Worker) == 2


def test_a_second_offline_registration_under_a_known_alias_adds_no_second_alias(client, auth):
    data = person(n=9)
    known = push(
        client,
        auth,
        "fair_staff",
        "fair-phone-a",
        envelope("worker.registered", 1, worker_id=str(uuid.uuid4()), data=data),
    )["results"][0]["worker_id"]
    temp = str(uuid.uuid4())
    first = push(client, auth, "fair_staff", "fair-phone-b",
                 envelope("worker.registered", 1, worker_id=temp, data=data))
    again = push(
        client,
        auth,
        "fair_staff",
        "fair-phone-b",
        envelope("worker.registered", 2, worker_id=temp, data=data | {"phone": "13600000001"}),
    )
    assert [r["worker_id"] for r in first["results"] + again["results"]] == [known, known]
    assert [r["flags"] for r in first["results"] + again["results"]] == [["duplicate_person"]] * 2
    assert db.session.get(WorkerAlias, temp).worker_id == known and count(WorkerAlias) == 1


def test_the_temporary_pass_of_an_offline_registration_works_on_any_phone_for_60_days(
    client, auth
):
    base = dt.datetime.now(TZ) - dt.timedelta(days=3)  # 60 days count by the server's clock too
    known = push(
        client,
        auth,
        "fair_staff",
        "fair-phone-a",
        envelope("worker.registered", 1, worker_id=str(uuid.uuid4()), data=person(n=5), at=base),
    )["results"][0]["worker_id"]
    new_id, again_id = str(uuid.uuid4()), str(uuid.uuid4())
    registered = push(client, auth, "fair_staff", "fair-phone-b",
                      envelope("worker.registered", 1, worker_id=new_id, data=person(n=6),
                               at=base),
                      # 5 again, offline
                      envelope("worker.registered", 2, worker_id=again_id, data=person(n=5),
                               at=base))
    assert [r["worker_id"] for r in registered["results"]] == [new_id, known]
    # both on the batch due at the greeter's station
    for seq, worker_id in enumerate((new_id, known), start=1):
        push(client, auth, "workstation", "ws-laptop",
             envelope("batch.assigned", seq, worker_id=worker_id,
                                                               context={"batch_id": "b"}, at=base))

    def arrival(seq, worker_id, days=1, pass_of=None):
        return envelope("station.arrived", seq, worker_id=worker_id,
                        at=base + dt.timedelta(days=days),
                        temporary_pass=f"LPT1:{(pass_of or worker_id).upper()}")

    body = push(client, auth, "greeter", "station-phone", arrival(1, new_id), arrival(2, again_id),
                arrival(3, new_id, pass_of=again_id), arrival(4, new_id, days=61), prompt=False)
    assert statuses(body) == [("accepted", None), ("accepted", None),
                              ("rejected", "invalid_envelope"),
                              ("rejected", "temporary_pass_expired")]
    # the second pass names a duplicate
    assert [r["worker_id"] for r in body["results"][:2]] == [new_id, known]
    stored = db.session.scalars(
        select(Event).where(Event.type == "station.arrived").order_by(Event.device_seq)
    ).all()
    assert [(e.worker_id, e.raw_code, "temporary_pass" in e.flags) for e in stored] == [
        (new_id, f"LPT1:{new_id.upper()}", True), (known, f"LPT1:{again_id.upper()}", True)]
    assert "60" in body["results"][3]["message"]


def test_registration_with_bad_fields_is_quarantined_with_each_field_named(client, auth):
    body = push(client, auth, "fair_staff", "f", envelope("worker.registered", 1,
                data=person(id_number="360730198601011111", phone="123")))
    assert statuses(body) == [("rejected", "invalid_envelope")]
    assert (
        "data.id_number" in body["results"][0]["message"]
        and "data.phone" in body["results"][0]["message"]
    )


# The shared fair phone (each scan its own scanner's; a scan by the role of who made it; one person
# revoked) is in test_sync_trust.py, with phones that sign in on it and sign their pushes.


def test_blocked_device_pushes_go_to_quarantine(client, auth, card):
    push(client, auth, "greeter", "lost-phone", envelope(credential=card, seq=1))
    assert client.post("/api/devices/lost-phone/block", json={"reason": "reported stolen"},
                       headers=auth.headers("greeter")).status_code == 403
    client.post("/api/devices/lost-phone/block", json={"reason": "reported stolen"},
                headers=auth.headers())
    body = push(client, auth, "greeter", "lost-phone", envelope(credential=card, seq=2))
    assert statuses(body) == [("rejected", "device_blocked")]


def test_an_employer_cannot_onboard_a_worker_under_16(client, auth, register):
    young = make_id_number(birth=dt.date.today().replace(year=dt.date.today().year - 15))
    worker = register(7, id_number=young)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    body = push(client, auth, "employer", "hr", envelope("employer.onboarded", 1, credential=card,
                                                         at=dt.datetime.now(dt.UTC)))
    assert statuses(body) == [("rejected", "under_16")] and "16" in body["results"][0]["message"]


@pytest.mark.parametrize("occurred_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                         "1999-12-31T23:59:59+00:00", "2100-01-02T00:00:00+08:00"])
def test_a_time_outside_the_calendars_is_quarantined_not_a_500(client, auth, card, occurred_at):
    body = push(client, auth, "greeter", "g",
                envelope(credential=card) | {"occurred_at": occurred_at})
    assert (
        statuses(body) == [("rejected", "invalid_envelope")]
        and "2000" in body["results"][0]["message"]
    )


@pytest.mark.parametrize("levels", [5000, 500, 31])
def test_json_nested_deeper_than_32_is_a_400_before_any_parser(client, auth, levels):
    deep = '{"device_id": "d", "events": [' + "[" * levels + "]" * levels + "]}"  # 2 + levels deep
    response = client.post("/api/sync/push", data=deep, content_type="application/json",
                           headers=auth.headers())
    assert (
        response.status_code == 400
        and response.json["code"] == "json_too_deep"
        and "32" in response.json["message"]
    )
    # brackets in a string are text
    with_brackets_in_text = {"device_id": "d", "events": [], "note": "[" * 100}
    assert (
        client.post(
            "/api/sync/push", json=with_brackets_in_text, headers=auth.headers()
        ).status_code
        != 400
    )
    just_deep_enough = '{"device_id": "d", "events": [' + "[" * 30 + "]" * 30 + "]}"
    assert client.post("/api/sync/push", data=just_deep_enough, content_type="application/json",
                       headers=auth.headers()).json.get("code") != "json_too_deep"


@pytest.mark.parametrize("digits", ["٦٢١١٢١١٩٨٥٠٣٠٧١٢٣", "६२११२११९८५०३०७१२३", "๖๒๑๑๒๑๑๙๘๕๐๓๐๗๑๒๓"])
def test_an_id_number_in_another_scripts_digits_is_refused(client, auth, digits):
    """Arabic-Indic, Devanagari, Thai: one person could otherwise be registered twice under two
    spellings."""
    from tests.conftest import make_id_number
    number = make_id_number()
    data = person(3, id_number=digits + number[17:], phone="١٣٩٠٠٠٠٠٠٠٣")
    body = push(client, auth, "fair_staff", "f", envelope("worker.registered", 1, data=data))
    assert statuses(body) == [("rejected", "invalid_envelope")]
    assert (
        "data.id_number" in body["results"][0]["message"]
        and "data.phone" in body["results"][0]["message"]
    )


def test_a_nul_in_one_envelope_quarantines_that_one_not_the_push(client, auth, card):
    """PostgreSQL cannot compare text holding NUL: it is refused at the edge, field by field — for
    a push, in the one envelope that holds it (the rest of the batch goes in)."""
    bad = envelope("fair.checked_in", 1, credential=card, context={"fair_id": "f\x00"})
    body = push(client, auth, "fair_staff", "fair-phone", bad,
                envelope("fair.checked_in", 2, credential=card,
                                                                       context={"fair_id": "f"}))
    assert statuses(body) == [("rejected", "invalid_envelope"), ("accepted", None)]
    assert "NUL" in body["results"][0]["message"]
    whole = client.post("/api/sync/push", json={"device_id": "phone\x00", "events": []},
                        headers=auth.headers())
    assert whole.status_code == 422 and "device_id" in whole.json["errors"]


def test_a_push_of_50_costs_a_budget_of_sql_statements_that_does_not_grow_with_its_size(
    client, auth, register
):
    """pretix's test_query_load: what one push sends to the database is counted, so a query per
    event (an N+1) shows here before it shows on a fair's morning. 10 and 50 check-ins of known
    workers cost nearly the same; the budget is what a push of 50 costs today, with room."""
    ids = [register(n)["id"] for n in range(65)]
    db.session.rollback()

    def statements_for(workers, first_seq):
        sent = []
        count = lambda *args: sent.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = push(client, auth, "fair_staff", "fair-desk", *(
                envelope("fair.checked_in", first_seq + i, worker_id=w, context={"fair_id": "f"},
                         at=dt.datetime.now(TZ)) for i, w in enumerate(workers)), prompt=False)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert [r["status"] for r in body["results"]] == ["accepted"] * len(workers)
        return len(sent)

    statements_for(ids[:5], 1)  # the phone's first push: it becomes known to the server
    ten, fifty = statements_for(ids[5:15], 6), statements_for(ids[15:], 16)
    assert len(ids[15:]) == 50
    assert fifty <= PUSH_OF_50_BUDGET, f"a push of 50 sent {fifty} statements"
    assert fifty - ten <= 4, (ten, fifty)
