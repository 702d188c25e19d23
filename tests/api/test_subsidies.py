"""Eligibility with its evidence, the ledger that never pays twice, payouts step by step by named
users, later evidence sending an unpaid payout back to review and flagging a paid one, and
policies versioned by admins only — through the API, on the real database."""
import csv
import datetime as dt
import io

from openpyxl import load_workbook

from server.extensions import db
from server.models import AuditEntry, Event, Payout, QuarantinedEvent
from tests.api.sync_helpers import envelope, onboard_reviewed, push, statuses
from tests.conftest import person

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date.today()
DAY0 = TODAY - dt.timedelta(days=95)


def at(day: int) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(10), TZ)


def employed(client, auth, register, n=0, confirmations=(30, 60), follow_ups=(10, 40, 70)) -> str:
    """A Tongwei poor-household worker onboarded on DAY0 (keyed in, accepted by a reviewer),
    confirmed by the employer's scan of the card on the ``confirmations`` days and visited by the
    workstation, who scans the card too, on the ``follow_ups`` days: the two parties the 2019
    policy asks for in each month. Each scan reaches the server the minute it is made."""
    worker = register(n)["id"]
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    onboard_reviewed(client, auth, envelope("employer.onboarded", 1, worker_id=worker, at=at(0),
                                            data={"start_date": DAY0.isoformat()}),
                     device=f"hr-{n}")
    for i, day in enumerate(confirmations):
        body = push(client, auth, "employer", f"hr-{n}",
                    envelope("employment.confirmed", i + 2, credential=card,
                                                                  at=at(day),
                             data={"month": at(day).strftime("%Y-%m")}))
        assert statuses(body) == [("accepted", None)] and body["results"][0]["flags"] == [], body
    employer_id = auth.users["employer"].employer_id
    for i, day in enumerate(follow_ups):
        body = push(client, auth, "workstation", f"ws-{n}",
                    envelope("employment.confirmed", i + 1, credential=card,
                                                                     at=at(day),
                             context={"employer_id": employer_id}))
        assert statuses(body) == [("accepted", None)] and body["results"][0]["flags"] == [], body
    return worker


def card_of(worker_id: str) -> str:
    """The QR text of the worker's card, as printed (the tests issued one for each)."""
    from server.models import Credential, Worker
    return db.session.get(Credential, db.session.get(Worker, worker_id).card_serial).qr


def test_eligibility_as_of_a_date_names_the_evidence_for_each_month(client, auth, register):
    worker = employed(client, auth, register)
    url = f"/api/workers/{worker}/eligibility"
    assert (
        client.get(
            f"{url}?as_of={(DAY0 + dt.timedelta(days=89)).isoformat()}",
            headers=auth.headers("county"),
        ).json["items"]
        == []
    )
    answer = client.get(
        f"{url}?as_of={(DAY0 + dt.timedelta(days=90)).isoformat()}", headers=auth.headers("county")
    ).json
    [item] = answer["items"]
    assert (item["key"], item["amount"], item["policy_version"]) == ("fz-2019-stable:worker:"
                                                                     f"{worker}:spell1:m3", 3000,
                                                                     1)
    assert item["explanation"][1].startswith("第2个月"
                                             f"（{(DAY0 + dt.timedelta(days=30)).isoformat()}")
    assert "在岗确认" in item["explanation"][2]
    assert client.get(url, headers=auth.headers("other_county")).status_code == 404
    assert client.get(url, headers=auth.headers("employer")).status_code == 403


def test_a_worker_sees_their_own_amounts_and_where_the_ledger_has_them_and_no_one_elses(
    client, auth, register
):
    from server.models import User
    from server.services.auth import create_token

    mine, theirs = employed(client, auth, register, 1), employed(client, auth, register, 2)
    invite = client.post("/api/auth/worker-invitations", json={"worker_id": mine},
                         headers=auth.headers())
    phone = {
        "Authorization": "Bearer "
        f"{create_token(db.session.get(User, invite.json['user_id']), 'phone')}"
    }
    db.session.commit()
    me = client.get("/api/auth/me", headers=phone).json
    # the person, not the handle
    assert me["display_name"] == person(1)["name"] and me["name"] != me["display_name"]
    [item] = client.get(f"/api/workers/{mine}/eligibility", headers=phone).json["items"]
    assert (item["amount"], item["status"]) == (3000, None)  # reached, not yet in the ledger
    assert (
        client.post("/api/payouts/recompute", json={}, headers=auth.headers("county")).status_code
        == 200
    )
    [item] = client.get(f"/api/workers/{mine}/eligibility", headers=phone).json["items"]
    assert item["status"] == "eligible"
    payout = next(p for p in client.get("/api/payouts", headers=auth.headers("county")).json
                  if p["worker_id"] == mine)
    client.post(f"/api/payouts/{payout['id']}/approve", json={}, headers=auth.headers("county"))
    assert (
        client.get(f"/api/workers/{mine}/eligibility", headers=phone).json["items"][0]["status"]
        == "approved"
    )
    # knowing an id grants nothing
    assert client.get(f"/api/workers/{theirs}/eligibility", headers=phone).status_code == 404
    assert client.get("/api/payouts", headers=phone).status_code == 403  # nor the ledger


