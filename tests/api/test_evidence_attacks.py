"""Attacks on the evidence that pays (scan time bounds, late and keyed evidence, held payouts, the
four-eyes review, two-party months, the one calendar), by ordinary accounts of each role.

Naming: each ``test_no_…`` is a hole a reviewer found with these accounts, which it failed on
until it was closed; each ``test_holds_…`` a defence that held when tried. Through the API."""
from __future__ import annotations

import datetime as dt

import pytest

from server.extensions import db
from server.models import Batch, Event, Payout, ReviewDecision, User, Worker
from server.services.auth import create_token
from tests.api.sync_helpers import envelope, push, quarantined, statuses
from tests.conftest import person
from tests.phones import Phone

TZ = dt.timezone(dt.timedelta(hours=8))
ONE_PARTY = {"code": "stable-one-party", "kind": "milestone",
             "name": "稳定就业补贴（仅凭企业确认）",
             "effective_from": "2019-01-01", "params": {"steps": [[3, 3000], [6, 9000]]},
             "filters": {"poor_household": True, "first_time": True}}
SMALL_REWARD = {"code": "reward-small", "kind": "employer_reward",
                "name": "小额企业奖励（超过1人）", "effective_from": "2017-01-01",
                "params": {"threshold": 1, "step": 100, "amount": 100000, "stable_months": 3}}
SITE = {"name": "闽江纺织 长乐二厂", "address": "长乐区航城街道", "district_code": "350112"}


def now() -> dt.datetime:
    return dt.datetime.now(TZ).replace(microsecond=0)


def days_ago(n: float) -> dt.datetime:
    return now() - dt.timedelta(days=n)


def day_of(moment: dt.datetime) -> str:
    return moment.astimezone(TZ).date().isoformat()


def signed_in(client, auth, who):
    """A fresh passkey session (as tests/api/test_reveal.py makes one)."""
    with client.session_transaction() as session:
        session.update(user_id=auth.users[who].id, csrf="token-1",
                       assertion_at=dt.datetime.now(dt.UTC).isoformat())
    return {"X-CSRF-Token": "token-1"}


def new_worker(client, auth, register, n, *, registered_days_ago=250, arrived_days_ago=201):
    """A Tongwei poor-household worker registered long ago, with a card, met at the station (the
    greeter's phone synced at once)."""
    worker = register(n, on=days_ago(registered_days_ago))["id"]
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    if arrived_days_ago is not None:
        body = push(client, auth, "greeter", f"station-{n}",
                    envelope(credential=card, at=days_ago(arrived_days_ago)))
        assert statuses(body) == [("accepted", None)], body
    return worker, card


def sound(client, auth, who, device, *events):
    """Scans pushed the minute they are made (prompt): each must be accepted with no doubt."""
    for event in events:
        body = push(client, auth, who, device, event)
        assert statuses(body) == [("accepted", None)] and body["results"][0]["flags"] == [], body
    return body


def items_of(client, auth, worker, who="county"):
    return client.get(f"/api/workers/{worker}/eligibility", headers=auth.headers(who)).json[
        "items"
    ]


def add_policy(client, auth, policy):
    response = client.post("/api/policies", json=policy, headers=auth.headers("admin"))
    assert response.status_code == 201, response.json


def back_dated_push(client, auth, card, device="hr-phone"):
    """An onboarding dated 200 days ago and six monthly confirmations, all pushed today."""
    scans = [envelope("employer.onboarded", 1, credential=card, at=days_ago(200),
                      data={"start_date": day_of(days_ago(200))})]
    scans += [envelope("employment.confirmed", 2 + i, credential=card, at=days_ago(day))
              for i, day in enumerate(range(170, 19, -30))]
    return push(client, auth, "employer", device, *scans, prompt=False)


# ============================================================================================
# Two-party months: the employer alone supplies "the worker's own scan of the workplace code"
# ============================================================================================

def test_no_employer_alone_supplies_both_parties_with_its_own_workplace_code(client, auth,
                                                                             register):
    """The 2019 preset asks, each month, for the employer's evidence AND the worker's own (a scan
    of the workplace code with the worker's phone, or a workstation's follow-up). The employer
    fetches its own site's code of the day (GET /api/sites/{id}/code?date=…) and puts it in
    data.site_code of a confirmation it pushes itself from its HR phone with the card: the server
    counts that as the worker's side (``party = "worker"`` from ``bool(data.site_code)``, whoever
    scanned). No worker account, no workstation ever looked: 3,000 yuan reached under the two-party
    policy."""
    worker, card = new_worker(client, auth, register, 1, registered_days_ago=115,
                              arrived_days_ago=101)
    site = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    d0 = days_ago(100)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=d0,
                   data={"start_date": day_of(d0)}))
    seq = 2
    for month in range(3):
        employer_scan = d0 + dt.timedelta(days=30 * month + 10)
        site_scan = d0 + dt.timedelta(days=30 * month + 12)
        code = client.get(f"/api/sites/{site['id']}/code?date={day_of(site_scan)}",
                          headers=auth.headers("employer")).json["code"]
        sound(client, auth, "employer", "hr-phone",
              envelope("employment.confirmed", seq, credential=card, at=employer_scan),
              envelope("employment.confirmed", seq + 1, credential=card, at=site_scan,
                       data={"site_code": code}))
        seq += 2
    two_party = [i for i in items_of(client, auth, worker) if i["policy_code"] == "fz-2019-stable"]
    # Every scan was the employer's: the worker's side of each month is missing.
    assert two_party == [], two_party


