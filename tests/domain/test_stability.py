"""Stable months at the edges: day 89/90/91, a 15- and a 16-day gap between jobs, 35 and 36 days
without evidence, evidence arriving late, a late offline scan moving onboarding back a week."""
import dataclasses
import datetime as dt
import itertools

import pytest

from server.domain.events import EventFact
from server.domain.stability import spells

DAY0 = dt.date(2027, 3, 1)
TZ = dt.timezone(dt.timedelta(hours=8))
_ids = itertools.count(1)


def fact(type, day, recorded=0, **data):
    at = dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(10), TZ)
    context = {"employer_id": data.pop("employer", "e1")} if type != "event.voided" else {}
    return EventFact(id=f"ev{next(_ids)}", type=type, occurred_at=at,
                     recorded_at=at + dt.timedelta(days=recorded), context=context, data=data)


def onboard(day, **data):
    return fact("employer.onboarded", day, start_date=(DAY0 + dt.timedelta(days=day)).isoformat(),
                **data)


def confirm(day):
    return fact("employment.confirmed", day,
                month=(DAY0 + dt.timedelta(days=day)).strftime("%Y-%m"))


def months(facts, as_of_day):
    as_of = DAY0 + dt.timedelta(days=as_of_day)
    return [(s.number, s.complete_months(as_of), s.confirmed_months(as_of))
            for s in spells(facts, as_of)]


MONTHLY = [onboard(0), confirm(30), confirm(60)]


@pytest.mark.parametrize("as_of, expected", [
    # the third month is complete on day 90
    (89, [(1, 2, 2)]), (90, [(1, 3, 3)]), (91, [(1, 3, 3)]),
    (29, [(1, 0, 0)]), (30, [(1, 1, 1)]),
])
def test_months_are_counted_in_30_day_steps_from_onboarding(as_of, expected):
    assert months(MONTHLY, as_of) == expected


@pytest.mark.parametrize("back_on_day, expected", [
    (55, [(1, 4, 4)]),  # 15 days after leaving on day 40: the same spell, counted from day 0
    # 16 days: a new spell from day 56 (day 40 ended the first after 1 month)
    (56, [(1, 1, 1), (2, 2, 2)]),
])
def test_a_new_job_within_15_days_keeps_the_count(back_on_day, expected):
    facts = [onboard(0), confirm(30), fact("employment.ended", 40, reason="food"),
             fact("employment.reassigned", back_on_day, employer="e2"), confirm(back_on_day + 30),
             confirm(back_on_day + 60)]
    assert months(facts, 120) == expected


@pytest.mark.parametrize("last_confirmed, confirmed", [(55, 3), (54, 2)])
def test_evidence_vouches_for_35_days_and_no_more(last_confirmed, confirmed):
    # Month 3 ends on day 90: evidence on day 55 is 35 days before it, on day 54 it is 36.
    assert months([onboard(0), confirm(last_confirmed)], 100) == [(1, 3, confirmed)]


def test_evidence_arriving_after_a_silence_confirms_the_months_it_covers():
    silent = [onboard(0), confirm(20)]
    assert months(silent, 100) == [(1, 3, 1)]  # months 2 and 3 wait for evidence
    assert months(silent + [confirm(100)], 100) == [(1, 3, 3)]


def test_a_late_offline_scan_that_moves_onboarding_back_a_week_changes_the_result():
    office = [onboard(7), confirm(37), confirm(67)]
    assert months(office, 90) == [(1, 2, 2)]
    # the employer's phone scanned on day 0 and synced a week later
    late = onboard(0, employer="e1")
    late = EventFact(late.id, late.type, late.occurred_at, late.recorded_at + dt.timedelta(days=8),
                     late.context, late.data)
    assert months(office + [late], 90) == [(1, 3, 3)]


def test_voided_events_and_events_after_the_date_do_not_count():
    wrong = confirm(55)
    facts = [onboard(0), confirm(30), wrong, fact("event.voided", 70, event_id=wrong.id),
             confirm(120)]
    # without the voided day-55 scan, month 3 lacks evidence
    assert months(facts, 100) == [(1, 3, 2)]
    assert months(facts, 130) == [(1, 4, 4)]  # the day-120 scan exists by then


def test_the_explanation_names_the_evidence_for_each_month_and_the_next_check():
    as_of = DAY0 + dt.timedelta(days=95)
    own_scan = dataclasses.replace(fact("employment.confirmed", 60, site_code="LPS1:…"),
                                   actor_role="worker")
    [spell] = spells([onboard(0), confirm(30), own_scan], as_of)
    from server.domain.stability import explain
    lines = explain(spell, as_of)
    assert lines[0].startswith("第1个月（2027-03-01–2027-03-31）由 入职 2027-03-01")
    assert "本人扫工作地点码 2027-04-30" in lines[2]
    assert lines[-1].startswith("下次确认须在 2027-06-04 之前")  # day 60 + 35