def test_the_ledger_pays_a_milestone_once_step_by_step_and_flags_what_later_evidence_removes(
    client, auth, register
):
    paid_worker = employed(client, auth, register, 1)
    unpaid_worker = employed(client, auth, register, 2)
    county = auth.headers("county")
    assert client.post("/api/payouts/recompute", json={}, headers=county).json == {
        "new": 2, "unchanged": 0, "no_longer_eligible": 0}
    payouts = {p["worker_id"]: p for p in client.get("/api/payouts", headers=county).json}
    paid = payouts[paid_worker]
    assert (paid["status"], paid["amount"], paid["county_code"]) == ("eligible", 3000, "621121")

    pay_too_soon = client.post(f"/api/payouts/{paid['id']}/pay", json={}, headers=county)
    assert pay_too_soon.status_code == 409 and pay_too_soon.json["code"] == "wrong_status"
    # no reason
    assert (
        client.post(f"/api/payouts/{paid['id']}/reject", json={}, headers=county).status_code
        == 422
    )
    for action in ("approve", "pay"):
        assert (
            client.post(f"/api/payouts/{paid['id']}/{action}", json={}, headers=county).status_code
            == 200
        )
    assert (
        client.post(
            f"/api/payouts/{paid['id']}/approve", json={}, headers=auth.headers("workstation")
        ).status_code
        == 403
    )

    again = client.post("/api/payouts/recompute", json={}, headers=county).json
    # the same milestones: nothing new to pay
    assert again == {"new": 0, "unchanged": 2, "no_longer_eligible": 0}
    assert db.session.query(Payout).count() == 2

    # The county voids the employer's day-60 confirmation of both workers, and another reviewer
    # (a void of someone else's scan needs two) lets it stand: month 3 loses its evidence.
    for worker, seq in ((paid_worker, 10), (unpaid_worker, 11)):
        day60 = db.session.query(Event).filter_by(worker_id=worker, type="employment.confirmed",
                                                  actor_id=auth.users["employer"].id).order_by(
            Event.occurred_at.desc()).first()
        void = envelope("event.voided", seq, worker_id=worker, at=at(94),
                        data={"event_id": day60.id, "reason": "扫错了人"})
        assert statuses(push(client, auth, "county", "office", void)) == [("rejected",
                                                                           "void_needs_review")]
        entry = db.session.query(QuarantinedEvent).filter_by(event_id=void["id"]).one().id
        own = client.post(f"/api/sync/quarantine/{entry}/reapply", json={"note": "我作废的"},
                          headers=county)
        # not the one who asked
        assert own.status_code == 422 and own.json["code"] == "void_needs_review"
        assert client.post(f"/api/sync/quarantine/{entry}/reapply",
                           json={"note": "核实：扫错了人"},
                           headers=auth.headers("workstation")).status_code == 200
    assert (
        client.post("/api/payouts/recompute", json={}, headers=county).json["no_longer_eligible"]
        == 2
    )
    after = {p["worker_id"]: p for p in client.get("/api/payouts", headers=county).json}
    # never reversed
    assert (after[paid_worker]["status"], after[paid_worker]["flags"]) == ("paid",
                                                                           ["no_longer_eligible"])
    assert (after[unpaid_worker]["status"], after[unpaid_worker]["flags"]) == (
        "review",
        ["no_longer_eligible"],
    )
    assert [h["status"] for h in after[paid_worker]["history"]] == ["eligible", "approved", "paid"]
    assert after[paid_worker]["history"][1]["by"] == auth.users["county"].id
    assert {"payout.approved", "payout.paid", "payouts.recomputed"} <= {
        a for (a,) in db.session.query(AuditEntry.action)
    }

    # Evidence comes back: the employer's phone, offline since, sends its scan of day 70 today. It
    # is late, so the payout is held for it, naming it; once a reviewer accepts it, eligible again.
    late = push(client, auth, "employer", "hr-2",
                envelope("employment.confirmed", 9, credential=card_of(unpaid_worker),
                                                            at=at(70),
                         data={"month": at(70).strftime("%Y-%m")}),
                prompt=False)
    assert statuses(late) == [("accepted", None)] and late["results"][0]["flags"] == ["late"], late
    client.post("/api/payouts/recompute", json={}, headers=county)
    held = {p["worker_id"]: p for p in client.get("/api/payouts", headers=county).json}[
        unpaid_worker
    ]
    assert (held["status"], held["flags"]) == ("held", [])
    assert [(e["event_id"], e["reasons"]) for e in held["held_for"]] == [(late["results"][0]["id"],
                                                                          ["late"])]
    refused = client.post(f"/api/payouts/{held['id']}/approve", json={}, headers=county)
    assert refused.status_code == 409 and refused.json["code"] == "held"
    accepted = client.post(f"/api/reviews/{late['results'][0]['id']}",
                           json={"outcome": "accepted", "note": "单位核实"},
                           headers=auth.headers("workstation"))
    assert accepted.status_code in (200, 201), accepted.json
    client.post("/api/payouts/recompute", json={}, headers=county)
    back = {p["worker_id"]: p for p in client.get("/api/payouts", headers=county).json}
    assert (
        back[unpaid_worker]["status"],
        back[unpaid_worker]["flags"],
        back[unpaid_worker]["held_for"],
    ) == ("eligible", [], [])
    assert [h["status"] for h in back[unpaid_worker]["history"]] == ["eligible", "review", "held",
                                                                     "eligible"]
    assert db.session.query(Payout).count() == 2
    assert client.get("/api/payouts", headers=auth.headers("other_county")).json == []


