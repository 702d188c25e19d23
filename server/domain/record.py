"""The real-name record: a pure fold of a worker's events.

``fold(events)`` orders the events by (occurred_at, recorded_at, id), leaves out voided
ones and applies them one by one, so the record never depends on the order in which the
events reached the server. ``apply_event`` is the step; callers that receive an event
newer than everything folded so far may apply it alone, anyone else re-folds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from server.domain.events import STAGE_OF_TYPE, STATUSES, EventFact

# a new job within this many days keeps the employment count going (the default)
REASSIGNMENT_GAP_DAYS = 15


@dataclasses.dataclass(frozen=True)
class WorkerRecord:
    profile: dict = dataclasses.field(default_factory=dict)
    status: str | None = None
    milestones: dict = dataclasses.field(default_factory=dict)  # stage -> ISO date reached
    current_employer_id: str | None = None
    employed_since: dt.date | None = None
    employment_ended_on: dt.date | None = None
    last_confirmed_on: dt.date | None = None
    card_serial: str | None = None
    trainings: dict = dataclasses.field(default_factory=dict)  # training id -> hours attended
    last_event_key: tuple | None = None
    event_count: int = 0

    def continuous_employment_days(self, as_of: dt.date) -> int:
        """Days of the current (or, once ended, the last) unbroken employment."""
        if self.employed_since is None:
            return 0
        end = as_of if self.status == "employed" else (self.employment_ended_on or as_of)
        return max(0, (end - self.employed_since).days)


def fold(events: Iterable[EventFact], *, gap_days: int = REASSIGNMENT_GAP_DAYS) -> WorkerRecord:
    """The record of one worker from all of its events, in any order. A new job starting at most
    ``gap_days`` after the last one ended continues the employment."""
    events = list(events)
    voided = {e.data.get("event_id") for e in events if e.type == "event.voided"}
    record = WorkerRecord()
    for event in sorted(events, key=lambda e: e.sort_key):
        if event.id not in voided:
            record = apply_event(record, event, gap_days=gap_days)
    return record


def apply_event(
    record: WorkerRecord, event: EventFact, *, gap_days: int = REASSIGNMENT_GAP_DAYS
) -> WorkerRecord:
    """The record after one more event (the newest so far)."""
    changes = {"last_event_key": event.sort_key, "event_count": record.event_count + 1}
    changes.update(_PROFILE_STEPS.get(event.type, _no_change)(record, event))
    changes.update(_employment_step(record, event, gap_days))
    record = dataclasses.replace(record, **changes)
    return dataclasses.replace(record, **_stage_step(record, event))


def _no_change(record: WorkerRecord, event: EventFact) -> dict:
    return {}


def _registered(record: WorkerRecord, event: EventFact) -> dict:
    # A second registration of the same person adds nothing: the first one stands, even when the
    # second is dated before it (an offline phone's, synced later: its data names the first).
    return (
        {} if record.profile or event.data.get("duplicate_of") else {"profile": dict(event.data)}
    )


def _updated(record: WorkerRecord, event: EventFact) -> dict:
    return {"profile": {**record.profile, **event.data}}


def _credential_issued(record: WorkerRecord, event: EventFact) -> dict:
    return {"card_serial": event.data.get("serial")}


def _credential_revoked(record: WorkerRecord, event: EventFact) -> dict:
    serial = event.data.get("serial")
    return {"card_serial": None} if serial == record.card_serial else {}


def _trained(record: WorkerRecord, event: EventFact) -> dict:
    training_id = event.context.get("training_id")
    hours = float(event.data.get("hours") or 0)
    return {"trainings": {**record.trainings,
                          training_id: record.trainings.get(training_id, 0) + hours}}


_PROFILE_STEPS = {
    "worker.registered": _registered,
    "worker.updated": _updated,
    "credential.issued": _credential_issued,
    "credential.revoked": _credential_revoked,
    "training.attended": _trained,
}


def _employment_step(record: WorkerRecord, event: EventFact, gap_days: int) -> dict:
    employer_id = event.context.get("employer_id")
    if event.type == "employer.onboarded":
        start = _date(event.data.get("start_date")) or event.day
        if record.status == "employed" and record.employed_since:
            return {"current_employer_id": employer_id}
        gap_ok = (
            record.employment_ended_on is not None
            and record.employed_since is not None
            and (start - record.employment_ended_on).days <= gap_days
        )
        return {
            "current_employer_id": employer_id,
            "employed_since": record.employed_since if gap_ok else start,
            "employment_ended_on": None,
        }
    if event.type == "employment.reassigned":
        return {
            "current_employer_id": employer_id,
            "employed_since": record.employed_since or event.day,
            "employment_ended_on": None,
        }
    if event.type == "employment.ended" and record.status == "employed":
        return {"current_employer_id": None,
                "employment_ended_on": _date(event.data.get("end_date")) or event.day}
    if event.type == "employment.confirmed":
        return {"last_confirmed_on": event.day}
    return {}


def _stage_step(record: WorkerRecord, event: EventFact) -> dict:
    stage = STAGE_OF_TYPE.get(event.type)
    if stage is None:
        return {}
    if stage == "ended" and record.status != "employed":
        return {}  # an end without an employment changes nothing to the ladder
    current = STATUSES.index(record.status) if record.status else -1
    # A registration is no stage of a new cycle: a second one (the same person registered again
    # offline) or one dated after the rest must not wipe a finished employment off the ladder.
    restarting = record.status == "ended" and stage not in ("ended", "registered")
    if STATUSES.index(stage) <= current and not restarting:
        return {}
    return {"status": stage, "milestones": {**record.milestones, stage: event.day.isoformat()}}


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
