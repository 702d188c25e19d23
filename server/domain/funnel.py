"""A fair's conversion funnel: of the people who came, how many went on to each stage.

The number that was invisible in 2017 (1568 intentions, 89 arrivals). Pure: it takes each
attendee's progress as folded into their record and answers counts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from server.domain.events import STATUSES
from server.domain.record import WorkerRecord

LATER_STAGES = (("assigned", "assigned"), ("departed", "departed"), ("arrived", "arrived"),
                ("onboarded", "employed"))
# The dashboards' funnel (services/reports.py counts them per group, schemas/reports.py shapes
# them): its stages in order, and the dimensions it can be grouped by.
REPORT_STAGES = ("registered", "at_fair", "intent", "followed_up", "departed", "arrived",
                 "onboarded", "month1", "month3", "month6")
REPORT_DIMENSIONS = ("county", "township", "fair", "employer", "poor_household")
RETENTION_MARKS = (("employed_1_month", 30), ("employed_3_months", 90), ("employed_6_months", 180))


@dataclass(frozen=True)
class Progress:
    """One attendee: what their record says, and whether they signed an intention at this fair."""

    signed_here: bool
    milestones: dict
    status: str
    employed_since: dt.date | None = None
    employment_ended_on: dt.date | None = None
    followed_up_on: dt.date | None = None  # first reached by a follow-up call

    def reached(self, stage: str, since: dt.date) -> bool:
        """Reached ``stage`` or one past it on or after ``since``: who departed was on a batch,
        even when the assignment reached the server after the departure scan."""
        later = STATUSES[STATUSES.index(stage):]
        return any(self.milestones.get(s, "") >= since.isoformat() for s in later)

    def employed_days(self, today: dt.date) -> int:
        record = WorkerRecord(status=self.status, employed_since=self.employed_since,
                              employment_ended_on=self.employment_ended_on)
        return record.continuous_employment_days(today)


def fair_funnel(people: Iterable[Progress], fair_date: dt.date, today: dt.date) -> dict[str, int]:
    """Counts per stage; a later stage counts only if reached on or after the fair's day."""
    people = list(people)
    counts = {"attended": len(people), "intent": sum(p.signed_here for p in people),
              # of those who signed here, reached by a call since the fair
              "followed_up": sum(p.signed_here and p.followed_up_on is not None
                                 and p.followed_up_on >= fair_date for p in people)}
    for name, stage in LATER_STAGES:
        counts[name] = sum(p.reached(stage, fair_date) for p in people)
    onboarded = [p for p in people if p.reached("employed", fair_date)]
    for name, days in RETENTION_MARKS:
        counts[name] = sum(p.employed_days(today) >= days for p in onboarded)
    return counts
