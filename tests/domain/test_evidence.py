"""The standing of the evidence that pays, at its edges: when a scan's time cannot be, when it is
late or keyed, and what a payout does with doubtful evidence (held, naming it) or with a policy
asking for two parties. Figures worked out by hand from the rules' text, not from the code."""
import dataclasses
import datetime as dt

import pytest

from server.domain import evidence
from server.domain.stability import spells
from server.domain.subsidies import PRESETS, Profile, stable_at, worker_items
from tests.domain.test_stability import DAY0, TZ, confirm, fact, onboard

POOR = Profile(poor_household=True, home_county_code="621121")
PRESET_2019 = next(p for p in PRESETS if p.code == "fz-2019-stable")  # two-party
ONE_PARTY_2019 = dataclasses.replace(PRESET_2019, params={"steps": [[3, 3000], [6, 9000]]})
START = dt.date(2017, 2, 1)


def at(day, hour=10, minute=0):
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(hour, minute), TZ)


def doubted(f, *flags, accepted=False):
    return dataclasses.replace(f, flags=tuple(flags), accepted=accepted)


def by_worker(day):
    """The worker's own phone scanning the workplace code."""
    return dataclasses.replace(fact("employment.confirmed", day, site_code="LPS1:…"),
                               actor_role="worker")


def by_workstation(day):
    return dataclasses.replace(confirm(day), actor_role="workstation")


def items(policies, facts, as_of_day):
    return worker_items(list(policies), "w1", POOR, facts, DAY0 + dt.timedelta(days=as_of_day))


# -- when a scan's time cannot be


def refusal(occurred, *, received=None, registered=None, type="employment.confirmed",
            speaks_of=None):
    found = evidence.time_refusal(type, occurred, speaks_of or occurred.astimezone(TZ).date(),
                                  received_at=received or at(400), programme_start=START,
                                  registered_at=registered)
    return found and found[0]


def test_a_scan_more_than_ten_minutes_after_it_reached_the_server_is_refused():
    assert refusal(at(0, 10, 10), received=at(0, 10, 0)) is None
    assert refusal(at(0, 10, 11), received=at(0, 10, 0)) == "in_the_future"


def test_a_scan_before_the_programme_began_is_refused_whatever_its_type():
    assert (
        refusal(dt.datetime(2017, 1, 31, 23, 0, tzinfo=TZ), type="worker.registered")
        == "before_programme"
    )
    assert refusal(dt.datetime(2017, 2, 1, 0, 0, tzinfo=TZ), type="worker.registered") is None
    assert refusal(dt.datetime(1, 1, 1, tzinfo=dt.UTC)) == "before_programme"


def test_a_scan_before_the_registration_is_refused_with_ten_minutes_for_phones_clocks():
    registered = at(0, 10, 0)
    assert refusal(at(0, 9, 51), registered=registered) is None
    assert refusal(at(0, 9, 49), registered=registered) == "before_registration"
    # the registration itself aside
    assert refusal(at(-30), registered=registered, type="worker.registered") is None


def test_an_onboarding_starting_before_the_registration_day_is_refused():
    registered = at(0, 10, 0)
    assert refusal(at(1), registered=registered, type="employer.onboarded", speaks_of=DAY0) is None
    assert refusal(at(1), registered=registered, type="employer.onboarded",
                   speaks_of=DAY0 - dt.timedelta(days=1)) == "before_registration"


def test_an_onboarding_speaks_of_its_start_day_when_that_is_earlier():
    day = DAY0 + dt.timedelta(days=10)
    assert evidence.vouches_for(
        "employer.onboarded", day, {"start_date": "2027-03-02"}
    ) == dt.date(2027, 3, 2)
    assert evidence.vouches_for("employer.onboarded", day, {"start_date": "2027-03-20"}) == day
    assert evidence.vouches_for("employment.confirmed", day, {"start_date": "2027-03-02"}) == day


# -- late and keyed


@pytest.mark.parametrize("days_after, late", [(0, False), (7, False), (8, True), (200, True)])
def test_evidence_reaching_the_server_more_than_seven_days_after_its_day_is_late(days_after, late):
    flags = evidence.standing_flags("employment.confirmed", vouches_for=DAY0, late_days=7,
                                    by_card=True,
                                    received_on=DAY0 + dt.timedelta(days=days_after),
                                    by_the_worker=False)
    assert flags == (["late"] if late else [])


