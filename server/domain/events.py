"""Event types, the stages they move a worker through, and the domain view of an event."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from server.domain import calendar

EVENT_TYPES = (
    "worker.registered",
    "worker.updated",
    "credential.issued",
    "credential.revoked",
    # on a county's list for a fair ahead of the day: made by a roster import only
    "fair.preregistered",
    "fair.checked_in",
    "fair.intent_signed",
    "batch.assigned",
    "batch.departed",
    "station.arrived",
    "employer.onboarded",
    "employment.confirmed",
    "employment.reassigned",
    "employment.ended",
    "training.attended",
    # a call after a fair: reached or not, still coming, or why not (``domain.follow_up``)
    "intention.followed_up",
    # a worker's answer to the month's pay the employer gave: agreed, or disputed with their own
    "pay.answered",
    # the workstation's services: a worker's request, its answers, its closing (domain.help)
    "help.requested",
    "help.answered",
    "help.closed",
    "event.voided",
)

# The record's status ladder, in program order. ``ended`` closes a cycle; any stage event
# after it starts the next one (a worker may come back to a fair next spring).
STATUSES = ("registered", "at_fair", "intent", "assigned", "departed", "arrived", "employed",
            "ended")
STAGE_OF_TYPE = {
    "worker.registered": "registered",
    "fair.checked_in": "at_fair",
    "fair.intent_signed": "intent",
    "batch.assigned": "assigned",
    "batch.departed": "departed",
    "station.arrived": "arrived",
    "employer.onboarded": "employed",
    "employment.reassigned": "employed",
    "employment.ended": "ended",
}


@dataclass(frozen=True)
class EventFact:
    """What the fold needs of a stored event. ``occurred_at`` is timezone-aware."""

    id: str
    type: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    context: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    accepted: bool = False  # a reviewer accepted it: its flags make it doubtful no more
    actor_role: str | None = None  # the role of who scanned it
    actor_id: int | None = None  # who scanned it

    @property
    def sort_key(self) -> tuple:
        return (self.occurred_at, self.recorded_at, self.id)

    @property
    def day(self) -> dt.date:
        """The programme's day the event happened (``domain.calendar``): not the device's zone's,
        nor the server's."""
        return calendar.day_of(self.occurred_at)