def test_holds_without_the_workers_side_the_two_party_policy_pays_nothing(client, auth, register):
    """Control for the test above: the same employer's scans without the workplace code reach
    nothing."""
    worker, card = new_worker(client, auth, register, 2, registered_days_ago=115,
                              arrived_days_ago=101)
    d0 = days_ago(100)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=d0,
                   data={"start_date": day_of(d0)}),
          *[envelope("employment.confirmed", 2 + m, credential=card,
                     at=d0 + dt.timedelta(days=30 * m + 10))
            for m in range(3)])
    assert [
        i for i in items_of(client, auth, worker) if i["policy_code"] == "fz-2019-stable"
    ] == []


# ============================================================================================
# Back-dated start_date on a later onboarding: joins two spells, never held
# ============================================================================================

def one_month_then_left(client, auth, register, n):
    """A worker onboarded 200 days ago, confirmed once, gone 160 days ago: one month worked."""
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, n)
    d0 = days_ago(200)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=d0,
                   data={"start_date": day_of(d0)}),
          envelope("employment.confirmed", 2, credential=card, at=days_ago(175)),
          envelope("employment.ended", 3, credential=card, at=days_ago(160),
                   data={"end_date": day_of(days_ago(160)), "reason": "pay"}))
    return worker, card


def test_no_back_dated_start_of_a_re_onboarding_joins_spells_and_pays_unreviewed(
    client, auth, register
):
    """Spell 1: onboarded 200 days ago, confirmed once, ended 160 days ago (one month worked).
    Today another employer onboards the worker by card, saying they started 150 days ago (10 days
    after the end: within the 15-day gap). That onboarding is ``late``, but it is not the spell's
    opening, so ``Spell.standing`` never asks about it: its start_date alone glues the 160 days of
    silence to spell 1, and one sound confirmation today makes months 1–6 "sound". Without the
    back-dated start the onboarding opens spell 2 today (and first_time pays spell 2 nothing)."""
    worker, card = one_month_then_left(client, auth, register, 3)
    assert items_of(client, auth, worker) == []  # one month: nothing yet
    back_dated = push(client, auth, "other_employer", "rq-phone", envelope(
        "employer.onboarded", 1, credential=card, at=now() - dt.timedelta(minutes=3),
        data={"start_date": day_of(days_ago(150))}), prompt=False)
    assert statuses(back_dated) == [("accepted", None)] and back_dated["results"][0]["flags"] == [
        "late"
    ], back_dated
    push(client, auth, "other_employer", "rq-phone", envelope(
        "employment.confirmed", 2, credential=card, at=now() - dt.timedelta(minutes=2)),
        prompt=False)
    items = items_of(client, auth, worker)
    paid_unreviewed = [(i["key"], i["amount"]) for i in items if not i["held_for"]]
    # Whatever it reaches rests on the late start_date: it must be held for it (or not reached at
    # all).
    assert paid_unreviewed == [], items


def test_holds_a_re_onboarding_that_starts_today_opens_a_new_spell_that_pays_nothing_yet(
    client, auth, register
):
    """Control for the test above: the same history with the new onboarding starting the day it is
    scanned opens spell 2, and nothing is reached."""
    worker, card = one_month_then_left(client, auth, register, 4)
    push(client, auth, "other_employer", "rq-phone", envelope(
        "employer.onboarded", 1, credential=card, at=now() - dt.timedelta(minutes=3)),
        prompt=False)
    push(client, auth, "other_employer", "rq-phone", envelope(
        "employment.confirmed", 2, credential=card, at=now() - dt.timedelta(minutes=2)),
        prompt=False)
    assert items_of(client, auth, worker) == []


# ============================================================================================
# Employer rewards: a second employer takes over stable workers with an unreviewed onboarding
# ============================================================================================

def _stable_at_employer(client, auth, register, n):
    worker, card = new_worker(client, auth, register, n, registered_days_ago=140,
                              arrived_days_ago=121)
    d0 = days_ago(120)
    sound(client, auth, "employer", f"hr-{n}",
          envelope("employer.onboarded", 1, credential=card, at=d0,
                   data={"start_date": day_of(d0)}),
          *[envelope("employment.confirmed", 2 + i, credential=card, at=days_ago(day))
            for i, day in enumerate((95, 65, 35, 5))])
    return worker, card


def _employer_payouts(client, auth, employer_id):
    return [
        p
        for p in client.get(
            f"/api/payouts?employer_id={employer_id}", headers=auth.headers("admin")
        ).json
    ]


def test_no_second_employer_takes_over_stable_workers_for_its_reward_unreviewed(
    client, auth, register
):
    """Two workers stably employed by 闽江 for four months (sound evidence). 融侨 scans both cards
    for an onboarding today: each is flagged ``second_employer`` (a review flag, waiting), yet
    ``spells`` moves the current spell's employer to 融侨 and ``stable_at`` counts both workers for
    融侨 — whose claim no reviewer has seen — in its employer reward."""
    add_policy(client, auth, SMALL_REWARD)
    cards = [_stable_at_employer(client, auth, register, n)[1] for n in (11, 12)]
    # rewards span counties
    client.post("/api/payouts/recompute", json={}, headers=auth.headers("admin"))
    minjiang, rongqiao = auth.employer_id("employer"), auth.employer_id("other_employer")
    assert [(p["policy_code"], p["status"]) for p in _employer_payouts(client, auth, minjiang)
            if p["policy_code"] == "reward-small"] == [("reward-small", "eligible")]
    for i, card in enumerate(cards):
        body = push(client, auth, "other_employer", "rq-phone", envelope(
            "employer.onboarded", i + 1, credential=card, at=now() - dt.timedelta(minutes=5 - i)),
            prompt=False)
        assert statuses(body) == [("accepted", None)] and body["results"][0]["flags"] == [
            "second_employer"
        ], body
    client.post("/api/payouts/recompute", json={}, headers=auth.headers("admin"))
    taken = [(p["key"], p["status"]) for p in _employer_payouts(client, auth, rongqiao)]
    assert taken == [], taken  # 融侨's claim on the workers waits for a reviewer


