"""Each rule kind at its edges, versions by effective date, the filters, and keys that a
recomputation finds again (never a second payout for one milestone)."""
import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.stability import spells
from server.domain.subsidies import (
    PRESETS,
    Policy,
    Profile,
    employer_items,
    stable_at,
    worker_items,
)
from tests.domain.test_stability import DAY0, confirm, fact, onboard

POOR = Profile(poor_household=True, home_county_code="621121")
PRESET_2019, MONTHLY_2018, REWARD = (next(p for p in PRESETS if p.code == code)
                                     for code in ("fz-2019-stable", "fz-2018-monthly",
                                                  "fz-employer-reward"))


def shifted(policy: Policy, **changes) -> Policy:
    return dataclasses.replace(policy, **changes)


# The 2019 policy on the employer's evidence alone (the preset asks for two parties: tested below).
STABLE_2019 = shifted(PRESET_2019, params={"steps": PRESET_2019.params["steps"]})


def every_month(until_day, start=0):
    return [onboard(start)] + [confirm(day) for day in range(start + 30, until_day + 1, 30)]


def items(policies, facts, as_of_day, profile=POOR, worker="w1"):
    return worker_items(list(policies), worker, profile, facts,
                        DAY0 + dt.timedelta(days=as_of_day))


# DAY0 is 2027-03-01: the 2019 policy is in force; the 2018 one is moved to 2027 for its tests.
MONTHLY = shifted(MONTHLY_2018, effective_from=dt.date(2027, 1, 1), effective_to=None)


@pytest.mark.parametrize("as_of, expected", [
    (89, []), (90, [("m3", 3000)]), (179, [("m3", 3000)]), (180, [("m3", 3000), ("m6", 9000)]),
])
def test_the_2019_milestones_are_reached_on_day_90_and_180(as_of, expected):
    found = items([STABLE_2019], every_month(200), as_of)
    assert [(i.key.rsplit(":", 1)[1], i.amount) for i in found] == expected
    assert all(i.key.startswith("fz-2019-stable:worker:w1:spell1:") for i in found)


def test_the_explanation_lists_the_evidence_for_each_month_paid():
    [item] = items([STABLE_2019], every_month(100), 100)
    assert len(item.explanation) == 3 and "由 入职 2027-03-01" in item.explanation[0]
    assert item.reached_on == DAY0 + dt.timedelta(days=90)


@pytest.mark.parametrize("as_of, months_paid", [(119, []), (120, [4]), (270, [4, 5, 6, 7, 8, 9]),
                                                (400, [4, 5, 6, 7, 8, 9])])
def test_the_2018_rule_pays_600_for_each_month_after_the_third_for_at_most_six(as_of, months_paid):
    found = items([MONTHLY], every_month(420), as_of)
    assert [int(i.key.rsplit("month", 1)[1]) for i in found] == months_paid
    assert {i.amount for i in found} <= {600}


@pytest.mark.parametrize(
    "profile, facts, as_of, expected",
    [
        (POOR, every_month(100), 100, ["spell1:m3"]),
        # not a poor household
        (Profile(poor_household=False, home_county_code="621121"), every_month(100), 100, []),
        # not from Dingxi
        (Profile(poor_household=True, home_county_code="350121"), every_month(100), 100, []),
        # Left after 40 days, back 20 days later: the second spell reaches 3 months, but not the
        # first time.
        (
            POOR,
            [onboard(0), confirm(30), fact("employment.ended", 40, reason="homesick")]
            + every_month(200, start=60),
            200,
            [],
        ),
        # Three months, left, back a month later for another three: paid for the first spell only.
        (
            POOR,
            every_month(100)
            + [fact("employment.ended", 100, reason="family")]
            + every_month(230, start=130),
            230,
            ["spell1:m3"],
        ),
    ],
)
def test_the_filters(profile, facts, as_of, expected):
    assert [
        i.key.split(":", 3)[3] for i in items([STABLE_2019], facts, as_of, profile=profile)
    ] == expected


def test_the_version_in_force_on_the_day_the_milestone_is_reached_applies():
    raised = shifted(STABLE_2019, version=2, effective_from=DAY0 + dt.timedelta(days=91),
                     params={"steps": [[3, 3500], [6, 9000]]})
    old = shifted(STABLE_2019, effective_to=DAY0 + dt.timedelta(days=90))
    [m3] = items([old, raised], every_month(100), 100)
    assert (m3.policy_version, m3.amount) == (1, 3000)  # reached on day 90, under version 1
    late = [onboard(5)] + [confirm(d) for d in range(35, 130, 30)]
    [m3_late] = items([old, raised], late, 130)
    assert (m3_late.policy_version, m3_late.amount) == (2, 3500)  # reached on day 95
    # the same milestone of the same spell: one payout whatever the version
    assert m3.key == m3_late.key


def test_arrival_is_paid_once_on_the_first_arrival_only():
    arrival = Policy("travel", 1, "arrival", "路费补贴", dt.date(2027, 1, 1),
                     params={"amount": 800}, filters={"poor_household": True})
    facts = [fact("station.arrived", 3, station="福州站"),
             fact("station.arrived", 50, station="福州站")]
    found = items([arrival], facts, 60)
    assert [(i.key, i.amount, i.reached_on) for i in found] == [("travel:worker:w1:arrival1", 800,
                                                                 DAY0 + dt.timedelta(days=3))]
    assert items([arrival], [], 60) == []


@pytest.mark.parametrize("stable, blocks", [(50, 0), (51, 1), (100, 1), (101, 2), (151, 3)])
def test_an_employer_is_rewarded_above_50_and_for_each_further_50(stable, blocks):
    found = employer_items([REWARD], {"e1": stable}, DAY0)
    assert [i.key for i in found] == [f"fz-employer-reward:employer:e1:block{b}"
                                      for b in range(1, blocks + 1)]
    assert sum(i.amount for i in found) == 100_000 * blocks


def test_a_worker_counts_for_the_current_employer_once_stable():
    facts = every_month(100) + [fact("employment.reassigned", 100, employer="e2")]
    as_of = DAY0 + dt.timedelta(days=100)
    # the spell goes on at the new employer: counts there, not twice
    assert stable_at(spells(facts, as_of), as_of, 3) == "e2"
    assert stable_at(spells(facts, as_of), as_of, 4) is None
    assert (
        stable_at(spells(facts + [fact("employment.ended", 100, reason="pay")], as_of), as_of, 3)
        is None
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["confirm", "onboard", "end", "reassign"]),
                          st.integers(0, 400)),
                min_size=1, max_size=25),  # an empty list would test nothing
       st.randoms(use_true_random=False))
def test_recomputing_after_random_late_events_gives_each_milestone_once_in_any_order_of_arrival(
    extra, rng
):
    events = {"confirm": confirm, "onboard": onboard,
              "end": lambda d: fact("employment.ended", d, reason="other", text="x"),
              "reassign": lambda d: fact("employment.reassigned", d, employer="e2")}
    facts = every_month(300)
    for kind, day in extra:  # each late event, and a recomputation after it
        facts.append(events[kind](day))
        found = items([STABLE_2019, MONTHLY], facts, 420)
        keys = [i.key for i in found]
        # one item per milestone: a ledger keyed on it pays once
        assert len(keys) == len(set(keys))
        shuffled = list(facts)
        rng.shuffle(shuffled)  # the same events synced in another order
        assert items([STABLE_2019, MONTHLY], shuffled, 420) == found