def test_the_ledger_comes_a_page_at_a_time_and_a_county_counts_only_its_own(client, auth,
                                                                            register):
    workers = [employed(client, auth, register, n) for n in range(3)]
    county = auth.headers("county")
    assert client.post("/api/payouts/recompute", json={}, headers=county).json["new"] == 3
    # long pages by default: the ledger as it was
    whole = client.get("/api/payouts", headers=county)
    assert sorted(p["worker_id"] for p in whole.json) == sorted(workers)
    assert (
        whole.headers["X-Total-Count"],
        whole.headers["X-Page"],
        whole.headers["X-Per-Page"],
    ) == ("3", "1", "500")
    pages = [client.get(f"/api/payouts?per_page=2&page={n}", headers=county) for n in (1, 2, 3)]
    assert [len(p.json) for p in pages] == [2, 1, 0] and {
        p.headers["X-Total-Count"] for p in pages
    } == {"3"}
    # in order, none twice
    assert [p["id"] for page in pages for p in page.json] == [p["id"] for p in whole.json]
    mine = client.get(f"/api/payouts?worker_id={workers[0]}&per_page=1", headers=county)
    assert [p["worker_id"] for p in mine.json] == [workers[0]] and mine.headers[
        "X-Total-Count"
    ] == "1"
    theirs = client.get("/api/payouts", headers=auth.headers("other_county"))
    # not even how many another county has
    assert theirs.json == [] and theirs.headers["X-Total-Count"] == "0"
    for bad in ("per_page=1001", "per_page=0", "page=0"):
        refused = client.get(f"/api/payouts?{bad}", headers=county)
        assert refused.status_code == 422 and set(refused.json["errors"]) <= {
            "page",
            "per_page",
        }, bad


def test_policies_ship_with_the_seeds_and_only_admins_add_versions(client, auth):
    listed = client.get("/api/policies", headers=auth.headers("county")).json
    assert {(p["code"], p["version"]) for p in listed} == {
        ("fz-2018-monthly", 1), ("fz-2019-stable", 1), ("fz-employer-reward", 1)}
    raise_2027 = {"code": "fz-2019-stable", "kind": "milestone", "name": "2027年提高标准",
                  "effective_from": "2027-01-01",
                  "params": {"steps": [[3, 3500], [6, 9000]]},
                  "filters": {"poor_household": True, "first_time": True}}
    assert (
        client.post("/api/policies", json=raise_2027, headers=auth.headers("county")).status_code
        == 403
    )
    created = client.post("/api/policies", json=raise_2027, headers=auth.headers("admin"))
    assert created.status_code == 201 and created.json["version"] == 2
    broken = client.post("/api/policies", json=raise_2027 | {"params": {"amount": 600}},
                         headers=auth.headers("admin"))
    assert broken.status_code == 422 and set(broken.json["errors"]) == {"params.steps",
                                                                        "params.amount"}
    wrong_kind = client.post("/api/policies",
                             json=raise_2027 | {"kind": "arrival", "params": {"amount": 500}},
                             headers=auth.headers("admin"))
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.json["errors"]
    assert db.session.query(AuditEntry).filter_by(action="policy.versioned").count() == 1


def test_finance_exports_list_each_payout_masked_with_totals_by_county_employer_and_policy(
    client, auth, register
):
    workers = [employed(client, auth, register, n) for n in (3, 4)]
    client.post("/api/payouts/recompute", json={}, headers=auth.headers("county"))
    text = client.get(
        "/api/payouts/export?format=csv", headers=auth.headers("county")
    ).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    payouts = [r for r in rows[1:] if r and r[0].isdigit()]
    assert len(payouts) == 2 and all("*" in r[4] and r[6] == "通渭县" and r[7] == "3000"
                                     for r in payouts)
    assert not any(person(n)["id_number"] in text for n in (3, 4))  # masked, never the full number
    totals = {r[0]: r[1] for r in rows if len(r) == 2}
    assert (totals["通渭"
                   "县"], totals["fz-2019-stable"], totals["闽江纺织"]) == ("6000", "6000", "6000")
    sheet = client.get("/api/payouts/export", headers=auth.headers("county"))
    assert sheet.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(sheet.data)).sheetnames == ["补贴发放"]
    other = client.get(
        "/api/payouts/export?format=csv", headers=auth.headers("other_county")
    ).data.decode("utf-8-sig")
    assert not any(w in other for w in workers) and "3000" not in other
