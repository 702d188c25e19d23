"""The follow-up of a signed intention, through the API as the county's phone and office use it:
the worklist over the days after a fair (first call, again when no one answered, before the
batch), the calls pushed like scans, who may record and see them, and the reports against plain
SQL over the event log."""
import datetime as dt
import uuid
from collections import Counter

import pytest
import time_machine
from sqlalchemy import text

from server.extensions import db
from server.models import Batch
from tests.api.sync_helpers import T0, TZ, envelope, push, statuses

SIGNED = {"fair_id": "f"}


@pytest.fixture
def signed(client, auth, register, fair):
    """Three people of Tongwei who signed an intention at the fair "f" on T0's day (with
    闽江纺织), checked in first."""
    employer = auth.employer_id()
    people = [register(n) for n in range(3)]
    events = []
    for n, person in enumerate(people):
        events += [envelope("fair.checked_in", 2 * n + 1, worker_id=person["id"], context=SIGNED,
                            at=T0),
                   envelope("fair.intent_signed", 2 * n + 2, worker_id=person["id"],
                            context=SIGNED | {"employer_id": employer}, at=T0)]
    assert {s for s, _ in statuses(push(client, auth, "fair_staff", "fair-phone",
                                        *events))} == {"accepted"}
    return [p["id"] for p in people]


_seq = iter(range(100, 100_000))


def call(client, auth, worker_id, when, who="county", fair="f", **data):
    body = push(client, auth, who, f"{who}-phone",
                envelope("intention.followed_up", next(_seq), worker_id=worker_id,
                         context={"fair_id": fair}, data=data, at=when))
    return statuses(body)[0]


def worklist(client, auth, on: dt.date, who="county", query=""):
    with time_machine.travel(dt.datetime.combine(on, dt.time(10), TZ), tick=True):
        response = client.get(f"/api/follow-ups{query}", headers=auth.headers(who))
    assert response.status_code == 200, response.json
    return {line["worker"]["id"]: line for line in response.json["items"]}


def day(n: int) -> dt.date:
    return T0.date() + dt.timedelta(days=n)


def at(n: int, hour=10) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour), TZ)


def test_each_signed_intention_is_on_the_list_to_be_called_within_three_days(client, auth,
                                                                            signed):
    first = worklist(client, auth, day(1))
    assert set(first) == set(signed)
    line = first[signed[0]]
    assert (line["call"], line["due_on"], line["fair"]["name"], line["employer_name"],
            line["calls"]) == ("first", day(3).isoformat(), "通渭县春季招聘会", "闽江纺织", 0)
    assert line["worker"]["phone"]  # the office calls it
    # overdue ones stay, first in the list
    assert list(worklist(client, auth, day(9))) and worklist(client, auth, day(9))[signed[0]][
        "due_on"] == day(3).isoformat()


def test_a_call_that_reached_no_one_comes_back_the_next_day(client, auth, signed):
    assert call(client, auth, signed[0], at(1), reached=False) == ("accepted", None)
    assert signed[0] not in worklist(client, auth, day(1))
    again = worklist(client, auth, day(2))[signed[0]]
    assert (again["call"], again["calls"], again["last_reached"]) == ("again", 1, False)


def test_someone_still_coming_is_called_again_in_the_week_before_the_batch(client, auth, signed):
    assert call(client, auth, signed[0], at(1), reached=True, coming=True) == ("accepted", None)
    assert signed[0] not in worklist(client, auth, day(2))  # no batch yet: nothing due
    db.session.add(Batch(id="b2", name="通渭—福州 第2批", origin_county_code="621121",
                         departure_station="定西北站", departs_at=at(20, 8),
                         train_number="D2702", destination_station="福州站",
                         expected_arrival_at=at(21, 6)))
    db.session.commit()
    assert signed[0] not in worklist(client, auth, day(12))
    due = worklist(client, auth, day(13))[signed[0]]
    assert (due["call"], due["opens_on"], due["due_on"], due["departs_on"]) == (
        "before_batch", day(13).isoformat(), day(19).isoformat(), day(20).isoformat())
    assert call(client, auth, signed[0], at(14), reached=True, coming=True)[0] == "accepted"
    assert signed[0] not in worklist(client, auth, day(15))