def test_holds_workers_on_doubtful_months_count_for_no_employer_reward(client, auth, register):
    add_policy(client, auth, SMALL_REWARD)
    for n in (13, 14):
        _worker, card = new_worker(client, auth, register, n)
        body = back_dated_push(client, auth, card, device=f"hr-{n}")
        assert all(
            r["status"] == "accepted" and r["flags"] == ["late"] for r in body["results"]
        ), body
    client.post("/api/payouts/recompute", json={}, headers=auth.headers("admin"))
    assert _employer_payouts(client, auth, auth.employer_id("employer")) == []


# ============================================================================================
# Held payouts: can one be paid?
# ============================================================================================

def _held(client, auth, register, n=20):
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, n)
    body = back_dated_push(client, auth, card)
    client.post("/api/payouts/recompute", json={}, headers=auth.headers("county"))
    payouts = client.get(f"/api/payouts?worker_id={worker}", headers=auth.headers("county")).json
    assert [p["status"] for p in payouts] == ["held", "held"], payouts
    return worker, body, payouts


def test_no_recompute_as_of_an_early_day_launders_a_held_payout_to_paid(client, auth, register):
    """A county finance officer alone: recompute as of 2017-03-01 (the schema takes any day from
    2000), every held payout loses its key and goes to ``review``; ``approve`` is allowed from
    ``review``; pay. No reviewer ever looked at the late evidence. (The recompute is also global:
    Longxi's officer could do the first step to Tongwei's ledger.)"""
    worker, _body, payouts = _held(client, auth, register)
    county = auth.headers("county")
    assert (
        client.post(
            "/api/payouts/recompute", json={"as_of": "2017-03-01"}, headers=county
        ).status_code
        == 200
    )
    m6 = next(p for p in client.get(f"/api/payouts?worker_id={worker}", headers=county).json
              if p["amount"] == 9000)
    # not reached by then is not gone: its doubts stay
    assert m6["status"] == "held" and m6["held_for"]
    approved = client.post(f"/api/payouts/{m6['id']}/approve", json={}, headers=county)
    assert approved.status_code == 409
    future = client.post("/api/payouts/recompute", json={"as_of": "2099-01-01"}, headers=county)
    assert future.status_code == 422 and "as_of" in future.json["errors"]


def test_holds_a_held_payout_is_neither_approved_nor_paid_and_may_be_rejected(client, auth,
                                                                              register):
    worker, _body, payouts = _held(client, auth, register, 21)
    county = auth.headers("county")
    for p in payouts:
        for action in ("approve", "pay"):
            refused = client.post(f"/api/payouts/{p['id']}/{action}", json={}, headers=county)
            assert refused.status_code == 409 and refused.json["code"] == "held"
    # Other counties see none of them, and cannot step them.
    assert client.get("/api/payouts?status=held", headers=auth.headers("other_county")).json == []
    assert client.post(f"/api/payouts/{payouts[0]['id']}/reject", json={"reason": "x"},
                       headers=auth.headers("other_county")).status_code == 404
    export = client.get(
        "/api/payouts/export?format=csv", headers=auth.headers("other_county")
    ).data.decode("utf-8-sig")
    assert "暂缓发放" not in export and worker not in export
    assert (
        client.get(
            f"/api/workers/{worker}/eligibility", headers=auth.headers("other_county")
        ).status_code
        == 404
    )
    for who in ("employer", "other_employer", "greeter", "fair_staff", "workstation"):
        assert (
            client.post(
                f"/api/payouts/{payouts[0]['id']}/approve", json={}, headers=auth.headers(who)
            ).status_code
            == 403
        )
    assert client.post(f"/api/payouts/{payouts[0]['id']}/reject", json={"reason": "人未到岗"},
                       headers=county).status_code == 200
    # Recomputing does not bring a rejected payout back.
    client.post("/api/payouts/recompute", json={}, headers=county)
    assert db.session.get(Payout, payouts[0]["id"]).status == "rejected"


def test_no_a_county_approves_and_pays_employer_rewards_outside_its_scope(client, auth):
    """Employer payouts carry no county: Longxi's list does not show them, yet ``step`` lets any
    county officer approve and pay them (``payout.county_code and own and …`` is False for None).
    """
    payout = Payout(key="reward-small:employer:x:block1", policy_code="reward-small",
                    policy_version=1,
                    employer_id=auth.employer_id("employer"), county_code=None, amount=100000,
                    reached_on=dt.date(2026, 3, 1), status="eligible", explanation=[], flags=[],
                    held_for=[], history=[])
    db.session.add(payout)
    db.session.commit()
    other = auth.headers("other_county")
    # not in its list
    assert all(p["id"] != payout.id for p in client.get("/api/payouts", headers=other).json)
    assert (
        client.post(f"/api/payouts/{payout.id}/approve", json={}, headers=other).status_code == 404
    )


