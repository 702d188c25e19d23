"""Pay against expectation as pure rules, expectations written by hand: the record's figures,
the worker's answer counted over the employer's, and low pay counted in months running."""
import datetime as dt

import pytest

from server.domain.events import EventFact
from server.domain.pay import answer_problems, pay_columns

TZ = dt.timezone(dt.timedelta(hours=8))


def fact(type, n, **data):
    moment = dt.datetime(2027, 1, 1, 9, tzinfo=TZ) + dt.timedelta(days=n)
    return EventFact(f"e{n}", type, moment, moment, {}, data)


def confirmed(n, month, pay=None):
    return fact("employment.confirmed", n, month=month, **({} if pay is None else {"pay": pay}))


def test_nothing_on_record():
    assert pay_columns([]) == {"expected_pay": None, "pay_month": None, "pay": None,
                               "pay_disputed": None, "pay_claimed": None, "low_pay_months": 0}


def test_an_intention_without_a_figure_expects_the_seeds_3500():
    assert pay_columns([fact("fair.intent_signed", 0)])["expected_pay"] == 3500
    assert pay_columns([fact("fair.intent_signed", 0, expected_pay=4200)])["expected_pay"] == 4200


def test_the_latest_month_and_the_workers_answer():
    facts = [fact("fair.intent_signed", 0, expected_pay=4000), confirmed(30, "2027-02", 3600),
             confirmed(58, "2027-03", 3400), fact("pay.answered", 60, month="2027-03",
                                                  agreed=False, actual=2600)]
    assert pay_columns(facts) == {"expected_pay": 4000, "pay_month": "2027-03", "pay": 3400,
                                  "pay_disputed": True, "pay_claimed": 2600, "low_pay_months": 1}


def test_a_confirmation_without_pay_and_an_agreement():
    facts = [confirmed(30, "2027-02", 3000), confirmed(31, "2027-03"),
             fact("pay.answered", 32, month="2027-02", agreed=True)]
    found = pay_columns(facts)
    assert (found["pay_month"], found["pay_disputed"], found["pay_claimed"]) == ("2027-02", False,
                                                                                 None)


@pytest.mark.parametrize("months, running", [
    ([("2027-01", 2700), ("2027-02", 2600)], 2),
    ([("2027-01", 2700), ("2027-02", 3000)], 0),  # the latest is fine
    ([("2027-01", 3000), ("2027-02", 2700)], 1),
    ([("2026-12", 2000), ("2027-01", 2700), ("2027-02", 2799)], 3),  # across the new year
    ([("2026-11", 2700), ("2027-01", 2700)], 1),  # a month missing: not running
    ([("2027-01", 2800)], 0),  # 2,800 is not under 2,800
])
def test_low_pay_is_counted_in_months_running(months, running):
    facts = [confirmed(n, month, pay) for n, (month, pay) in enumerate(months)]
    assert pay_columns(facts)["low_pay_months"] == running


def test_a_month_not_paid_at_all_counts_as_nothing_paid():
    facts = [confirmed(0, "2027-01", 3500), fact("pay.answered", 1, month="2027-01",
                                                 agreed=False, actual=0)]
    found = pay_columns(facts)
    assert (found["pay_claimed"], found["low_pay_months"]) == (0, 1)


def test_the_workers_figure_counts_where_they_disputed():
    facts = [confirmed(0, "2027-01", 3500), confirmed(1, "2027-02", 3500),
             fact("pay.answered", 2, month="2027-01", agreed=False, actual=2500),
             fact("pay.answered", 3, month="2027-02", agreed=False, actual=2600)]
    assert pay_columns(facts)["low_pay_months"] == 2


@pytest.mark.parametrize("data, fields", [
    ({"month": "2027-01", "agreed": True}, set()),
    ({"month": "2027-01", "agreed": False, "actual": 2500}, set()),
    ({"month": "2027-01", "agreed": False}, {"actual"}),
    ({"month": "2027-01", "agreed": False, "actual": 0}, set()),  # not paid at all
    ({"month": "2027-01", "agreed": True, "actual": 2500}, {"actual"}),
])
def test_which_answers_fit(data, fields):
    assert set(answer_problems(data)) == fields