def test_evidence_naming_the_worker_by_id_is_keyed_unless_the_worker_confirms_their_own_work():
    def flags(**kwargs):
        return evidence.standing_flags("employment.confirmed", vouches_for=DAY0, received_on=DAY0,
                                       late_days=7, **kwargs)
    assert flags(by_card=False, by_the_worker=False) == ["keyed"]
    assert flags(by_card=True, by_the_worker=False) == []
    assert flags(by_card=False, by_the_worker=True) == []


def test_only_evidence_that_pays_gets_a_standing():
    for type in ("fair.checked_in", "batch.assigned", "employment.ended", "training.attended"):
        assert evidence.standing_flags(type, vouches_for=DAY0 - dt.timedelta(days=99),
                                       received_on=DAY0,
                                       late_days=7, by_card=False, by_the_worker=False) == []


def test_a_reviewers_acceptance_clears_every_doubt_and_other_flags_are_no_doubt():
    assert evidence.doubts(["late", "keyed", "repeat"], accepted=False) == ("late", "keyed")
    assert evidence.doubts(["late", "onboarded_without_arrival"], accepted=True) == ()
    assert evidence.doubts(["repeat", "temporary_pass"], accepted=False) == ()


# -- payouts on doubtful evidence


def back_dated():
    """The attack: an onboarding 200 days back and six confirmations, all sent today (day 200)."""
    return [doubted(onboard(0), "late", "onboarded_without_arrival")] + [
        doubted(confirm(day), "late") for day in range(30, 181, 30)]


def test_back_dated_evidence_reaches_the_milestones_but_every_one_is_held_naming_its_evidence():
    facts = back_dated()
    found = items([ONE_PARTY_2019], facts, 200)
    assert [(i.key.rsplit(":", 1)[1], i.held) for i in found] == [("m3", True), ("m6", True)]
    m3, m6 = found
    # m3 rests on the onboarding and on whatever confirms months 1-3: the onboarding (month 1),
    # then the first confirmations dated at most 35 days before each month's end (days 30, 60).
    assert [e.event_id for e in m3.doubtful] == [facts[0].id, facts[1].id, facts[2].id]
    assert m3.doubtful[0].doubts == ("late", "onboarded_without_arrival")
    assert {e.event_id for e in m6.doubtful} == {f.id for f in facts[:6]}
    assert any("暂缓" in line and "补录超期" in line for line in m3.explanation)


def test_once_a_reviewer_accepts_the_evidence_the_milestones_are_sound():
    facts = [dataclasses.replace(f, accepted=True) for f in back_dated()]
    found = items([ONE_PARTY_2019], facts, 200)
    assert [(i.amount, i.held, i.reached_on) for i in found] == [
        (3000, False, DAY0 + dt.timedelta(days=90)), (9000, False, DAY0 + dt.timedelta(days=180))]


def test_sound_evidence_for_a_month_outweighs_a_doubtful_one_for_it():
    # Month 2 (days 30-60) is confirmed by evidence dated day 25 or later: a keyed one on day 30,
    # and a card scan on day 40 as well; months 1 and 3 by sound scans.
    facts = [onboard(0), doubted(confirm(30), "keyed"), confirm(40), confirm(60)]
    [m3] = items([ONE_PARTY_2019], facts, 100)
    assert not m3.held and m3.reached_on == DAY0 + dt.timedelta(days=90)


def test_a_doubtful_onboarding_holds_every_milestone_of_its_spell():
    facts = [doubted(onboard(0), "onboarded_without_arrival"), confirm(30), confirm(60)]
    [m3] = items([ONE_PARTY_2019], facts, 100)
    assert [e.event_id for e in m3.doubtful] == [facts[0].id]


def test_a_doubtful_arrival_holds_the_arrival_subsidy():
    travel = dataclasses.replace(PRESET_2019, code="travel", kind="arrival",
                                 params={"amount": 500}, filters={})
    arrival = fact("station.arrived", 0)
    assert not items([travel], [arrival], 1)[0].held
    [held] = items([travel], [doubted(arrival, "keyed")], 1)
    assert held.held and held.doubtful[0].event_id == arrival.id