def test_no_and_why_takes_someone_off_the_list_and_into_the_funnel_and_the_reasons(client, auth,
                                                                                  signed):
    assert call(client, auth, signed[0], at(1), reached=True, coming=False,
                reason="farming_season") == ("accepted", None)
    assert call(client, auth, signed[1], at(1), reached=True, coming=True)[0] == "accepted"
    assert call(client, auth, signed[2], at(1), reached=False)[0] == "accepted"
    assert signed[0] not in worklist(client, auth, day(5))
    fair = client.get("/api/fairs/f", headers=auth.headers("county")).json
    assert (fair["funnel"]["intent"], fair["funnel"]["followed_up"]) == (3, 2)
    funnel = client.get("/api/reports/funnel?by=county", headers=auth.headers()).json
    assert funnel["stages"][:4] == ["registered", "at_fair", "intent", "followed_up"]
    assert funnel["total"]["followed_up"] == 2
    report = client.get("/api/reports/follow-ups?by=fair", headers=auth.headers("county")).json
    [group] = report["groups"]
    assert (group["key"], group["label"]) == (["f"], "通渭县春季招聘会 2026-02-01")
    assert {k: group[k] for k in ("intent", "called", "reached", "coming", "not_coming",
                                  "undecided")} == {
        "intent": 3, "called": 3, "reached": 2, "coming": 1, "not_coming": 1, "undecided": 0}
    assert group["reasons"]["farming_season"] == 1 and sum(group["reasons"].values()) == 1


@pytest.mark.parametrize("data, field", [
    ({"reached": False, "coming": True}, "coming"),
    ({"reached": True, "coming": False}, "reason"),
    ({"reached": True, "coming": True, "reason": "pay"}, "reason"),
    ({"reached": True, "coming": False, "reason": "other"}, "note"),
    ({"reached": True, "coming": False, "reason": "too_cold"}, "reason"),
    ({"coming": True}, "reached"),
    ({"reached": "maybe"}, "reached"),
])
def test_an_answer_that_does_not_fit_is_quarantined_with_its_field(client, auth, signed, data,
                                                                   field):
    status, reason = call(client, auth, signed[0], at(1), **data)
    assert (status, reason) == ("rejected", "invalid_envelope")
    assert signed[0] in worklist(client, auth, day(1))  # nothing recorded


def test_a_follow_up_of_an_intention_never_signed_there_is_refused(client, auth, signed, register):
    other = register(9)
    assert call(client, auth, other["id"], at(1), reached=True, coming=True) == (
        "rejected", "no_intention")
    assert call(client, auth, signed[0], at(1), fair="no-such-fair", reached=False) == (
        "rejected", "no_intention")


@pytest.mark.parametrize("who, reason", [("other_county", "out_of_scope"),
                                         ("employer", "forbidden_type"),
                                         ("greeter", "forbidden_type")])
def test_no_one_outside_the_county_records_a_call(client, auth, signed, who, reason):
    assert call(client, auth, signed[0], at(1), who=who, reached=True, coming=False,
                reason="pay") == ("rejected", reason)
    assert client.get("/api/reports/follow-ups", headers=auth.headers()).json["total"][
        "not_coming"] == 0


def test_the_worklist_is_the_countys_own(client, auth, signed):
    assert worklist(client, auth, day(1), who="other_county") == {}
    assert set(worklist(client, auth, day(1), who="fair_staff")) == set(signed)
    assert set(worklist(client, auth, day(1), who="admin")) == set(signed)
    for who in ("employer", "greeter"):
        assert client.get("/api/follow-ups", headers=auth.headers(who)).status_code == 403
    assert client.get("/api/reports/follow-ups", headers=auth.headers("employer")
                      ).status_code == 403
    other = client.get("/api/reports/follow-ups", headers=auth.headers("other_county")).json
    assert other["groups"] == []


