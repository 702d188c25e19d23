"""Requests for help as pure rules, expectations written by hand."""
import datetime as dt

from server.domain.events import EventFact
from server.domain.help import help_columns, request_problems, requests_of

TZ = dt.timezone(dt.timedelta(hours=8))
T = dt.datetime(2027, 3, 1, 23, 30, tzinfo=TZ)  # late at night in Beijing


def fact(id, type, hours, **data):
    moment = T + dt.timedelta(hours=hours)
    return EventFact(id, type, moment, moment, {}, data, actor_id=7)


def test_a_request_answered_then_closed():
    facts = [fact("r", "help.requested", 0, category="housing", text="漏雨"),
             fact("a", "help.answered", 2, request_id="r", action="call_logged", text="明天修"),
             fact("c", "help.closed", 20, request_id="r", note="修好了")]
    [request] = requests_of(facts)
    assert (request.status, request.first_answer_at, request.closed_at, request.closing_note) == (
        "closed", T + dt.timedelta(hours=2), T + dt.timedelta(hours=20), "修好了")
    assert [(s.action, s.text, s.actor_id) for s in request.steps] == [
        ("call_logged", "明天修", 7)]
    assert requests_of(facts[:1])[0].status == "open"
    assert requests_of(facts[:2])[0].status == "answered"


def test_steps_of_no_request_or_after_the_close_are_no_steps():
    facts = [fact("r", "help.requested", 0, category="food"),
             fact("x", "help.answered", 1, request_id="other", text="?"),
             fact("c", "help.closed", 2, request_id="r"),
             fact("a", "help.answered", 3, request_id="r", text="too late")]
    [request] = requests_of(facts)
    assert (request.status, request.steps) == ("closed", ())


def test_the_record_counts_the_open_ones_and_the_oldest_day_in_beijing():
    facts = [fact("r1", "help.requested", 0, category="injury"),
             fact("r2", "help.requested", 30, category="going_home"),
             fact("c", "help.closed", 40, request_id="r2")]
    # 23:30 on 1 March in Beijing is 15:30 UTC the same day: the day is Beijing's
    assert help_columns(facts) == {"help_open": 1, "help_open_since": dt.date(2027, 3, 1)}
    assert help_columns([]) == {"help_open": 0, "help_open_since": None}


def test_other_says_what():
    assert request_problems({"category": "other"}) == {"text": request_problems(
        {"category": "other", "text": " "})["text"]}
    assert request_problems({"category": "other", "text": "想换宿舍"}) == {}
    assert request_problems({"category": "injury"}) == {}