# -- two-party evidence (the seed's 2019 policy)


def test_the_2019_preset_asks_for_two_parties():
    assert PRESET_2019.params["two_party"] is True


def test_under_two_parties_the_employers_evidence_alone_pays_nothing():
    facts = [onboard(0)] + [confirm(day) for day in (29, 59, 89)]
    assert items([ONE_PARTY_2019], facts, 100) != []
    assert items([PRESET_2019], facts, 100) == []


@pytest.mark.parametrize("worker_side", [by_worker, by_workstation])
def test_under_two_parties_each_month_needs_the_workers_side_within_it(worker_side):
    employer = [onboard(0)] + [confirm(day) for day in (29, 59, 89)]
    facts = employer + [worker_side(day) for day in (10, 40, 70)]  # one in each of months 1, 2, 3
    [m3] = items([PRESET_2019], facts, 100)
    assert (m3.amount, m3.held, m3.reached_on) == (3000, False, DAY0 + dt.timedelta(days=90))
    # Month 2 (days 30-59) without the worker's side: a scan on day 60 belongs to month 3.
    facts = employer + [worker_side(day) for day in (10, 60, 70)]
    assert items([PRESET_2019], facts, 100) == []


def test_a_workplace_code_sent_from_the_employers_phone_is_the_employers_word_still():
    """The employer can show its own code to its own phone: that is no second party."""
    employer = [onboard(0)] + [confirm(day) for day in (29, 59, 89)]
    from_employer = [dataclasses.replace(fact("employment.confirmed", day, site_code="LPS1:…"),
                                         actor_role="employer")
                     for day in (10, 40, 70)]
    assert items([PRESET_2019], employer + from_employer, 100) == []


def test_a_doubtful_re_onboarding_that_joins_two_jobs_into_one_spell_holds_what_it_joined():
    """One month at a first employer, left on day 30; another's onboarding sent late says the
    new job began on day 40 (within the 15-day gap): it joins the two, so it must be sound."""
    first = [onboard(0), confirm(25),
             fact("employment.ended", 30, end_date=(DAY0 + dt.timedelta(days=30)).isoformat())]
    rejoined = doubted(fact("employer.onboarded", 40, employer="e2",
                            start_date=(DAY0 + dt.timedelta(days=40)).isoformat()),
                       "late")
    later = [fact("employment.confirmed", day, employer="e2") for day in (60, 85)]
    [m3] = items([ONE_PARTY_2019], first + [rejoined] + later, 100)
    assert [e.event_id for e in m3.doubtful] == [rejoined.id]
    [sound] = items([ONE_PARTY_2019],
                    first + [dataclasses.replace(rejoined, accepted=True)] + later, 100)
    assert not sound.held


def test_a_worker_taken_on_by_a_second_employer_on_doubtful_evidence_counts_for_no_ones_reward():
    as_of = DAY0 + dt.timedelta(days=100)
    stable = [onboard(0), confirm(30), confirm(60), confirm(90)]
    taken = doubted(fact("employer.onboarded", 95, employer="e2"), "second_employer")
    assert stable_at(spells(stable + [taken], as_of), as_of, 3) is None
    assert (
        stable_at(spells(stable + [dataclasses.replace(taken, accepted=True)], as_of), as_of, 3)
        == "e2"
    )


def test_under_two_parties_a_doubtful_side_holds_the_payout():
    facts = [onboard(0)] + [confirm(day) for day in (29, 59, 89)] + [
        by_worker(10), doubted(by_worker(40), "late"), by_worker(70)]
    [m3] = items([PRESET_2019], facts, 100)
    assert m3.held and [e.event_id for e in m3.doubtful] == [facts[5].id]


def test_an_employers_reward_counts_only_workers_stable_on_sound_evidence():
    sound = [onboard(0), confirm(30), confirm(60)]
    as_of = DAY0 + dt.timedelta(days=95)
    assert stable_at(spells(sound, as_of), as_of, 3) == "e1"
    doubtful = [doubted(onboard(0), "late")] + sound[1:]
    assert stable_at(spells(doubtful, as_of), as_of, 3) is None
