"""The employment lifecycle's rules: why people leave, what needs a reviewer's eye, and who is
at risk of leaving. Pure functions of plain values and folded records."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from server.domain.events import EventFact
from server.domain.help import OPEN_DAYS_AT_RISK
from server.domain.pay import LOW_PAY_MONTHS
from server.domain.record import fold

# Why an employment ended: the program's own list (pay, climate and food decided who stayed).
END_REASONS = {
    "pay": "工资待遇", "climate": "气候不适应", "food": "饮食不习惯", "homesick": "想家",
    "family": "家庭原因",
    "health": "身体原因", "dismissed": "被辞退", "contract_ended": "合同期满", "other": "其他",
}

# Flags on an accepted event that put it in the review queue.
NO_ARRIVAL = "onboarded_without_arrival"  # a chain of custody with a gap: accepted, but looked at
SECOND_EMPLOYER = "second_employer"  # onboarded while employed by another employer
TWO_BATCHES = "arrived_for_two_batches"  # an arrival for a batch after one for another
AFTER_LEAVING = "after_leaving"  # an employment scan after the employment ended
REVIEW_FLAGS = (NO_ARRIVAL, SECOND_EMPLOYER, TWO_BATCHES, AFTER_LEAVING)
_EMPLOYMENT_SCANS = ("employment.confirmed", "employment.reassigned", "employment.ended")

# The at-risk list workstation staff work from each morning.
NO_CONFIRMATION_DAYS = 35
EARLY_END_DAYS = 30
REASSIGNMENTS_AT_RISK = 2


def review_flags(type: str, context: dict, earlier: Iterable[EventFact]) -> list[str]:
    """The review flags of an event, given the worker's events before it."""
    earlier = list(earlier)
    flags = []
    if type == "station.arrived" and context.get("batch_id"):
        other = {e.context.get("batch_id") for e in earlier if e.type == "station.arrived"} - {
            None,
            context["batch_id"],
        }
        if other:
            flags.append(TWO_BATCHES)
    if type != "employer.onboarded" and type not in _EMPLOYMENT_SCANS:
        return flags
    record = fold(earlier)  # once, and only for the types whose flags depend on it
    if type == "employer.onboarded":
        if not any(e.type == "station.arrived" for e in earlier):
            flags.append(NO_ARRIVAL)
        if record.status == "employed" and record.current_employer_id not in (None,
                                                                              context.get("employer_id")):
            flags.append(SECOND_EMPLOYER)
    elif record.status == "ended":
        flags.append(AFTER_LEAVING)
    return flags


def counted(
    facts: Iterable[EventFact], awaiting_review: set[str] = frozenset()
) -> list[EventFact]:
    """The events that give a scanner scope: neither voided nor among ``awaiting_review`` (the
    ids of events with a review flag that no reviewer has decided)."""
    facts = list(facts)
    voided = {f.data.get("event_id") for f in facts if f.type == "event.voided"}
    return [f for f in facts if f.id not in voided and f.id not in awaiting_review]


def risk_reasons(
    *,
    status: str,
    today: dt.date,
    employed_since: dt.date | None,
    last_confirmed_on: dt.date | None,
    employment_ended_on: dt.date | None,
    arrived_on: dt.date | None,
    reassignments: int,
    low_pay_months: int = 0,
    help_open_since: dt.date | None = None,
) -> list[str]:
    """Why a worker is on the at-risk list (empty: not at risk)."""
    reasons = []
    if status == "employed":
        last_seen = (
            max(d for d in (last_confirmed_on, employed_since) if d)
            if (last_confirmed_on or employed_since)
            else None
        )
        if last_seen and (today - last_seen).days > NO_CONFIRMATION_DAYS:
            reasons.append("no_confirmation_35_days")
        if reassignments >= REASSIGNMENTS_AT_RISK:
            reasons.append("reassigned_twice")
        if low_pay_months >= LOW_PAY_MONTHS:  # under 2,800 yuan (domain.pay), two months running
            reasons.append("low_pay_2_months")
    if (status == "ended" and employment_ended_on and arrived_on
            and (employment_ended_on - arrived_on).days <= EARLY_END_DAYS
            and (today - employment_ended_on).days <= EARLY_END_DAYS):
        reasons.append("ended_within_30_days_of_arrival")
    if help_open_since and (today - help_open_since).days >= OPEN_DAYS_AT_RISK:
        reasons.append("help_open_3_days")  # the workstation has not closed it (domain.help)
    return reasons