def test_no_recompute_as_of_a_future_day_pays_a_month_not_yet_worked(client, auth, register):
    """Onboarded 65 days ago, confirmed today (all sound): two months done. The county recomputes
    as of 25 days ahead (``AsOfSchema`` takes any day to 2099): month 3 — which ends in 25 days —
    is "reached" (today's scan vouches 35 days ahead), and the payout is approved and paid today.
    """
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, 22, registered_days_ago=80,
                              arrived_days_ago=66)
    d0 = days_ago(65)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=d0,
                   data={"start_date": day_of(d0)}))
    push(client, auth, "employer", "hr-phone", envelope("employment.confirmed", 2, credential=card,
                                                         at=now() - dt.timedelta(minutes=2)),
         prompt=False)
    county = auth.headers("county")
    assert client.post("/api/payouts/recompute", json={}, headers=county).json["new"] == 0
    ahead = client.post("/api/payouts/recompute",
                        json={"as_of": day_of(now() + dt.timedelta(days=25))}, headers=county)
    payouts = client.get(f"/api/payouts?worker_id={worker}", headers=county).json
    paid = [client.post(f"/api/payouts/{p['id']}/{a}", json={}, headers=county).status_code
            for p in payouts for a in ("approve", "pay")]
    assert (ahead.status_code >= 400 or payouts == []), (ahead.json,
                                                         [(p["reached_on"], p["amount"])
                                                          for p in payouts],
                                                         paid)


def test_no_a_workstation_alone_voids_the_employers_end_and_a_month_appears(client, auth,
                                                                            register):
    """The employer recorded the end on day 88 (two complete months). One workstation officer
    pushes an ``event.voided`` of that end: no flag, no review queue, no second person — and month
    3 (confirmed by the day-60 scan) is reached, sound, 3,000 yuan. (Voids were a one-person office
    act before this change too; the four-eyes rule now guards accepting doubtful evidence but not
    cancelling the evidence that stopped a payout.)"""
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, 23, registered_days_ago=120,
                              arrived_days_ago=101)
    d0 = days_ago(100)
    body = sound(client, auth, "employer", "hr-phone",
                 envelope("employer.onboarded", 1, credential=card, at=d0,
                          data={"start_date": day_of(d0)}),
                 envelope("employment.confirmed", 2, credential=card, at=days_ago(70)),
                 envelope("employment.confirmed", 3, credential=card, at=days_ago(40)),
                 envelope("employment.confirmed", 4, credential=card, at=days_ago(15)),
                 envelope("employment.ended", 5, credential=card, at=days_ago(12),
                          data={"end_date": day_of(days_ago(12)), "reason": "homesick"}))
    end = body["results"][0]["id"]
    assert items_of(client, auth, worker) == []
    voided = push(client, auth, "workstation", "ws-laptop", envelope(
        "event.voided", 1, worker_id=worker, at=now() - dt.timedelta(minutes=1),
        data={"event_id": end, "reason": "误操作"}), prompt=False)
    assert statuses(voided) == [("rejected", "void_needs_review")], voided
    items = items_of(client, auth, worker)
    assert [i["amount"] for i in items if not i["held_for"]] == [], items


# ============================================================================================
# Four eyes: clearing one's own doubtful evidence
# ============================================================================================

def test_no_reviewer_clears_own_keyed_scan_by_reapplying_a_colleagues_quarantined_copy(
    client, auth, register
):
    """The workstation officer keys in a follow-up by id (``keyed``) and may not accept it in the
    review queue (403). But the very same envelope was first pushed from the fair clerk's phone
    (refused there: ``forbidden_type``, kept in Tongwei's quarantine, a different device so the
    entry stays open). The officer re-applies that entry: the push answers ``duplicate`` with the
    stored event's flags, and the quarantine code writes an ``accepted`` review decision by the
    officer for their own scan (``made_by_reviewer`` only looks at the entry's pusher)."""
    worker, _card = new_worker(client, auth, register, 30)
    scan = envelope("employment.confirmed", 1, worker_id=worker,
                    at=now() - dt.timedelta(minutes=5),
                    context={"employer_id": auth.employer_id()})
    assert statuses(push(client, auth, "fair_staff", "fair-phone", scan, prompt=False)) == [
        ("rejected", "forbidden_type")]
    mine = push(client, auth, "workstation", "ws-laptop", scan, prompt=False)
    assert statuses(mine) == [("accepted", None)] and mine["results"][0]["flags"] == ["keyed"], (
        mine
    )
    own = client.post(f"/api/reviews/{scan['id']}",
                      json={"outcome": "accepted", "note": "我自己回访过"},
                      headers=auth.headers("workstation"))
    assert own.status_code == 403  # the front door is shut
    entry = quarantined(client, auth, scan["id"], "workstation")
    client.post(f"/api/sync/quarantine/{entry['id']}/reapply", json={"note": "重新应用"},
                headers=auth.headers("workstation"))
    decision = db.session.get(ReviewDecision, scan["id"])
    assert decision is None or decision.decided_by != auth.users["workstation"].id, (
        decision.outcome, "decided by its own maker")


@pytest.fixture
def shared_office_phone(app, auth):
    """A Tongwei office phone both the workstation officer and the county officer signed in on
    with their passkeys (bound): a signed push may carry either one's scans."""
    phone = Phone(app, "tongwei-office-phone")
    phone.sign_in(auth.users["workstation"])
    phone.sign_out()
    phone.sign_in(auth.users["county"])
    return phone


