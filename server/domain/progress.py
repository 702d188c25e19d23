"""What reports count of one worker, kept on the record by the projection so that reports are
database aggregations (GROUP BY over one row per worker) rather than loops over events.

``progress(facts)`` answers, from the worker's events:

- the first day the worker reached each stage **or one past it** (whoever departed was assigned,
  even when the assignment reached the server after the departure scan), so a funnel built on
  these days never grows from one stage to the next;
- the first day any spell of employment reached 1, 3 and 6 consecutive confirmed months
  (``stability``: a day that may lie ahead when the evidence already covers it; reports ask
  ``<= as_of``);
- the end of the first spell, or the day it went silent (35 days after its last evidence) —
  a retention curve's event: people who leave without a word are gone too —, and the employer
  the worker is counted for (the first onboarding's, else the intention's or the batch's), and
  how many times the worker was re-assigned (the at-risk list);
- the events subsidies are computed from (arrival and employment), compacted
  (``stability_facts``): eligibility as of any date reads this one column, not the event log;
- the spells of employment those events make (``spells``): what eligibility as of today or later
  reads, as no event lies after such a day (``stability.stored``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from server.domain.events import STAGE_OF_TYPE, EventFact
from server.domain.evidence import doubts
from server.domain.follow_up import follow_up_columns
from server.domain.help import help_columns
from server.domain.pay import pay_columns
from server.domain.stability import GAP_DAYS, spells, stored

FUNNEL_STAGES = ("registered", "at_fair", "intent", "assigned", "departed", "arrived", "employed")
STAGE_COLUMNS = {"registered": "registered_on", "at_fair": "fair_on", "intent": "intent_on",
                 "assigned": "assigned_on", "departed": "departed_on", "arrived": "arrived_on",
                 "employed": "onboarded_on"}
MONTH_COLUMNS = {1: "month1_on", 3: "month3_on", 6: "month6_on"}
FOLLOW_UP_COLUMNS = ("followed_up_on", "follow_up_intent_on", "follow_up_coming",
                     "follow_up_reason", "follow_up_calls", "follow_up_reached", "follow_up")
HELP_COLUMNS = ("help_open", "help_open_since")
PAY_COLUMNS = ("expected_pay", "pay_month", "pay", "pay_disputed", "pay_claimed",
               "low_pay_months", "pay_posting_id")
ELIGIBILITY_TYPES = ("station.arrived", "employer.onboarded", "employment.confirmed",
                     "employment.reassigned", "employment.ended")
COLUMNS = (*STAGE_COLUMNS.values(), *MONTH_COLUMNS.values(), "first_fair_id", "spell_ended_on",
           "spell_silent_on", "counted_employer_id", "reassignments", "stability_facts", "spells",
           *FOLLOW_UP_COLUMNS, *PAY_COLUMNS, *HELP_COLUMNS)
_FAR = dt.date(9999, 1, 1)


def progress(facts: Iterable[EventFact], *, gap_days: int = GAP_DAYS) -> dict:
    """The report columns of one worker (see the module's docstring); voided events left out."""
    facts = list(facts)
    voided = {f.data.get("event_id") for f in facts if f.type == "event.voided"}
    facts = sorted((f for f in facts if f.id not in voided and f.type != "event.voided"),
                   key=lambda f: f.sort_key)
    found = dict.fromkeys(COLUMNS)
    reached: dict[str, dt.date] = {}
    for fact in facts:
        stage = STAGE_OF_TYPE.get(fact.type)
        if stage in FUNNEL_STAGES:
            for earlier in FUNNEL_STAGES[:FUNNEL_STAGES.index(stage) + 1]:
                reached[earlier] = min(reached.get(earlier, fact.day), fact.day)
        if fact.type == "fair.checked_in" and found["first_fair_id"] is None:
            found["first_fair_id"] = fact.context.get("fair_id")
    for stage, column in STAGE_COLUMNS.items():
        found[column] = reached.get(stage)
    found["counted_employer_id"] = _counted_employer(facts)
    found |= follow_up_columns(facts)
    found |= pay_columns(facts)
    found |= help_columns(facts)
    found["pay_posting_id"] = _posting(facts)
    kept = [f for f in facts if f.type in ELIGIBILITY_TYPES]
    found["stability_facts"] = [compact(f) for f in kept] or None
    found["reassignments"] = sum(f.type == "employment.reassigned" for f in kept)
    worked = spells(kept, _FAR, gap_days=gap_days)
    found["spells"] = [stored(s) for s in worked] or None
    if worked:
        found["spell_ended_on"] = worked[0].end
        # unseen at work from then, unless evidence comes
        found["spell_silent_on"] = worked[0].next_check_due()
        for k, column in MONTH_COLUMNS.items():
            days = [s.confirmed_on(k) for s in worked if s.confirmed_months(_FAR) >= k]
            found[column] = min(days) if days else None
    return found


def compact(fact: EventFact) -> list:
    """An event as ``stability_facts`` keeps it: what the stability and subsidy rules read, nothing
    more."""
    return [fact.id, fact.type, fact.occurred_at.isoformat(), fact.recorded_at.isoformat(),
            fact.context.get("employer_id"),
            fact.data.get("start_date") or fact.data.get("end_date"),
            bool(fact.data.get("site_code")), list(doubts(fact.flags, accepted=fact.accepted)),
            fact.actor_role]


def expand(row: list) -> EventFact:
    """The inverse of ``compact``."""
    id, type, occurred_at, recorded_at, employer_id, day, site_code, doubtful, actor_role = row
    data = {}
    if day:
        data["end_date" if type == "employment.ended" else "start_date"] = day
    if site_code:
        data["site_code"] = True
    return EventFact(id, type, dt.datetime.fromisoformat(occurred_at),
                     dt.datetime.fromisoformat(recorded_at),
                     {"employer_id": employer_id} if employer_id else {}, data, tuple(doubtful),
                     False, actor_role)


def _posting(facts: list[EventFact]) -> str | None:
    """The job the worker is counted in (its job type: the pay report's): the latest onboarding's,
    else the latest intention's."""
    for type in ("employer.onboarded", "fair.intent_signed"):
        posting = next((f.data.get("posting_id") for f in reversed(facts)
                        if f.type == type and f.data.get("posting_id")), None)
        if posting:
            return posting
    return None


def _counted_employer(facts: list[EventFact]) -> str | None:
    for types in (("employer.onboarded",), ("fair.intent_signed", "batch.assigned")):
        employer = next((f.context.get("employer_id") for f in facts
                         if f.type in types and f.context.get("employer_id")), None)
        if employer:
            return employer
    return None

