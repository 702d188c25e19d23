"""Evidence that pays, attacked as an employer would: back-dated scans sent in one afternoon pay
nothing until a reviewer accepts them, and then once; times that cannot be are quarantined; the
finance export shows held payouts apart. Through the API, on the real database."""
import csv
import datetime as dt
import io

import pytest

from server.extensions import db
from server.models import Payout
from tests.api.sync_helpers import envelope, push, statuses

TZ = dt.timezone(dt.timedelta(hours=8))
ONE_PARTY = {"code": "stable-one-party", "kind": "milestone",
             "name": "稳定就业补贴（仅凭企业确认）",
             "effective_from": "2019-01-01", "params": {"steps": [[3, 3000], [6, 9000]]},
             "filters": {"poor_household": True, "first_time": True}}


def now() -> dt.datetime:
    """The server's clock (the tests also run with it moved to 01:30 and 23:30 in Beijing)."""
    return dt.datetime.now(TZ).replace(microsecond=0)


def days_ago(n: int) -> dt.datetime:
    return now() - dt.timedelta(days=n)


@pytest.fixture
def victim(client, auth, register):
    """A poor-household Tongwei worker registered 250 days ago, and the card the employer has."""
    worker = register(1, on=days_ago(250))["id"]
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    return worker, card


@pytest.fixture
def arrived(client, auth, victim):
    """The same worker, met at the station 201 days ago (the greeter's phone synced at once)."""
    worker, card = victim
    assert statuses(
        push(client, auth, "greeter", "station-phone", envelope(credential=card, at=days_ago(201)))
    ) == [("accepted", None)]
    return victim


def back_dated_push(client, auth, card):
    """The attack: in one push today, an onboarding dated 200 days ago and six monthly
    confirmations."""
    scans = [envelope("employer.onboarded", 1, credential=card, at=days_ago(200),
                      data={"start_date": days_ago(200).date().isoformat()})]
    scans += [envelope("employment.confirmed", 2 + i, credential=card, at=days_ago(day))
              for i, day in enumerate(range(170, 19, -30))]
    return push(client, auth, "employer", "hr-phone", *scans, prompt=False)


def test_back_dated_evidence_pays_nothing_until_a_reviewer_accepts_it_and_then_once(
    client, auth, arrived
):
    worker, card = arrived
    county = auth.headers("county")
    assert (
        client.post("/api/policies", json=ONE_PARTY, headers=auth.headers("admin")).status_code
        == 201
    )
    body = back_dated_push(client, auth, card)
    # kept, as sent: nothing a phone sends is lost
    assert [r["status"] for r in body["results"]] == ["accepted"] * 7, body
    assert all(r["flags"] == ["late"] for r in body["results"])
    scans = [r["id"] for r in body["results"]]

    items = client.get(f"/api/workers/{worker}/eligibility", headers=county).json["items"]
    # The seed's 2019 policy asks for two parties: the employer's word alone reaches nothing there.
    assert [(i["policy_code"], i["amount"]) for i in items] == [("stable-one-party", 3000),
                                                                ("stable-one-party", 9000)]
    assert all(i["held_for"] for i in items)
    assert {e["event_id"] for i in items for e in i["held_for"]} <= set(scans)
    assert any("暂缓" in line for line in items[0]["explanation"])

    assert client.post("/api/payouts/recompute", json={}, headers=county).json["new"] == 2
    payouts = client.get(f"/api/payouts?worker_id={worker}", headers=county).json
    assert [(p["status"], p["amount"]) for p in payouts] == [("held", 3000), ("held", 9000)]
    m6 = payouts[1]
    assert {e["event_id"] for e in m6["held_for"]} == set(scans[:6])  # what months 1-6 rest on
    assert {tuple(e["reasons"]) for e in m6["held_for"]} == {("late",)}
    for action in ("approve", "pay"):
        refused = client.post(f"/api/payouts/{m6['id']}/{action}", json={}, headers=county)
        assert (
            refused.status_code == 409
            and refused.json["code"] == "held"
            and "审核" in refused.json["message"]
        )

    text = client.get("/api/payouts/export?format=csv", headers=county).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    held_at = next(i for i, r in enumerate(rows) if r and r[0].startswith("暂缓发放"))
    # no held payout among those to pay
    assert not [r for r in rows[1:held_at] if r and r[0].isdigit()]
    assert not any(r[1] == "12000" for r in rows[:held_at] if len(r) == 2)  # nor in any total
    held_rows = [r for r in rows[held_at:] if r and r[0].isdigit()]
    assert [(r[4], "补录超期" in r[6]) for r in held_rows] == [("3000", True), ("9000", True)]

    # The workstation reviews each scan (it phoned the worker, who says he is at work there).
    queue = client.get("/api/reviews", headers=auth.headers("workstation")).json["items"]
    assert {i["event_id"] for i in queue if i["worker"]["id"] == worker} == set(scans)
    for event_id in scans[:-1]:
        decided = client.post(f"/api/reviews/{event_id}",
                              json={"outcome": "accepted", "note": "电话核实在岗"},
                              headers=auth.headers("workstation"))
        assert decided.status_code == 200, decided.json
    client.post("/api/payouts/recompute", json={}, headers=county)
    # The last scan (20 days ago) is not needed for six months: every payout is sound now.
    after = client.get(f"/api/payouts?worker_id={worker}", headers=county).json
    assert [(p["status"], p["held_for"]) for p in after] == [("eligible", []), ("eligible", [])]
    assert client.post("/api/payouts/recompute", json={}, headers=county).json == {
        "new": 0, "unchanged": 2, "no_longer_eligible": 0}
    assert db.session.query(Payout).filter_by(worker_id=worker).count() == 2  # once
    assert (
        client.post(f"/api/payouts/{after[0]['id']}/approve", json={}, headers=county).status_code
        == 200
    )