def test_holds_on_a_shared_phone_neither_the_scanner_nor_the_pusher_clears_the_scan(
    client, auth, register, shared_office_phone
):
    worker, _card = new_worker(client, auth, register, 31)
    scan = envelope("employment.confirmed", 1, worker_id=worker,
                    at=now() - dt.timedelta(minutes=5),
                    context={"employer_id": auth.employer_id()},
                    scanned_by=auth.users["workstation"].id)
    response = shared_office_phone.push(scan)  # the county officer syncs the phone
    assert response.status_code == 200 and response.json["results"][0]["flags"] == ["keyed"], (
        response.json
    )
    db.session.rollback()  # a fresh read: the phone's request committed in its own session
    stored = db.session.query(Event).filter_by(id=scan["id"]).one_or_none()
    assert (stored.actor_id, stored.pushed_by) == (auth.users["workstation"].id,
                                                   auth.users["county"].id)
    for who in ("workstation", "county"):
        decided = client.post(f"/api/reviews/{scan['id']}",
                              json={"outcome": "accepted", "note": "核实"},
                              headers=auth.headers(who))
        assert decided.status_code == 403, (who, decided.json)
    assert client.post(f"/api/reviews/{scan['id']}", json={"outcome": "accepted", "note": "核实"},
                       headers=auth.headers("other_county")).status_code == 404
    assert client.post(f"/api/reviews/{scan['id']}", json={"outcome": "accepted", "note": "核实"},
                       headers=auth.headers("admin")).status_code == 200


def test_no_reviewer_rewrites_scanned_by_in_corrections_to_clear_own_scan(client, auth, register,
                                                                            shared_office_phone):
    """The workstation officer's keyed scan, pushed by the county officer from the shared office
    phone, is quarantined (a mistyped employer). The officer re-applies it with corrections that
    fix the employer and also set ``scanned_by`` to the county officer (the pusher, whom the push
    vouches for): ``made_by_reviewer`` now reads the corrected envelope, so the officer's look
    accepts their own scan — and the record says someone else made it."""
    worker, _card = new_worker(client, auth, register, 32)
    ws, county = auth.users["workstation"], auth.users["county"]
    scan = envelope("employment.confirmed", 1, worker_id=worker,
                    at=now() - dt.timedelta(minutes=5),
                    context={"employer_id": "no-such-employer"}, scanned_by=ws.id)
    response = shared_office_phone.push(scan)
    assert statuses(response.json) == [("rejected", "unknown_employer")], response.json
    entry = quarantined(client, auth, scan["id"], "workstation")
    fixed = client.post(f"/api/sync/quarantine/{entry['id']}/reapply",
                        headers=auth.headers("workstation"), json={
        "note": "企业编号写错",
        "corrections": {"context": {"employer_id": auth.employer_id()}, "scanned_by": county.id}})
    db.session.rollback()
    stored = db.session.query(Event).filter_by(id=scan["id"]).one_or_none()
    decision = db.session.get(ReviewDecision, scan["id"])
    # Either the correction of who scanned is refused, or the scan still waits for someone else.
    assert fixed.status_code != 200 or decision is None, (
        fixed.status_code, stored and stored.actor_id, decision and decision.decided_by)


def test_holds_a_reviewer_reapplying_own_scan_without_tricks_leaves_it_to_another(
    client, auth, register, shared_office_phone
):
    worker, _card = new_worker(client, auth, register, 33)
    scan = envelope("employment.confirmed", 1, worker_id=worker,
                    at=now() - dt.timedelta(minutes=5),
                    context={"employer_id": "no-such-employer"},
                    scanned_by=auth.users["workstation"].id)
    assert statuses(shared_office_phone.push(scan).json) == [("rejected", "unknown_employer")]
    entry = quarantined(client, auth, scan["id"], "workstation")
    fixed = client.post(f"/api/sync/quarantine/{entry['id']}/reapply",
                        headers=auth.headers("workstation"), json={
        "note": "企业编号写错", "corrections": {"context": {"employer_id": auth.employer_id()}}})
    assert fixed.status_code == 200, fixed.json
    assert db.session.get(ReviewDecision, scan["id"]) is None
    queue = client.get("/api/reviews?reason=keyed", headers=auth.headers("admin")).json["items"]
    assert scan["id"] in [i["event_id"] for i in queue]


def test_no_a_reviewers_own_correction_that_back_dates_an_onboarding_is_cleared_by_that_reviewer(
        client, auth, register):
    """The employer keys an onboarding in by id today, starting today (kept for review:
    ``keyed_onboarding``). The workstation officer re-applies it with a correction moving
    start_date 100 days back: the event is now ``late`` and ``keyed``, both doubts the officer's
    own correction created — and the officer's look accepts them. One card scan today then
    confirms months 1–3: 3,000 yuan, resting on a date only the reviewer wrote, seen by no second
    person."""
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, 34)
    onboarding = envelope("employer.onboarded", 1, worker_id=worker,
                          at=now() - dt.timedelta(minutes=5), data={"start_date": day_of(now())})
    assert statuses(push(client, auth, "employer", "hr-phone", onboarding, prompt=False)) == [
        ("rejected", "keyed_onboarding")]
    entry = quarantined(client, auth, onboarding["id"], "workstation")
    fixed = client.post(f"/api/sync/quarantine/{entry['id']}/reapply",
                        headers=auth.headers("workstation"), json={
        "note": "单位说早就入职了",
        "corrections": {"data": {"start_date": day_of(days_ago(100))}}})
    assert fixed.status_code == 200, fixed.json
    push(client, auth, "employer", "hr-phone", envelope("employment.confirmed", 2, credential=card,
                                                         at=now() - dt.timedelta(minutes=2)),
         prompt=False)
    items = items_of(client, auth, worker)
    assert [i["amount"] for i in items if not i["held_for"]] == [], items


