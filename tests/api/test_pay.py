"""Pay against expectation through the API: the expectation signed at the fair, the month's pay
the employer gives with its confirmation, the worker's answer from their own account, two low
months on the at-risk list, the report per employer and job type against plain SQL — and who may
write which figure."""
import datetime as dt

import pytest
import time_machine
from sqlalchemy import text

from server.extensions import db
from server.models import Posting, User
from server.services.auth import create_token
from tests.api.sync_helpers import TZ, envelope, push, statuses

START = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)
_seq = iter(range(1, 100_000))


def at(days: int) -> dt.datetime:
    return START + dt.timedelta(days=days)


def posting(auth, job_type="sewing") -> str:
    row = Posting(fair_id="f", employer_id=auth.employer_id(), job_type=job_type, openings=10,
                  wage_min=3000, wage_max=4500, wage_basis="piece_rate", hours="8小时",
                  housing=True, food=True, district_code="350121")
    db.session.add(row)
    db.session.commit()
    return row.id


def employed(client, auth, register, n, *, expected=None, job=None):
    """A Tongwei worker who signed at the fair (expecting ``expected``), arrived and was onboarded
    (by the workstation) at 闽江纺织 on START."""
    worker = register(n)["id"]
    data = {"posting_id": job} if job else {}
    if expected:
        data["expected_pay"] = expected
    body = push(client, auth, "workstation", "ws-desk",
                envelope("fair.intent_signed", next(_seq), worker_id=worker, at=at(-20),
                         context={"fair_id": "f", "employer_id": auth.employer_id()}, data=data),
                envelope("station.arrived", next(_seq), worker_id=worker, at=at(-1)),
                envelope("employer.onboarded", next(_seq), worker_id=worker, at=at(0),
                         context={"employer_id": auth.employer_id()},
                         data={"start_date": START.date().isoformat(),
                               **({"posting_id": job} if job else {})}))
    assert {s for s, _ in statuses(body)} == {"accepted"}, body
    return worker


def months(client, auth, worker, *pays, who="employer"):
    """The employer's confirmations of March, April, … with these pays."""
    for n, pay in enumerate(pays):
        data = {"month": f"2026-{3 + n:02d}"} | ({} if pay is None else {"pay": pay})
        body = push(client, auth, who, f"{who}-phone", envelope(
            "employment.confirmed", next(_seq), worker_id=worker, at=at(28 + 30 * n),
            context={"employer_id": auth.employer_id()}, data=data))
        assert statuses(body) == [("accepted", None)], body


def worker_token(worker_id) -> str:
    account = User(name=f"w-{worker_id[:6]}", role="worker", worker_id=worker_id,
                   county_code="621121")
    db.session.add(account)
    db.session.flush()
    token = create_token(account, "phone")
    db.session.commit()
    return token


def answer(client, worker_id, token, when, **data):
    body = client.post("/api/sync/push", headers={"Authorization": f"Bearer {token}"}, json={
        "device_id": f"phone-{worker_id[:6]}", "events": [envelope(
            "pay.answered", next(_seq), worker_id=worker_id, at=when, data=data)]})
    assert body.status_code == 200, body.json
    return statuses(body.json)[0]


def test_two_months_under_2800_put_someone_on_the_at_risk_list(client, auth, register, fair):
    worker = employed(client, auth, register, 1, expected=4000)
    months(client, auth, worker, 2700, 2600)
    record = client.get(f"/api/workers/{worker}", headers=auth.headers("county")).json
    assert (record["expected_pay"], record["pay"]) == (4000, {
        "month": "2026-04", "pay": 2600, "disputed": None, "claimed": None})
    with time_machine.travel(at(62), tick=True):  # days after April's confirmation
        risk = client.get("/api/at-risk", headers=auth.headers("county")).json["items"]
    assert [line["reasons"] for line in risk if line["worker"]["id"] == worker] == [
        ["low_pay_2_months"]]


