"""The follow-up of a signed intention: the county calls each person who signed at a fair within
3 days, again before the batch leaves, and writes down whether they were reached, whether they
are still coming, and if not, why — in the program's own terms. 2017's 1,568 intentions became 89
arrivals, and nobody knew why; these answers say it per fair, township and employer.

Pure: ``follow_up_columns`` folds a worker's events into what the record keeps of them, and
``call_due`` says which call is on the county's worklist today.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from server.domain.events import EventFact

# Why someone who signed is not coming: the causes the program itself found in 2017.
REASONS = ("pay", "distance", "climate", "food", "family", "farming_season", "left_elsewhere",
           "other")
FIRST_CALL_DAYS = 3  # call within 3 days of the fair
BEFORE_BATCH_DAYS = 7  # and again in the week before the batch leaves
RETRY_DAYS = 1  # not reached: try again the next day
FOLLOWED_UP = "intention.followed_up"
_DONE = frozenset({"departed", "arrived", "employed", "ended"})  # on their way, or past it


def data_problems(data: dict) -> dict[str, str]:
    """What does not fit in one call's answer, by field: someone not reached said nothing; someone
    reached and not coming says why ("other" in words)."""
    problems = {}
    reached, coming, reason = data.get("reached"), data.get("coming"), data.get("reason")
    if not reached and (coming is not None or reason):
        problems["coming"] = ("未接通时不能记录是否会来。"
                              " Not reached: nothing to say whether coming.")
    elif reached and coming is False and not reason:
        problems["reason"] = "不来了，请选原因。 Not coming: choose why."
    elif coming is not False and reason:
        problems["reason"] = "只有不来时才填原因。 A reason only for someone not coming."
    if reason == "other" and not (data.get("note") or "").strip():
        problems["note"] = "原因为“其他”时请说明。 Say what it is when the reason is other."
    return problems


def follow_up_columns(facts: Iterable[EventFact]) -> dict:
    """What the record keeps (``facts`` sorted, voided ones left out): the first day anyone was
    reached (the funnel's "followed up"), the answer of the latest reached call and, for the
    worklist, the calls since the latest intention (a new one at next spring's fair starts
    again)."""
    facts = list(facts)
    reached = [f for f in facts if f.type == FOLLOWED_UP and f.data.get("reached")]
    intents = [f for f in facts if f.type == "fair.intent_signed"]
    found = {"followed_up_on": min((f.day for f in reached), default=None),
             "follow_up_intent_on": None, "follow_up_coming": None, "follow_up_reason": None,
             "follow_up_calls": 0, "follow_up_reached": None, "follow_up": None}
    if not intents:
        return found
    latest = intents[-1]
    calls = [f for f in facts if f.type == FOLLOWED_UP and f.sort_key >= latest.sort_key]
    answered = [f for f in calls if f.data.get("reached")]
    if answered:
        found["follow_up_coming"] = answered[-1].data.get("coming")
        found["follow_up_reason"] = answered[-1].data.get("reason")
    found["follow_up_intent_on"] = latest.day
    # what the report counts, in columns an index can cover
    found["follow_up_calls"] = len(calls)
    found["follow_up_reached"] = bool(answered)
    found["follow_up"] = {
        "fair_id": latest.context.get("fair_id"),
        "employer_id": latest.context.get("employer_id"), "calls": len(calls),
        "last_on": calls[-1].day.isoformat() if calls else None,
        "last_reached": bool(calls[-1].data.get("reached")) if calls else None,
        "answered": len(answered)}
    return found


@dataclass(frozen=True)
class Call:
    """A call on the worklist: which one, from when it is on the list, and by when it is due."""

    kind: str  # first | again (the last call reached no one) | before_batch
    opens_on: dt.date
    due_on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return today > self.due_on


def call_due(follow_up: dict | None, *, intent_on: dt.date | None, status: str,
             coming: bool | None, departs_on: dt.date | None, today: dt.date) -> Call | None:
    """The call on today's worklist for one person, or ``None``: no intention to follow, already
    on their way, said they are not coming, or nothing due yet. ``follow_up`` is what
    ``follow_up_columns`` keeps, ``intent_on`` the latest intention's day, ``departs_on`` the day
    their batch leaves (the one they are on, else their county's next)."""
    if follow_up is None or intent_on is None or status in _DONE or coming is False:
        return None
    if not follow_up["calls"]:
        return Call("first", intent_on, intent_on + dt.timedelta(days=FIRST_CALL_DAYS))
    last_on = dt.date.fromisoformat(follow_up["last_on"])
    if not follow_up["last_reached"]:
        again = last_on + dt.timedelta(days=RETRY_DAYS)
        return Call("again", again, again) if again <= today else None
    if departs_on is None or departs_on < today:
        return None
    opens = departs_on - dt.timedelta(days=BEFORE_BATCH_DAYS)
    if last_on >= opens or today < opens:  # reached in the week before already, or not yet
        return None
    return Call("before_batch", opens, departs_on - dt.timedelta(days=1))
