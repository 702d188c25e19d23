"""The workstations' services (娘家人) through the API: a worker's request for help from their own
account, the workstation's list, answer and closing, what the worker reads back, the at-risk
list after 3 days open, the times per workstation — and who may write or read which step."""
import datetime as dt
import uuid

import pytest
import time_machine

from server.extensions import db
from server.models import User
from server.services.auth import create_token
from tests.api.sync_helpers import TZ, envelope, push, statuses

START = dt.datetime(2026, 5, 4, 9, tzinfo=TZ)
_seq = iter(range(1, 100_000))


def at(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


def own_token(worker_id: str) -> dict:
    account = User(name=f"w-{worker_id[:6]}", role="worker", worker_id=worker_id,
                   county_code="621121")
    db.session.add(account)
    db.session.flush()
    token = create_token(account, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def ask(client, worker_id, headers, when, **data):
    request = envelope("help.requested", next(_seq), worker_id=worker_id, at=when, data=data)
    with time_machine.travel(when + dt.timedelta(minutes=1), tick=True):
        body = client.post("/api/sync/push", headers=headers, json={
            "device_id": f"phone-{worker_id[:6]}", "events": [request]})
    assert body.status_code == 200, body.json
    return request["id"], statuses(body.json)[0]


def step(client, auth, worker_id, type, when, who="workstation", **data):
    body = push(client, auth, who, f"{who}-desk", envelope(
        type, next(_seq), worker_id=worker_id, at=when, data=data))
    return statuses(body)[0]


def listed(client, auth, who="workstation", when=None):
    with time_machine.travel(when or at(1), tick=True):
        response = client.get("/api/help-requests", headers=auth.headers(who))
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def asking(client, auth, register):
    """A Tongwei worker with their own account."""
    worker = register(1)["id"]
    return worker, own_token(worker)


def test_a_request_reaches_the_workstation_is_answered_closed_and_read_back(client, auth,
                                                                           asking):
    worker, headers = asking
    request_id, result = ask(client, worker, headers, at(0), category="unpaid_wages",
                             text="三月工资还没发")
    assert result == ("accepted", None)
    page = listed(client, auth)
    assert page["total"] == 1
    [line] = page["items"]
    assert (line["worker"]["id"], line["request"]["id"], line["request"]["status"],
            line["request"]["category"]) == (worker, request_id, "open", "unpaid_wages")
    assert listed(client, auth, "county")["total"] == 1  # the county office sees its people's
    assert listed(client, auth, "other_county")["total"] == 0

    assert step(client, auth, worker, "help.answered", at(2), request_id=request_id,
                action="call_logged", text="已联系企业，本周五前补发") == ("accepted", None)
    mine = client.get(f"/api/workers/{worker}/help", headers=headers).json
    assert [(r["status"], [s["text"] for s in r["steps"]]) for r in mine] == [
        ("answered", ["已联系企业，本周五前补发"])]
    assert step(client, auth, worker, "help.closed", at(30), request_id=request_id,
                note="已补发") == ("accepted", None)
    assert listed(client, auth, when=at(31))["total"] == 0
    mine = client.get(f"/api/workers/{worker}/help", headers=headers).json
    assert (mine[0]["status"], mine[0]["closing_note"]) == ("closed", "已补发")
    # nothing more on a closed request
    assert step(client, auth, worker, "help.answered", at(32), request_id=request_id,
                text="再说一句") == ("rejected", "no_open_request")


def test_no_one_takes_a_step_that_is_not_theirs(client, auth, asking, register):
    worker, headers = asking
    other = register(2)["id"]
    request_id, _ = ask(client, worker, headers, at(0), category="housing", text="宿舍漏雨")
    # the worker asks only for themselves, and answers nothing
    assert ask(client, other, headers, at(1), category="food")[1] == ("rejected", "out_of_scope")
    body = client.post("/api/sync/push", headers=headers, json={"device_id": "phone-x", "events": [
        envelope("help.closed", next(_seq), worker_id=worker, at=at(1),
                 data={"request_id": request_id})]})
    assert statuses(body.json) == [("rejected", "forbidden_type")]
    # another county's workstation; an employer; a request that is another worker's
    assert step(client, auth, worker, "help.answered", at(2), who="other_county",
                request_id=request_id, text="x") == ("rejected", "out_of_scope")
    assert step(client, auth, worker, "help.closed", at(2), who="employer",
                request_id=request_id) == ("rejected", "forbidden_type")
    assert step(client, auth, other, "help.closed", at(2), request_id=request_id) == (
        "rejected", "no_open_request")
    assert step(client, auth, worker, "help.closed", at(2), request_id=str(uuid.uuid4())) == (
        "rejected", "no_open_request")
    assert listed(client, auth)["items"][0]["request"]["status"] == "open"


def test_an_employer_reads_no_request_a_worker_made(client, auth, asking):
    worker, headers = asking
    ask(client, worker, headers, at(0), category="unpaid_wages", text="拖欠工资")
    for who in ("employer", "greeter", "fair_staff"):
        assert client.get("/api/help-requests", headers=auth.headers(who)).status_code == 403
        assert client.get(f"/api/workers/{worker}/help",
                          headers=auth.headers(who)).status_code in (403, 404)
    assert client.get(f"/api/workers/{worker}/help",
                      headers=auth.headers("other_county")).status_code == 404


@pytest.mark.parametrize("data", [{"category": "other"}, {"category": "loan"}, {}])
def test_a_request_that_does_not_fit_is_quarantined(client, auth, asking, data):
    worker, headers = asking
    assert ask(client, worker, headers, at(0), **data)[1] == ("rejected", "invalid_envelope")


def test_a_request_open_more_than_three_days_is_on_the_at_risk_list(client, auth, asking):
    worker, headers = asking
    ask(client, worker, headers, at(0), category="job_fit", text="干不了夜班")
    for hours, expected in ((24 * 2, False), (24 * 3, True)):
        with time_machine.travel(at(hours), tick=True):
            risk = client.get("/api/at-risk", headers=auth.headers("workstation")).json
        reasons = [line["reasons"] for line in risk["items"] if line["worker"]["id"] == worker]
        assert (reasons == [["help_open_3_days"]]) is expected, (hours, reasons)
        assert risk["total"] == len(risk["items"])


def test_the_times_per_workstation(client, auth, asking, register):
    worker, headers = asking
    first, _ = ask(client, worker, headers, at(0), category="injury", text="手被夹伤")
    second, _ = ask(client, worker, headers, at(1), category="going_home", text="想回家过年")
    step(client, auth, worker, "help.answered", at(2), request_id=first, text="已送医")
    step(client, auth, worker, "help.answered", at(7), request_id=second, text="帮您订票")
    step(client, auth, worker, "help.closed", at(12), request_id=first)
    with time_machine.travel(at(24 * 5), tick=True):
        times = client.get("/api/reports/help", headers=auth.headers("county")).json
    [group] = times["groups"]
    # answered after 2 h and 6 h (median 4), one closed after 12 h, one open for 5 days
    assert {k: group[k] for k in ("county_code", "requests", "answered", "closed",
                                  "open_over_3_days", "hours_to_answer", "hours_to_close")} == {
        "county_code": "621121", "requests": 2, "answered": 2, "closed": 1,
        "open_over_3_days": 1, "hours_to_answer": 4.0, "hours_to_close": 12.0}
    assert client.get("/api/reports/help", headers=auth.headers("other_county")
                      ).json["groups"] == []
    assert client.get("/api/reports/help", headers=auth.headers("employer")).status_code == 403


def test_what_a_second_pair_of_eyes_found(client, auth, asking, register):
    """Each was taken (or a 500) before: a lone surrogate lost the whole push; a worker's request
    carried any context; a batch id of another county's gave its office scope; a closing dated
    before the request was taken and did nothing; an employer saw on the at-risk list who had
    asked for help."""
    worker, headers = asking
    request_id, _ = ask(client, worker, headers, at(0), category="housing")
    good = envelope("help.requested", next(_seq), worker_id=worker, at=at(1),
                    data={"category": "food"})
    bad = envelope("help.requested", next(_seq), worker_id=worker, at=at(1),
                   data={"category": "other", "text": "\ud800"})
    with time_machine.travel(at(1.1), tick=True):
        body = client.post("/api/sync/push", headers=headers,
                           json={"device_id": "phone-s", "events": [bad, good]})
    assert body.status_code == 200
    assert statuses(body.json) == [("rejected", "invalid_envelope"), ("accepted", None)]
    with_context = envelope("help.requested", next(_seq), worker_id=worker, at=at(2),
                            context={"employer_id": auth.employer_id("other_employer")},
                            data={"category": "food"})
    with time_machine.travel(at(2.1), tick=True):
        body = client.post("/api/sync/push", headers=headers,
                           json={"device_id": "phone-s", "events": [with_context]})
    assert statuses(body.json) == [("rejected", "out_of_scope")]

    from server.models import Batch
    db.session.add(Batch(id="longxi", name="陇西—福州", origin_county_code="621122",
                         departure_station="陇西站", departs_at=at(100), train_number="K1",
                         destination_station="福州站", expected_arrival_at=at(130)))
    db.session.commit()
    card = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers()).json["qr"]
    body = push(client, auth, "other_county", "longxi-desk", envelope(
        "help.closed", next(_seq), credential=card, at=at(3), context={"batch_id": "longxi"},
        data={"request_id": request_id}))
    assert statuses(body) == [("rejected", "out_of_scope")]
    assert step(client, auth, worker, "help.closed", at(-1), request_id=request_id) == (
        "rejected", "no_open_request")

    with time_machine.travel(at(24 * 4), tick=True):
        mine = client.get("/api/at-risk", headers=auth.headers("workstation")).json["items"]
        theirs = client.get("/api/at-risk", headers=auth.headers("employer")).json["items"]
    assert any("help_open_3_days" in line["reasons"] for line in mine)
    assert not any("help_open_3_days" in line["reasons"] for line in theirs)