def test_holds_no_one_but_a_reviewer_in_scope_decides_and_other_counties_see_no_queue(
    client, auth, register
):
    worker, card = new_worker(client, auth, register, 35)
    body = back_dated_push(client, auth, card)
    first = body["results"][0]["id"]
    for who in ("employer", "other_employer", "greeter", "fair_staff"):
        assert client.get("/api/reviews?reason=late", headers=auth.headers(who)).status_code == 403
        assert client.post(f"/api/reviews/{first}", json={"outcome": "accepted", "note": "x"},
                           headers=auth.headers(who)).status_code == 403
        assert client.get("/api/sync/quarantine", headers=auth.headers(who)).status_code == 403
    other = client.get("/api/reviews?reason=late", headers=auth.headers("other_county")).json
    assert other["items"] == [] and other["total"] == 0
    assert client.post(f"/api/reviews/{first}", json={"outcome": "accepted", "note": "x"},
                       headers=auth.headers("other_county")).status_code == 404
    # The employer that made the scans is no reviewer; its own account on a worker's phone is none
    # either.
    account = User(name="worker-35", role="worker", worker_id=worker, county_code="621121")
    db.session.add(account)
    db.session.commit()
    token = create_token(account, "phone")
    db.session.commit()
    assert client.post(f"/api/reviews/{first}", json={"outcome": "accepted", "note": "是我"},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 403
    late = client.get("/api/reviews?reason=late", headers=auth.headers("county")).json
    assert late["total"] == 7
    assert (
        client.get("/api/reviews?reason=keyed", headers=auth.headers("county")).json["total"] == 0
    )


# ============================================================================================
# Time bounds: before the registration
# ============================================================================================

def test_holds_a_scan_before_the_registration_is_refused(client, auth, register):
    worker = register(40, on=None)["id"]
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    early = push(client, auth, "greeter", "station", envelope(credential=card, at=days_ago(6)),
                 prompt=False)
    assert statuses(early) == [("rejected", "before_registration")]


def test_no_a_back_dated_duplicate_registration_moves_the_before_registration_bound(
    client, auth, register
):
    """The worker was registered a minute ago. A fair clerk's phone pushes the same person's
    registration again, dated 30 days back (a registration's time is bounded by nothing but the
    programme's start and the clock): it is stored on the same worker as ``duplicate_person``, and
    ``its_time_can_be`` takes the earliest ``worker.registered`` of the worker as the registration.
    An arrival dated six days ago — before the person was registered, and not ``late`` — is then
    accepted as sound evidence."""
    worker = register(41, on=None)["id"]
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    duplicate = push(client, auth, "fair_staff", "fair-phone",
                     envelope("worker.registered", 1, data=person(41), at=days_ago(30)),
                     prompt=False)
    assert statuses(duplicate) == [("accepted", None)], duplicate
    assert duplicate["results"][0]["worker_id"] == worker
    arrival = push(client, auth, "greeter", "station", envelope(credential=card, at=days_ago(6)),
                   prompt=False)
    assert statuses(arrival) == [("rejected", "before_registration")], arrival


def test_holds_late_evidence_stays_late_whatever_way_it_is_sent_again(client, auth, register):
    """A back-dated confirmation re-sent with the same id (duplicate, its flags), with a new id in
    a second push (late again), from another phone (late again); a time in the future is refused.
    """
    worker, card = new_worker(client, auth, register, 42)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=days_ago(100),
                   data={"start_date": day_of(days_ago(100))}))
    scan = envelope("employment.confirmed", 2, credential=card, at=days_ago(60))
    first = push(client, auth, "employer", "hr-phone", scan, prompt=False)
    assert first["results"][0]["flags"] == ["late"]
    again = push(client, auth, "employer", "hr-phone", scan, prompt=False)
    assert statuses(again) == [("duplicate", None)] and again["results"][0]["flags"] == ["late"]
    fresh_id = push(client, auth, "employer", "hr-phone-2",
                    dict(scan, id=envelope()["id"], device_seq=1), prompt=False)
    assert fresh_id["results"][0]["flags"] == ["late"]
    future = push(
        client,
        auth,
        "employer",
        "hr-phone",
        envelope("employment.confirmed", 3, credential=card, at=now() + dt.timedelta(hours=1)),
        prompt=False,
    )
    assert statuses(future) == [("rejected", "in_the_future")]
    # Accepting one copy leaves the other copy doubtful (each is its own piece of evidence).
    assert client.post(f"/api/reviews/{scan['id']}", json={"outcome": "accepted", "note": "核实"},
                       headers=auth.headers("workstation")).status_code == 200
    assert (
        db.session.query(Event)
        .filter(Event.type == "employment.confirmed", Event.worker_id == worker)
        .count()
        == 2
    )


def test_holds_a_back_dated_onboarding_start_is_late_and_holds_what_it_opens(client, auth,
                                                                             register):
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, 43)
    body = push(client, auth, "employer", "hr-phone", envelope(
        "employer.onboarded", 1, credential=card, at=now() - dt.timedelta(minutes=3),
        data={"start_date": day_of(days_ago(100))}), prompt=False)
    assert body["results"][0]["flags"] == ["late"]
    push(client, auth, "employer", "hr-phone", envelope("employment.confirmed", 2, credential=card,
                                                         at=now() - dt.timedelta(minutes=1)),
         prompt=False)
    items = items_of(client, auth, worker)
    assert items and all(i["held_for"] for i in items)
    assert {e["event_id"] for i in items for e in i["held_for"]} == {body["results"][0]["id"]}