def test_the_worker_disputes_and_their_figure_counts(client, auth, register, fair):
    worker = employed(client, auth, register, 2)
    months(client, auth, worker, 3200, 3000)
    token = worker_token(worker)
    assert answer(client, worker, token, at(90), month="2026-03", agreed=False,
                  actual=2500) == ("accepted", None)
    assert answer(client, worker, token, at(90), month="2026-04", agreed=False,
                  actual=2700) == ("accepted", None)
    record = client.get(f"/api/workers/{worker}", headers=auth.headers()).json
    assert record["pay"] == {"month": "2026-04", "pay": 3000, "disputed": True, "claimed": 2700}
    risk = client.get("/api/at-risk", headers=auth.headers()).json["items"]
    assert any(line["worker"]["id"] == worker and "low_pay_2_months" in line["reasons"]
               for line in risk)
    # the employer sees the pay of its own worker, not what they expected at the fair
    seen = client.get(f"/api/workers/{worker}", headers=auth.headers("employer")).json
    assert "pay" in seen and "expected_pay" not in seen


def test_no_one_writes_a_figure_that_is_not_theirs(client, auth, register, fair):
    worker = employed(client, auth, register, 3)
    other = employed(client, auth, register, 4)
    token = worker_token(worker)
    # nothing to answer yet
    assert answer(client, worker, token, at(30), month="2026-03", agreed=True) == (
        "rejected", "no_pay_given")
    months(client, auth, worker, 3500)
    months(client, auth, other, 3500)
    # another worker's pay, from this worker's account
    assert answer(client, other, token, at(31), month="2026-03", agreed=False, actual=100) == (
        "rejected", "out_of_scope")
    # a worker's own confirmation carries no pay: the employer gives it
    body = client.post("/api/sync/push", headers={"Authorization": f"Bearer {token}"}, json={
        "device_id": "phone-x", "events": [envelope(
            "employment.confirmed", next(_seq), worker_id=worker, at=at(31),
            context={"employer_id": auth.employer_id()},
            data={"month": "2026-03", "pay": 9000, "site_code": "LPS1:x"})]})
    assert statuses(body.json) == [("rejected", "out_of_scope")]
    # an employer answers no worker's pay; another employer gives no pay for someone not theirs
    for who, reason in (("employer", "forbidden_type"), ("greeter", "forbidden_type")):
        body = push(client, auth, who, f"{who}-phone", envelope(
            "pay.answered", next(_seq), worker_id=worker, at=at(32),
            data={"month": "2026-03", "agreed": True}))
        assert statuses(body) == [("rejected", reason)], who
    body = push(client, auth, "other_employer", "rq-phone", envelope(
        "employment.confirmed", next(_seq), worker_id=worker, at=at(32),
        context={"employer_id": auth.employer_id("other_employer")},
        data={"month": "2026-03", "pay": 1}))
    assert statuses(body)[0][0] == "rejected"
    record = client.get(f"/api/workers/{worker}", headers=auth.headers()).json
    assert record["pay"] == {"month": "2026-03", "pay": 3500, "disputed": None, "claimed": None}


@pytest.mark.parametrize("data", [{"month": "2026-03", "agreed": False},
                                  {"month": "2026-03", "agreed": True, "actual": 1000},
                                  {"month": "2026-3", "agreed": True}, {"agreed": True}])
def test_an_answer_that_does_not_fit_is_quarantined(client, auth, register, fair, data):
    worker = employed(client, auth, register, 5)
    months(client, auth, worker, 3500)
    assert answer(client, worker, worker_token(worker), at(31), **data) == (
        "rejected", "invalid_envelope")


def test_pay_without_its_month_is_refused(client, auth, register, fair):
    worker = employed(client, auth, register, 6)
    body = push(client, auth, "employer", "employer-phone", envelope(
        "employment.confirmed", next(_seq), worker_id=worker, at=at(28),
        context={"employer_id": auth.employer_id()}, data={"pay": 3000}))
    assert statuses(body) == [("rejected", "invalid_envelope")]


