"""Appending events and keeping each worker's record equal to the fold of its events.

One verb, fold (``domain.record.fold``: events → record): ``fold_record`` folds with this
deployment's settings, ``folded_columns`` is the worker row it makes, ``fold_onto`` writes it on a
row, and ``refold`` folds a worker's whole log again."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import exists, select

from server.domain.events import EVENT_TYPES, EventFact
from server.domain.progress import progress
from server.domain.record import WorkerRecord, fold
from server.extensions import db
from server.models import Event, ReviewDecision, User, Worker
from server.models.event import device_time
from server.models.types import new_uuid, utcnow
from server.services.changes import stage_change

CONTEXT_COLUMNS = ("fair_id", "batch_id", "employer_id")


def build_event(
    worker_id: str,
    type: str,
    *,
    actor: User | None,
    occurred_at: dt.datetime | None = None,
    context: dict | None = None,
    data: dict | None = None,
    device_id: str | None = None,
    event_id: str | None = None,
    raw_code: str | None = None,
    flags: list[str] | None = None,
) -> Event:
    """An unsaved event; ``occurred_at`` must carry its offset (it defaults to now, UTC)."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type}")
    occurred_at = occurred_at or utcnow()
    context = context or {}
    return Event(
        id=event_id or new_uuid(),
        type=type,
        worker_id=worker_id,
        occurred_at=occurred_at,
        occurred_offset_minutes=int(occurred_at.utcoffset().total_seconds() // 60),
        recorded_at=utcnow(),
        device_id=device_id,
        actor_id=actor.id if actor else None,
        context=context,
        data=data or {},
        raw_code=raw_code,
        flags=flags or [],
        **{column: context.get(column) for column in CONTEXT_COLUMNS},
    )


def record_event(worker: Worker, type: str, **kwargs) -> Event:
    """Append an event for an existing worker and re-fold the worker's record."""
    event = build_event(worker.id, type, **kwargs)
    db.session.add(event)
    db.session.flush()
    refold(worker)
    return event


def refold(worker: Worker) -> None:
    """Recompute the record from all of the worker's events (tens of rows: cheap, always right)."""
    previous_county = worker.home_county_code
    fold_onto(worker, [to_fact(row) for row in db.session.execute(fact_rows(Event.worker_id == worker.id))])
    publish_worker(worker, previous_county)


def fact_rows(*where):
    """The events ``where`` says, with what their facts need beyond the row: the scanner's role
    (two-party evidence) and whether a reviewer accepted the event (its doubts then cleared)."""
    accepted = exists().where(ReviewDecision.event_id == Event.id, ReviewDecision.outcome == "accepted")
    return (select(Event.worker_id, Event.id, Event.type, Event.occurred_at, Event.occurred_offset_minutes,
                   Event.recorded_at, Event.context, Event.data, Event.flags, Event.actor_id, User.role.label("actor_role"),
                   accepted.label("accepted"))
            .outerjoin(User, User.id == Event.actor_id).where(*where))


def fold_record(facts) -> WorkerRecord:
    """``domain.record.fold`` with this deployment's re-assignment gap (``LABORPASS_REASSIGNMENT_GAP_DAYS``)."""
    return fold(facts, gap_days=_gap_days())


def _gap_days() -> int:
    return int(current_app.config["LABORPASS_REASSIGNMENT_GAP_DAYS"])


def publish_worker(worker: Worker, previous_county: str | None = None) -> None:
    """Let devices pull the worker's new state; a county it left gets a deletion."""
    publish_worker_change(worker.id, worker.home_county_code, previous_county)


def publish_worker_change(worker_id: str, county: str, previous_county: str | None = None) -> None:
    """``publish_worker`` for a worker known by its id and home county."""
    if previous_county and previous_county != county:
        stage_change(db.session, "worker", worker_id, op="delete", county_code=previous_county)
    stage_change(db.session, "worker", worker_id, county_code=county)


def to_fact(event, *, actor_role: str | None = None) -> EventFact:
    """The fold's view of an ``Event``, or of a ``fact_rows`` row (which knows the scanner's role and
    whether a reviewer accepted it; for an ``Event``, ``actor_role`` says the first)."""
    return EventFact(
        id=event.id,
        type=event.type,
        occurred_at=device_time(event.occurred_at, event.occurred_offset_minutes),
        recorded_at=event.recorded_at,
        context=event.context or {},
        data=event.data or {},
        flags=tuple(event.flags or ()),
        accepted=bool(getattr(event, "accepted", False)),
        actor_role=getattr(event, "actor_role", actor_role),
        actor_id=getattr(event, "actor_id", None),
    )


def fold_onto(worker: Worker, facts: list[EventFact]) -> dict:
    """Write the record folded from ``facts`` onto the worker's row; answer the columns that changed."""
    changed = {key: value for key, value in folded_columns(facts).items() if getattr(worker, key) != value}
    for key, value in changed.items():
        setattr(worker, key, value)
    return changed


def folded_columns(facts: list[EventFact]) -> dict:
    """The worker's columns: the folded record and what reports count (``domain.progress``)."""
    return {**_columns_of(fold_record(facts)), **progress(facts, gap_days=_gap_days())}


def _columns_of(record: WorkerRecord) -> dict:
    """The worker's columns as the record has them."""
    profile = record.profile
    home = profile.get("home", {})
    return {
        "name": profile.get("name"),
        "id_number_enc": profile.get("id_number_enc"),
        "id_number_bidx": profile.get("id_number_bidx"),
        "id_last4": profile.get("id_last4"),
        "id_region_code": profile.get("id_region_code"),
        "gender": profile.get("gender"),
        "birth_date": dt.date.fromisoformat(profile["birth_date"]) if profile.get("birth_date") else None,
        "birth_year": int(profile["birth_date"][:4]) if profile.get("birth_date") else profile.get("birth_year"),
        "phone": profile.get("phone"),
        "home_county_code": home.get("county_code"),
        "home_township": home.get("township"),
        "home_village": home.get("village"),
        "poor_household": bool(profile.get("poor_household")),
        "skills": profile.get("skills") or [],
        "desired_jobs": profile.get("desired_jobs") or [],
        "education": profile.get("education"),
        "status": record.status or "registered",
        "milestones": record.milestones,
        "current_employer_id": record.current_employer_id,
        "employed_since": record.employed_since,
        "employment_ended_on": record.employment_ended_on,
        "last_confirmed_on": record.last_confirmed_on,
        "card_serial": record.card_serial,
        "trainings": record.trainings,
        "last_event_at": record.last_event_key[0] if record.last_event_key else None,
        "event_count": record.event_count,
    }


def rebuild_all_records(*, check_only: bool = False) -> list[str]:
    """Re-fold every worker; return the ids whose stored record differed from the fold."""
    differing = []
    for worker in db.session.scalars(select(Worker).order_by(Worker.id)):
        before = _snapshot(worker)
        refold(worker)
        if _snapshot(worker) != before:
            differing.append(worker.id)
    if check_only:
        db.session.rollback()
    return differing


def _snapshot(worker: Worker) -> dict:
    columns = [c.key for c in Worker.__table__.columns if c.key not in ("created_at", "updated_at")]
    return {key: getattr(worker, key) for key in columns}
