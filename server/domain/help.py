"""The workstations' services (娘家人): a worker asks for help from their phone, their county's
workstation in the destination answers, acts and closes the request, and the worker sees each
step. Three events on the worker's log: ``help.requested`` (its id is the request's),
``help.answered`` and ``help.closed`` (each naming the request).

Pure: ``requests_of`` folds a worker's events into their requests, ``help_columns`` into what the
record keeps for the lists (how many are open, since when the oldest).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from server.domain import calendar
from server.domain.events import EventFact

CATEGORIES = ("unpaid_wages", "injury", "housing", "food", "job_fit", "going_home", "other")
# what the workstation did: answered in words, logged a call, started a re-assignment (the
# worker's record takes it from there), referred it to the labour inspection
ACTIONS = ("answered", "call_logged", "reassignment_started", "referred_to_inspection")
OPEN_DAYS_AT_RISK = 3
REQUESTED, ANSWERED, CLOSED = "help.requested", "help.answered", "help.closed"
TYPES = (REQUESTED, ANSWERED, CLOSED)


def request_problems(data: dict) -> dict[str, str]:
    if data.get("category") == "other" and not (data.get("text") or "").strip():
        return {"text": "选“其他”时请说明需要什么帮助。 Say what help you need when it is other."}
    return {}


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    action: str
    text: str | None
    actor_id: int | None


@dataclass(frozen=True)
class HelpRequest:
    id: str
    category: str
    text: str | None
    requested_at: dt.datetime
    steps: tuple[Step, ...] = ()
    closed_at: dt.datetime | None = None
    closing_note: str | None = None

    @property
    def status(self) -> str:
        if self.closed_at:
            return "closed"
        return "answered" if self.steps else "open"

    @property
    def first_answer_at(self) -> dt.datetime | None:
        return self.steps[0].at if self.steps else None


def requests_of(facts: Iterable[EventFact]) -> list[HelpRequest]:
    """The worker's requests, oldest first (``facts`` sorted, voided ones left out); a step naming
    no request of theirs is no step."""
    found: dict[str, HelpRequest] = {}
    for fact in facts:
        if fact.type == REQUESTED:
            found[fact.id] = HelpRequest(fact.id, fact.data.get("category", "other"),
                                         fact.data.get("text"), fact.occurred_at)
            continue
        request = found.get(fact.data.get("request_id")) if fact.type in TYPES else None
        if request is None or request.closed_at:
            continue
        if fact.type == ANSWERED:
            step = Step(fact.occurred_at, fact.data.get("action", "answered"),
                        fact.data.get("text"), fact.actor_id)
            found[request.id] = replace(request, steps=(*request.steps, step))
        else:
            found[request.id] = replace(request, closed_at=fact.occurred_at,
                                      closing_note=fact.data.get("note"))
    return list(found.values())


def help_columns(facts: Iterable[EventFact]) -> dict:
    """How many requests are not closed, and the day the oldest of them was made (the at-risk
    list's: open more than ``OPEN_DAYS_AT_RISK`` days)."""
    still = [r for r in requests_of(facts) if r.status != "closed"]
    return {"help_open": len(still),
            "help_open_since": min((calendar.day_of(r.requested_at) for r in still),
                                   default=None)}
