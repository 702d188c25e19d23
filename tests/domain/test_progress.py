"""The report columns of a worker's record: first days at each stage, stable months, the compact
employment facts eligibility is computed from."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.progress import expand, progress
from server.domain.stability import restore, spells
from tests.domain.test_stability import DAY0, confirm, fact, onboard


def day(n):
    return DAY0 + dt.timedelta(days=n)


JOURNEY = [fact("worker.registered", -20), fact("fair.checked_in", -20, fair_id="f1"),
           fact("fair.intent_signed", -20), fact("batch.departed", -3),
           fact("station.arrived", -1),
           onboard(0), confirm(30), confirm(60), confirm(90), fact("employment.ended", 100)]


def test_each_stage_is_the_first_day_at_it_or_past_it():
    found = progress(JOURNEY)
    # no batch.assigned event reached the server: who departed was assigned
    assert (
        found["registered_on"],
        found["intent_on"],
        found["assigned_on"],
        found["departed_on"],
    ) == (day(-20), day(-20), day(-3), day(-3))
    assert (found["arrived_on"], found["onboarded_on"]) == (day(-1), day(0))
    assert found["counted_employer_id"] == "e1"
    assert (found["month1_on"], found["month3_on"], found["month6_on"]) == (day(30), day(90), None)
    assert found["spell_ended_on"] == day(100) and found["spell_silent_on"] is None
    # 35 days after the last evidence
    assert progress([onboard(0), confirm(30)])["spell_silent_on"] == day(65)


def test_the_fair_is_the_first_one_attended():
    fairs = [fact("fair.checked_in", 5), fact("fair.checked_in", 1)]
    fairs[0].context["fair_id"], fairs[1].context["fair_id"] = "later", "first"
    assert progress(fairs)["first_fair_id"] == "first"
    assert progress(fairs)["fair_on"] == day(1)


def test_a_voided_onboarding_counts_for_nothing():
    onboarding = onboard(0)
    voided = [fact("worker.registered", -1), onboarding,
              fact("event.voided", 2, event_id=onboarding.id)]
    found = progress(voided)
    assert (
        found["onboarded_on"] is None
        and found["stability_facts"] is None
        and found["month1_on"] is None
    )


def test_a_month_whose_evidence_covers_it_is_reached_on_its_last_day_even_ahead():
    # the confirmation on day 60 vouches until day 95: month 3 (ending on day 90) is covered
    found = progress([onboard(0), confirm(30), confirm(60)])
    assert found["month3_on"] == day(90)
    # late evidence: month 3 is confirmed on the day the evidence came
    assert progress([onboard(0), confirm(100)])["month3_on"] == day(100)


MAKERS = {"confirm": confirm, "end": lambda d: fact("employment.ended", d),
          "reassign": lambda d: fact("employment.reassigned", d, employer="e2")}
# An onboarding on day 0, then confirmations, ends and re-assignments on random days.
employment = st.lists(
    st.tuples(st.sampled_from(list(MAKERS)), st.integers(1, 400)), max_size=12
).map(lambda steps: [onboard(0), *(MAKERS[kind](d) for kind, d in steps)])


@settings(max_examples=100, deadline=None)
@given(employment, st.integers(0, 500))
def test_the_compact_facts_give_the_same_spells_as_the_events(facts, as_of):
    compact = progress(facts)["stability_facts"]
    assert spells([expand(row) for row in compact], day(as_of)) == spells(facts, day(as_of))


@settings(max_examples=100, deadline=None)
@given(employment, st.integers(0, 100))
def test_the_stored_spells_are_the_spells_as_of_any_day_after_the_last_event(facts, days_after):
    as_of = max(f.day for f in facts) + dt.timedelta(days=days_after)
    restored = [restore(row) for row in progress(facts)["spells"]]
    assert restored == spells(facts, as_of)
    assert [s.confirmed_months(as_of) for s in restored] == [s.confirmed_months(as_of)
                                                             for s in spells(facts, as_of)]