def test_holds_a_worker_account_confirms_only_its_own_work_at_its_employers_site(
    client, auth, register
):
    worker, card = new_worker(client, auth, register, 44, registered_days_ago=30,
                              arrived_days_ago=20)
    other, _ = new_worker(client, auth, register, 45, registered_days_ago=30, arrived_days_ago=20)
    sound(client, auth, "employer", "hr-phone",
          envelope("employer.onboarded", 1, credential=card, at=days_ago(19),
                   data={"start_date": day_of(days_ago(19))}))
    account = User(name="worker-44", role="worker", worker_id=worker, county_code="621121")
    db.session.add(account)
    db.session.commit()
    phone = {"Authorization": f"Bearer {create_token(account, 'phone')}"}
    db.session.commit()
    mine = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    theirs = client.post(
        "/api/sites", json=SITE | {"name": "融侨"}, headers=auth.headers("other_employer")
    ).json
    code = client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers("employer")).json[
        "code"
    ]
    their_code = client.get(
        f"/api/sites/{theirs['id']}/code", headers=auth.headers("other_employer")
    ).json["code"]
    at = now() - dt.timedelta(minutes=1)

    def confirm(seq, **kw):
        return client.post("/api/sync/push", json={"device_id": "my-phone", "events": [
            envelope("employment.confirmed", seq, at=at, **kw)]}, headers=phone).json["results"][0]

    assert confirm(1, worker_id=other, data={"site_code": code})["reason"] == "out_of_scope"
    assert confirm(2, worker_id=worker, data={"site_code": their_code})["reason"] == "wrong_site"
    assert confirm(3, worker_id=worker)["reason"] == "out_of_scope"  # no code
    assert confirm(4, worker_id=worker, data={"site_code": code},
        context={"employer_id": auth.employer_id(
        # the code names the employer, whatever the phone says
        "other_employer")})["status"] == "accepted"
    ok = confirm(5, worker_id=worker, data={"site_code": code})
    assert ok["status"] == "accepted" and ok["flags"] == []  # the worker's own: not keyed
    assert db.session.query(Event).filter_by(id=ok["id"]).one().employer_id == auth.employer_id(
        "employer"
    )
    for seq, kind in enumerate(("employer.onboarded", "employment.ended", "event.voided"), 10):
        sent = client.post("/api/sync/push", json={"device_id": "my-phone", "events": [
            envelope(kind, seq, at=at, worker_id=worker)]}, headers=phone).json["results"][0]
        assert sent["status"] == "rejected", (kind, sent)


# ============================================================================================
# The quarantine's new endpoint and the new query arguments: odd input
# ============================================================================================

def test_no_a_forged_id_number_enc_in_a_quarantined_envelope_answers_500(client, auth):
    """A phone sends an invalid registration whose data carries ``id_number_enc`` itself (no
    ``id_number``): ``sealed`` keeps the raw envelope, and both the reveal and the re-apply then
    try to decrypt the phone's text (``unsealed``): a 500, not a 4xx."""
    forged = envelope("worker.registered", 1, data={"name": "张三", "id_number_enc": "v1:AAAA"})
    assert (
        statuses(push(client, auth, "county", "county-phone", forged, prompt=False))[0][0]
        == "rejected"
    )
    entry = quarantined(client, auth, forged["id"], "county")
    reapply = client.post(f"/api/sync/quarantine/{entry['id']}/reapply", json={"note": "x"},
                          headers=auth.headers("workstation"))
    reveal = client.post(f"/api/sync/quarantine/{entry['id']}/reveal-id", json={"reason": "核对"},
                         headers=signed_in(client, auth, "county"))
    assert (reapply.status_code < 500, reveal.status_code < 500) == (True, True), (
        reapply.status_code,
        reveal.status_code,
    )


def test_holds_odd_input_on_the_new_endpoints_is_4xx(client, auth, register):
    county = auth.headers("county")
    for query in ("status=held", "status=held&worker_id=x", "policy_code=%27%22"):
        assert client.get(f"/api/payouts?{query}", headers=county).status_code == 200, query
    # a NUL is refused at the edge, naming the field (PostgreSQL answered 500 on it)
    nul = client.get("/api/payouts?status=held&employer_id=%00", headers=county)
    assert nul.status_code == 422 and "employer_id" in nul.json["errors"]
    for query in ("status=HELD", "status=held%00", "status=", "status=%27%20OR%201=1"):
        assert 400 <= client.get(f"/api/payouts?{query}", headers=county).status_code < 500, query
    for query in ("status[]=held", "status=held&status=paid", "worker_id=" + "x" * 5000):
        assert client.get(f"/api/payouts?{query}", headers=county).status_code < 500, query
    for query in ("reason=late", "reason=keyed&status=all",
                  "reason=after_leaving&page=3&per_page=200"):
        assert client.get(f"/api/reviews?{query}", headers=county).status_code == 200, query
    for query in ('reason="late', "reason=late%22%2C%22keyed", "reason=",
                  "reason=duplicate_person", "page=0",
                  "per_page=100000", "reason=%25", "page=abc"):
        assert 400 <= client.get(f"/api/reviews?{query}", headers=county).status_code < 500, query
    assert (
        400
        <= client.get("/api/payouts/export?format=csv&status=bogus", headers=county).status_code
        < 500
    )
    # reveal-id: every odd request a 4xx.
    fresh = signed_in(client, auth, "county")
    for entry_id in ("0", "1", "99999999", "2147483648", "abc", "-1", "1.5", "%00"):
        response = client.post(f"/api/sync/quarantine/{entry_id}/reveal-id", json={"reason": "x"},
                               headers=fresh)
        assert 400 <= response.status_code < 500, (entry_id, response.status_code)
    sent = envelope("worker.registered", 1, data=person(46))
    # out of Longxi's scope: quarantined
    push(client, auth, "other_county", "lx-phone", sent, prompt=False)
    entry = client.get("/api/sync/quarantine", headers=auth.headers("admin")).json["items"][0][
        "id"
    ]
    url = f"/api/sync/quarantine/{entry}/reveal-id"
    for body in (None, "", "[]", "null", '{"reason": 5}', '{"reason": ["x"]}',
                 '{"reason": "' + "x" * 100_000 + '"}',
                 '{"reason": "\\u0000"}', "{", '{"reason": "ok", "extra": 1}'):
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        response = client.post(url, headers=signed_in(client, auth, "admin"), **kwargs)
        assert response.status_code < 500, (body and body[:30], response.status_code)
        if body in (None, "", "[]", "null", '{"reason": 5}', '{"reason": ["x"]}', "{"):
            assert 400 <= response.status_code < 500, (body, response.status_code)
    # filed under the person's home county (Tongwei), not the pushing officer's (Longxi)
    for who, status in (("county", 200), ("workstation", 200), ("other_county", 404),
                        ("fair_staff", 403), ("employer", 403), ("greeter", 403)):
        response = client.post(url, json={"reason": "核对"}, headers=signed_in(client, auth, who))
        assert response.status_code == status, (who, response.status_code)


