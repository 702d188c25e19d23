"""The follow-up rules as pure functions, with expectations written by hand: which answers fit,
what the record keeps of the calls, and which call is due on a given day."""
import datetime as dt

import pytest

from server.domain.events import EventFact
from server.domain.follow_up import Call, call_due, data_problems, follow_up_columns

TZ = dt.timezone(dt.timedelta(hours=8))
FAIR_DAY = dt.date(2027, 1, 20)


def fact(type, day, hour=10, **data):
    moment = dt.datetime.combine(day, dt.time(hour), TZ)
    context = {"fair_id": "f", "employer_id": "e"} if type == "fair.intent_signed" else {
        "fair_id": "f"}
    return EventFact(f"{type}-{day}-{hour}", type, moment, moment, context, data)


def d(n):
    return FAIR_DAY + dt.timedelta(days=n)


@pytest.mark.parametrize("data, fields", [
    ({"reached": False}, set()),
    ({"reached": True}, set()),  # reached, undecided
    ({"reached": True, "coming": True}, set()),
    ({"reached": True, "coming": False, "reason": "pay"}, set()),
    ({"reached": True, "coming": False, "reason": "other", "note": "要照顾老人"}, set()),
    ({"reached": False, "coming": False}, {"coming"}),
    ({"reached": False, "reason": "pay"}, {"coming"}),
    ({"reached": True, "coming": False}, {"reason"}),
    ({"reached": True, "coming": True, "reason": "pay"}, {"reason"}),
    ({"reached": True, "reason": "pay"}, {"reason"}),
    ({"reached": True, "coming": False, "reason": "other", "note": "  "}, {"note"}),
])
def test_which_answers_fit(data, fields):
    assert set(data_problems(data)) == fields


def test_the_record_keeps_the_first_reach_and_the_latest_answer_since_the_latest_intention():
    facts = [fact("fair.intent_signed", d(0)),
             fact("intention.followed_up", d(1), reached=False),
             fact("intention.followed_up", d(2), reached=True, coming=True),
             fact("intention.followed_up", d(9), reached=True, coming=False, reason="pay")]
    assert follow_up_columns(facts) == {
        "followed_up_on": d(2), "follow_up_intent_on": d(0), "follow_up_coming": False,
        "follow_up_reason": "pay", "follow_up_calls": 3, "follow_up_reached": True,
        "follow_up": {"fair_id": "f", "employer_id": "e", "calls": 3, "last_on": d(9).isoformat(),
                      "last_reached": True, "answered": 2}}
    # next season's intention: the calls start again; the first reach stays the funnel's
    again = follow_up_columns([*facts, fact("fair.intent_signed", d(300))])
    assert (again["followed_up_on"], again["follow_up_intent_on"], again["follow_up_coming"],
            again["follow_up"]["calls"]) == (d(2), d(300), None, 0)


def test_no_intention_nothing_to_follow():
    assert follow_up_columns([fact("fair.checked_in", d(0))]) == {
        "followed_up_on": None, "follow_up_intent_on": None, "follow_up_coming": None,
        "follow_up_reason": None, "follow_up_calls": 0, "follow_up_reached": None,
        "follow_up": None}


def state(calls=0, last=None, reached=None):
    return {"fair_id": "f", "employer_id": "e", "calls": calls,
            "last_on": last and last.isoformat(), "last_reached": reached, "answered": 0}


def due(follow_up, today, *, status="intent", coming=None, departs_on=None):
    return call_due(follow_up, intent_on=d(0), status=status, coming=coming,
                    departs_on=departs_on, today=today)


def test_the_first_call_is_due_within_three_days_and_stays_until_made():
    assert due(state(), d(0)) == Call("first", d(0), d(3))
    assert due(state(), d(10)) == Call("first", d(0), d(3)) and due(state(), d(10)).overdue(d(10))


def test_no_answer_the_next_day_again():
    assert due(state(1, d(1), False), d(1)) is None
    assert due(state(1, d(1), False), d(2)) == Call("again", d(2), d(2))


def test_before_the_batch_in_the_week_before_it_leaves():
    reached = state(1, d(1), True)
    assert due(reached, d(5)) is None  # no batch
    assert due(reached, d(12), departs_on=d(20)) is None  # not yet
    assert due(reached, d(13), departs_on=d(20)) == Call("before_batch", d(13), d(19))
    # reached in that week already
    assert due(state(2, d(14), True), d(15), departs_on=d(20)) is None
    assert due(reached, d(21), departs_on=d(20)) is None  # the batch left


@pytest.mark.parametrize("status", ["departed", "arrived", "employed", "ended"])
def test_no_call_for_someone_on_their_way(status):
    assert due(state(), d(1), status=status) is None


def test_no_call_for_someone_not_coming_or_with_no_intention():
    assert due(state(1, d(1), True), d(13), coming=False, departs_on=d(20)) is None
    assert call_due(None, intent_on=None, status="at_fair", coming=None, departs_on=None,
                    today=d(1)) is None