def test_a_new_intention_next_season_starts_the_calls_again(client, auth, signed):
    assert call(client, auth, signed[0], at(1), reached=True, coming=False, reason="pay")[0] == (
        "accepted")
    later = at(300)
    body = push(client, auth, "fair_staff", "fair-phone", envelope(
        "fair.intent_signed", 90, worker_id=signed[0],
        context=SIGNED | {"employer_id": auth.employer_id("other_employer")}, at=later))
    assert statuses(body) == [("accepted", None)]
    line = worklist(client, auth, day(301))[signed[0]]
    assert (line["call"], line["calls"], line["employer_name"]) == ("first", 0, "融侨电子")


def test_the_reports_agree_with_plain_sql_over_the_event_log(client, auth, register, fair):
    """An oracle that reads the events, not the record: each worker's latest intention, the
    follow-ups since it, the latest reached one's answer."""
    employer = auth.employer_id()
    answers = [None, (False,), (True, True), (True, False, "pay"), (True, False, "pay"),
               (True, False, "climate"), (True, None), (False,), (True, False, "food")]
    for n, answer in enumerate(answers):
        person = register(20 + n)
        events = [envelope("fair.intent_signed", 1, worker_id=person["id"],
                           context=SIGNED | {"employer_id": employer}, at=T0)]
        if answer:
            data = {"reached": answer[0]}
            if answer[0]:
                data |= {"coming": answer[1]} | ({"reason": answer[2]} if len(answer) > 2 else {})
            events.append(envelope("intention.followed_up", 2, worker_id=person["id"],
                                   context=SIGNED, data=data, at=at(1)))
        body = push(client, auth, "county", f"desk-{uuid.uuid4()}", *events)
        assert {s for s, _ in statuses(body)} == {"accepted"}, body
    report = client.get("/api/reports/follow-ups?by=county", headers=auth.headers()).json
    [group] = report["groups"]

    rows = db.session.execute(text(
        "SELECT e.worker_id, e.type, e.data FROM events e WHERE e.type IN "
        "('fair.intent_signed', 'intention.followed_up') ORDER BY e.occurred_at, e.id")).all()
    latest: dict[str, dict] = {}
    for worker_id, type_, data in rows:
        data = data if isinstance(data, dict) else __import__("json").loads(data)
        if type_ == "fair.intent_signed":
            latest[worker_id] = {"called": False, "answer": None}
        else:
            latest[worker_id]["called"] = True
            if data.get("reached"):
                latest[worker_id]["answer"] = data
    expected = Counter()
    for state in latest.values():
        expected["intent"] += 1
        expected["called"] += state["called"]
        answer = state["answer"]
        expected["reached"] += answer is not None
        if answer is not None:
            expected["coming"] += answer.get("coming") is True
            expected["not_coming"] += answer.get("coming") is False
            if answer.get("reason"):
                expected[answer["reason"]] += 1
    assert {k: group[k] for k in ("intent", "called", "reached", "coming", "not_coming")} == {
        k: expected[k] for k in ("intent", "called", "reached", "coming", "not_coming")}
    assert {r: n for r, n in group["reasons"].items() if n} == {
        r: expected[r] for r in ("pay", "climate", "food")}
    assert group["undecided"] == 1
    funnel = client.get("/api/reports/funnel?by=county", headers=auth.headers()).json
    first_reached = db.session.execute(text(
        "SELECT COUNT(DISTINCT worker_id) FROM events WHERE type = 'intention.followed_up' AND "
        + ("(data->>'reached')::boolean" if db.engine.dialect.name == "postgresql"
           else "json_extract(data, '$.reached') = 1"))).scalar()
    assert funnel["total"]["followed_up"] == first_reached == 6