# ============================================================================================
# One calendar: days still taken from the UTC clock
# ============================================================================================

def test_holds_the_batch_list_filters_by_the_programmes_days(client, auth):
    """Was a hole when this review began: GET /api/batches?to=2026-03-05 kept a batch leaving
    2026-03-06 07:00 in Beijing (23:00 UTC on the 5th) — ``list_batches`` built its bounds with
    ``dt.datetime.combine(day, time(), dt.UTC)``. Fixed in the working tree during the review
    (``calendar.start_of``); kept as a regression test."""
    db.session.add_all([
        Batch(id="b-early-morning", name="通渭—福州 早班", origin_county_code="621121",
              departure_station="定西北站",
              departs_at=dt.datetime(2026, 3, 6, 7, 0, tzinfo=TZ), train_number="D2702",
              destination_station="福州站",
              expected_arrival_at=dt.datetime(2026, 3, 6, 20, 0, tzinfo=TZ)),
        Batch(id="b-arrives-early", name="通渭—福州 夜车", origin_county_code="621121",
              departure_station="定西北站",
              departs_at=dt.datetime(2026, 3, 4, 18, 0, tzinfo=TZ), train_number="K1234",
              destination_station="福州站",
              expected_arrival_at=dt.datetime(2026, 3, 5, 7, 0, tzinfo=TZ)),
    ])
    db.session.commit()
    until_5th = [
        b["id"]
        for b in client.get("/api/batches?to=2026-03-05", headers=auth.headers("county")).json[
            "items"
        ]
    ]
    from_5th = [
        b["id"]
        for b in client.get("/api/batches?from=2026-03-05", headers=auth.headers("county")).json[
            "items"
        ]
    ]
    assert ("b-early-morning" not in until_5th, "b-arrives-early" in from_5th) == (True, True), (
        until_5th,
        from_5th,
    )


def test_holds_the_retention_cutoff_is_the_programmes_midnight(app, register):
    """Was a hole when this review began: a record whose last event was at 03:00 in Beijing on the
    cutoff day (19:00 UTC the day before) is not "last active before the cutoff", but
    ``apply_retention`` compared with midnight UTC (``combine(cutoff, time(), dt.UTC)``) and erased
    it. Fixed in the working tree during the review; kept as a regression test."""
    from server.services.retention import apply_retention
    register(47, on=dt.datetime(2025, 6, 10, 3, 0, tzinfo=TZ))
    report = apply_retention(1, today=dt.date(2026, 6, 10), dry_run=True)
    assert report.workers == 0, report.lines()
    assert apply_retention(1, today=dt.date(2026, 6, 11), dry_run=True).workers == 1


def test_holds_no_server_or_schema_code_takes_a_day_from_the_utc_clock():
    """grep-like: no ``date.today()`` / ``datetime.now()`` / ``.date()`` on a moment in server/ and
    schemas/ outside the calendar (the demo seed aside)."""
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"date\.today\(\)|datetime\.now\(|datetime\.utcnow\(|\.date\(\)")
    found = []
    for path in [*root.joinpath("server").rglob("*.py"), *root.joinpath("schemas").rglob("*.py")]:
        if path.name in ("calendar.py", "demo.py") or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if (
                pattern.search(line)
                and "strptime" not in line
                and 'strftime("%Y%m%dT%H%M%SZ")' not in line
            ):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []


# ============================================================================================
# Counting twice
# ============================================================================================

def test_holds_the_same_evidence_sent_twice_or_from_two_phones_pays_once(client, auth, register):
    add_policy(client, auth, ONE_PARTY)
    worker, card = new_worker(client, auth, register, 48, registered_days_ago=130,
                              arrived_days_ago=121)
    d0 = days_ago(120)
    scans = [envelope("employer.onboarded", 1, credential=card, at=d0,
                      data={"start_date": day_of(d0)})]
    scans += [envelope("employment.confirmed", 2 + i, credential=card, at=days_ago(day))
              for i, day in enumerate((95, 65, 35, 5))]
    for scan in scans:
        push(client, auth, "employer", "hr-phone", scan)
        assert statuses(push(client, auth, "employer", "hr-phone", scan)) == [("duplicate", None)]
    assert statuses(push(client, auth, "employer", "hr-phone-2", scans[-1])) == [
        ("duplicate", None)
    ]
    altered = push(client, auth, "employer", "hr-phone-2", dict(scans[-1], device_seq=1))
    assert statuses(altered) == [("rejected", "id_conflict")]
    county = auth.headers("county")
    assert [i["amount"] for i in items_of(client, auth, worker)] == [3000]
    assert client.post("/api/payouts/recompute", json={}, headers=county).json["new"] == 1
    assert client.post("/api/payouts/recompute", json={}, headers=county).json["new"] == 0
    assert db.session.query(Payout).filter_by(worker_id=worker).count() == 1
    assert db.session.get(Worker, worker).month3_on is not None
