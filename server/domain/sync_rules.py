"""Rules for events pushed by devices: who may push what, what context each type needs,
and which facts get flagged. Pure functions of plain values."""
from __future__ import annotations

from collections.abc import Iterable

from server.domain.events import EventFact
from server.domain.lifecycle import review_flags

# Why an event is rejected: ``domain.reasons.Reason`` (the scans' group).
MINIMUM_WORKING_AGE = 16

# Flags on an accepted event: a fact worth a reviewer's eye.
REPEAT = "repeat"
DUPLICATE_PERSON = "duplicate_person"
UNEXPECTED_ARRIVAL = "unexpected_arrival"
# the scan was of an unsigned temporary pass: someone checked the ID card
TEMPORARY_PASS = "temporary_pass"

# What a device may send (credential.* are made by the server only); who may record each:
# ``services.access.RECORDABLE_BY``.
PUSHABLE_TYPES = (
    "worker.registered", "worker.updated", "fair.checked_in", "fair.intent_signed",
    "batch.assigned",
    "batch.departed", "station.arrived", "employer.onboarded", "employment.confirmed",
    "employment.reassigned", "employment.ended", "training.attended", "intention.followed_up",
    "pay.answered", "help.requested", "help.answered", "help.closed", "event.voided",
)
FAIR_TYPES = ("fair.checked_in", "fair.intent_signed")
# the scans a batch's county acts for (a batch id in another scan's context gives no scope)
BATCH_TYPES = ("batch.assigned", "batch.departed", "station.arrived")

REQUIRED_CONTEXT = {
    "fair.checked_in": ("fair_id",),
    "fair.intent_signed": ("fair_id", "employer_id"),
    "batch.assigned": ("batch_id",),
    "batch.departed": ("batch_id",),
    "station.arrived": ("station",),
    "employer.onboarded": ("employer_id",),
    "employment.confirmed": ("employer_id",),
    "employment.reassigned": ("employer_id",),
    "employment.ended": ("employer_id",),
    "training.attended": ("training_id",),
    "intention.followed_up": ("fair_id",),
}

# What makes a second event of a type "the same milestone again".
_REPEAT_KEYS = {
    "fair.checked_in": ("fair_id",),
    "fair.intent_signed": ("fair_id", "employer_id"),
    "batch.assigned": ("batch_id",),
    "batch.departed": ("batch_id",),
    "station.arrived": (),
    "employer.onboarded": ("employer_id",),
    "training.attended": ("training_id",),
}


def missing_context(type: str, context: dict) -> list[str]:
    return [key for key in REQUIRED_CONTEXT.get(type, ()) if not context.get(key)]


def is_repeat(type: str, context: dict, earlier: Iterable[EventFact]) -> bool:
    """Does the worker already have this milestone (a second arrival scan, a second check-in)?"""
    if type not in _REPEAT_KEYS:
        return False
    keys = _REPEAT_KEYS[type]
    return any(e.type == type and all(e.context.get(k) == context.get(k) for k in keys)
               for e in earlier)


def event_flags(type: str, context: dict, earlier: list[EventFact]) -> list[str]:
    """Flags of an accepted event, given the worker's earlier events (its standing as evidence:
    ``domain.evidence``)."""
    flags = []
    if is_repeat(type, context, earlier):
        flags.append(REPEAT)
    # onboarded without arrival, a second employer, …
    flags += review_flags(type, context, earlier)
    if type == "station.arrived" and (not context.get("batch_id")
                                      or context["batch_id"] != assigned_batch(earlier)):
        flags.append(UNEXPECTED_ARRIVAL)  # on no batch, or on another one than the roster says
    return flags


def assigned_batch(earlier: list[EventFact]) -> str | None:
    """The batch the worker's latest assignment names, if any."""
    assignments = sorted((e for e in earlier if e.type == "batch.assigned"),
                         key=lambda e: e.sort_key)
    return assignments[-1].context.get("batch_id") if assignments else None