def test_the_report_agrees_with_plain_sql_per_employer_and_job_type(client, auth, register,
                                                                   fair):
    sewing, electronics = posting(auth, "sewing"), posting(auth, "electronics_assembly")
    people = [employed(client, auth, register, 10, expected=4000, job=sewing),
              employed(client, auth, register, 11, job=sewing),
              employed(client, auth, register, 12, expected=3000, job=electronics),
              employed(client, auth, register, 13, job=electronics)]
    months(client, auth, people[0], 3800, 3600)
    months(client, auth, people[1], 2500)
    months(client, auth, people[2], 3100)
    months(client, auth, people[3], None)  # confirmed, no pay given
    answer(client, people[2], worker_token(people[2]), at(30), month="2026-03", agreed=False,
           actual=2900)

    by_job = client.get("/api/reports/pay?by=job_type", headers=auth.headers("county")).json
    rows = db.session.execute(text(
        "SELECT e.worker_id, e.type, e.data FROM events e WHERE e.type IN "
        "('employment.confirmed', 'pay.answered', 'fair.intent_signed', 'employer.onboarded') "
        "ORDER BY e.occurred_at, e.id")).all()
    import json
    latest, answered, expected, job = {}, {}, {}, {}
    for worker_id, type_, data in rows:
        data = data if isinstance(data, dict) else json.loads(data)
        if type_ == "employment.confirmed" and "pay" in data:
            latest[worker_id] = (data["month"], data["pay"])
        elif type_ == "pay.answered":
            answered[(worker_id, data["month"])] = data.get("actual")
        elif type_ == "fair.intent_signed":
            expected[worker_id] = data.get("expected_pay", 3500)
        if data.get("posting_id"):
            job[worker_id] = data["posting_id"]
    jobs = {sewing: "sewing", electronics: "electronics_assembly"}
    oracle = {}
    for worker_id, (month, pay) in latest.items():
        claimed = answered.get((worker_id, month))
        counted = pay if claimed is None else claimed
        group = oracle.setdefault(jobs[job[worker_id]], {"paid": 0, "sum": 0, "under_expected": 0,
                                                         "under_low": 0})
        group["paid"] += 1
        group["sum"] += counted
        group["under_expected"] += counted < expected[worker_id]
        group["under_low"] += counted < 2800
    answer_by_key = {g["key"]: g for g in by_job["groups"]}
    assert set(answer_by_key) == set(oracle)
    for key, group in oracle.items():
        got = answer_by_key[key]
        assert (got["paid"], got["average_pay"], got["under_expected"], got["under_low"]) == (
            group["paid"], round(group["sum"] / group["paid"]), group["under_expected"],
            group["under_low"]), key
    assert answer_by_key["electronics_assembly"]["disputed"] == 1
    assert answer_by_key["sewing"]["label"] == "缝纫工 Sewing machinist"
    by_employer = client.get("/api/reports/pay?by=employer", headers=auth.headers()).json
    assert [(g["label"], g["paid"]) for g in by_employer["groups"]] == [("闽江纺织", 3)]
    assert client.get("/api/reports/pay", headers=auth.headers("employer")).status_code == 403
    assert client.get("/api/reports/pay", headers=auth.headers("other_county")
                      ).json["groups"] == []


def test_no_pay_for_a_month_ahead_nor_from_a_former_employer(client, auth, register, fair):
    """Found by a second pair of eyes: a month ahead replaced the low figures that put someone on
    the at-risk list; an employer whose employment had ended still gave pay."""
    worker = employed(client, auth, register, 20)
    months(client, auth, worker, 2000, 2000)
    body = push(client, auth, "employer", "employer-phone", envelope(
        "employment.confirmed", next(_seq), worker_id=worker, at=at(60),
        context={"employer_id": auth.employer_id()}, data={"month": "2099-12", "pay": 9000}))
    assert statuses(body) == [("rejected", "invalid_envelope")]
    body = push(client, auth, "employer", "employer-phone", envelope(
        "employment.ended", next(_seq), worker_id=worker, at=at(61),
        context={"employer_id": auth.employer_id()},
        data={"end_date": at(61).date().isoformat(), "reason": "pay"}))
    assert statuses(body) == [("accepted", None)]
    body = push(client, auth, "employer", "employer-phone", envelope(
        "employment.confirmed", next(_seq), worker_id=worker, at=at(62),
        context={"employer_id": auth.employer_id()}, data={"month": "2026-05", "pay": 100}))
    assert statuses(body) == [("rejected", "out_of_scope")]
    record = client.get(f"/api/workers/{worker}", headers=auth.headers()).json
    assert record["pay"]["month"] == "2026-04" and record["pay"]["pay"] == 2000