def test_without_an_arrival_the_back_dated_onboarding_waits_and_gives_no_scope(
    client, auth, victim
):
    worker, card = victim
    body = back_dated_push(client, auth, card)
    # quarantined, not lost
    assert statuses(body) == [("accepted", None)] + [("rejected", "out_of_scope")] * 6
    assert body["results"][0]["flags"] == ["onboarded_without_arrival", "late"]


def test_a_voided_scan_leaves_the_payout_it_held_unreached(client, auth, arrived):
    worker, card = arrived
    county = auth.headers("county")
    client.post("/api/policies", json=ONE_PARTY, headers=auth.headers("admin"))
    body = back_dated_push(client, auth, card)
    client.post("/api/payouts/recompute", json={}, headers=county)
    onboarding = body["results"][0]["id"]
    assert client.post(f"/api/reviews/{onboarding}",
                       json={"outcome": "voided", "note": "人从未到岗"},
                       headers=auth.headers("workstation")).status_code == 200
    assert (
        client.post("/api/payouts/recompute", json={}, headers=county).json["no_longer_eligible"]
        == 2
    )
    assert [
        p["status"] for p in client.get(f"/api/payouts?worker_id={worker}", headers=county).json
    ] == ["review", "review"]


def test_a_scans_time_that_cannot_be_is_quarantined_with_its_reason(client, auth, victim,
                                                                    register):
    worker, card = victim
    registered = days_ago(250)
    early = dt.datetime(2017, 1, 31, 12, 0, tzinfo=TZ)
    body = push(client, auth, "greeter", "station", *[
        envelope(credential=card, seq=1, at=early),
        envelope(credential=card, seq=2, at=registered - dt.timedelta(minutes=30)),
        # phones' clocks differ
        envelope(credential=card, seq=3, at=registered - dt.timedelta(minutes=5)),
        envelope(credential=card, seq=4, at=now() + dt.timedelta(hours=2)),
    ], prompt=False)
    assert statuses(body) == [("rejected", "before_programme"),
                              ("rejected", "before_registration"),
                              ("accepted", None), ("rejected", "in_the_future")]
    assert "2017-02-01" in body["results"][0]["message"]
    onboarding = push(client, auth, "employer", "hr", envelope(
        "employer.onboarded", 1, credential=card, at=now() - dt.timedelta(minutes=1),
        data={"start_date": (registered - dt.timedelta(days=3)).date().isoformat()}), prompt=False)
    # a start before the person was registered
    assert statuses(onboarding) == [("rejected", "before_registration")]
    old_registration = push(client, auth, "fair_staff", "fair", envelope(
        "worker.registered", 1, data=person_data(), at=early), prompt=False)
    assert statuses(old_registration) == [("rejected", "before_programme")]


def test_an_onboarding_starting_weeks_before_its_scan_is_late_evidence(client, auth, victim):
    worker, card = victim
    body = push(client, auth, "employer", "hr", envelope(
        "employer.onboarded", 1, credential=card, at=now() - dt.timedelta(minutes=1),
        data={"start_date": days_ago(8).date().isoformat()}), prompt=False)
    assert statuses(body) == [("accepted", None)] and "late" in body["results"][0]["flags"]
    in_time = push(client, auth, "employer", "hr", envelope(
        "employment.confirmed", 2, credential=card, at=now() - dt.timedelta(minutes=1)),
        prompt=False)
    assert in_time["results"][0]["flags"] == []


def person_data():
    from tests.conftest import person
    return person(n=9)


def test_no_one_clears_their_own_doubtful_evidence(client, auth, arrived):
    """Four eyes: the workstation officer who keyed a follow-up in by id cannot accept it; the
    county's reviewer can."""
    worker, _card = arrived
    body = push(client, auth, "workstation", "ws-laptop", envelope(
        "employment.confirmed", 1, worker_id=worker, at=now() - dt.timedelta(minutes=2),
        context={"employer_id": auth.employer_id()}), prompt=False)
    assert statuses(body) == [("accepted", None)] and body["results"][0]["flags"] == ["keyed"]
    url = f"/api/reviews/{body['results'][0]['id']}"
    own = client.post(url, json={"outcome": "accepted", "note": "我自己回访过"},
                      headers=auth.headers("workstation"))
    assert own.status_code == 403 and "another reviewer" in own.json["message"]
    assert (
        client.post(
            url, json={"outcome": "accepted", "note": "电话核实"}, headers=auth.headers("county")
        ).status_code
        == 200
    )


def test_a_reviewer_reapplying_their_own_quarantined_scan_leaves_its_doubts_to_another(
    client, auth, arrived
):
    worker, _card = arrived
    sent = envelope("employment.confirmed", 1, worker_id=worker,
                    at=now() - dt.timedelta(minutes=2),
                    context={"employer_id": "no-such-employer"})
    assert statuses(push(client, auth, "admin", "admin-laptop", sent, prompt=False)) == [
        ("rejected", "unknown_employer")
    ]
    entry = client.get("/api/sync/quarantine", headers=auth.headers()).json["items"][0]["id"]
    fixed = client.post(f"/api/sync/quarantine/{entry}/reapply", headers=auth.headers(), json={
        "note": "企业编号写错", "corrections": {"context": {"employer_id": auth.employer_id()}}})
    assert fixed.status_code == 200, fixed.json
    queue = client.get("/api/reviews", headers=auth.headers("county")).json["items"]
    assert [(i["event_id"], i["reasons"]) for i in queue if i["event_id"] == sent["id"]] == [
        (sent["id"], ["keyed"])
    ]
