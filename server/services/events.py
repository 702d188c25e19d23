"""Appending events and keeping each worker's record equal to the fold of its events.

One way in: ``append`` inserts events and writes the records they fold to, for a registration at
the office, a clerk's correction, a roster import and a phone's push alike (``record_event`` is
one event about one worker). One verb, fold (``domain.record.fold``: events → record):
``fold_record`` folds with this deployment's settings, ``folded_columns`` is the worker row it
makes, ``fold_onto`` writes it on a row, and ``refold`` folds a worker's whole log again (after a
review or a redaction changed how its events count)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from flask import current_app
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm.attributes import set_committed_value

from server.domain.events import EVENT_TYPES, EventFact
from server.domain.progress import progress
from server.domain.record import WorkerRecord, fold
from server.extensions import db
from server.models import Batch, Event, ReviewDecision, User, Worker
from server.models.event import device_time
from server.models.types import new_uuid, utcnow
from server.services.changes import stage_change

CONTEXT_COLUMNS = ("fair_id", "batch_id", "employer_id")

# What a write reads of a worker and the fold writes: every column but the timestamps.
WORKER_COLUMNS = [c for c in Worker.__table__.columns if c.key not in ("created_at", "updated_at")]
_EVENT_COLUMNS = [c.key for c in Event.__table__.columns if c.key != "seq"]


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
    """Append one event about an existing worker (``append``); ``worker`` then holds its new
    record."""
    event = build_event(worker.id, type, **kwargs)
    # the worker's own pending changes first: what follows reads and writes its row
    db.session.flush()
    # as a push would: no fold of a stale log
    stored = next(worker_rows([worker.id], lock=True))._mapping
    actor = kwargs.get("actor")
    facts = facts_of([worker.id])[worker.id] + [to_fact(event,
                                                        actor_role=actor.role if actor else None)]
    for key, value in append([event], {worker.id: facts}, {worker.id: stored})[worker.id].items():
        set_committed_value(worker, key, value)  # as the row now is: nothing left to flush
    db.session.expire(worker, ["updated_at"])
    return event


def append(
    events: list[Event], facts: Mapping[str, list], stored: Mapping[str, Mapping | None]
) -> dict[str, dict]:
    """Insert ``events`` and write the record of each worker they are about as ``facts[worker]``
    fold (its earlier events' facts and these events'): a worker ``stored`` has no row for is
    inserted, one it has (the columns as they are) gets the columns that changed. Then stage what
    phones pull: the workers, a phone's own events, a batch whose people changed. A statement or
    two per kind of row, however many events; each event learns its ``seq``. Answers each worker's
    folded columns."""
    records = {worker_id: folded_columns(facts[worker_id])
               for worker_id in dict.fromkeys(e.worker_id for e in events)}
    new = [worker_id for worker_id in records if stored.get(worker_id) is None]
    if new:  # before the events, which refer to the workers
        db.session.execute(Worker.__table__.insert(), [{"id": w, **records[w]} for w in new])
    if events:  # Core executemany, each seq back by RETURNING (the ORM would insert row by row)
        table = Event.__table__
        # in any order
        inserted = dict(
            db.session.execute(
                table.insert().returning(table.c.id, table.c.seq),
                [{key: getattr(event, key) for key in _EVENT_COLUMNS} for event in events],
            ).all()
        )
        for event in events:
            event.seq = inserted[event.id]
    changes: dict[tuple, list[dict]] = {}
    for worker_id, record in records.items():
        before = stored.get(worker_id)
        changed = (
            {k: v for k, v in record.items() if before[k] != v} if before is not None else record
        )
        if before is not None and changed:
            changes.setdefault(tuple(sorted(changed)), []).append({"id": worker_id, **changed})
        if changed:
            publish_worker_change(worker_id, record["home_county_code"],
                                  before and before["home_county_code"])
    for rows in changes.values():
        _update_workers(rows)
    for event in events:
        if event.device_id:  # a phone's own events go back to it (and to no one else)
            stage_change(db.session, "event", event.id, device_id=event.device_id)
    for batch_id in {e.batch_id for e in events if e.type in ("batch.assigned", "batch.departed")}:
        if batch := db.session.get(Batch, batch_id):  # its roster changed: phones pull it again
            stage_change(db.session, "batch", batch.id, county_code=batch.origin_county_code)
    return records


def _update_workers(rows: list[dict]) -> None:
    """One executemany for workers whose same columns changed (the ORM would send an UPDATE per
    worker on SQLite)."""
    columns = [key for key in rows[0] if key != "id"]
    statement = (Worker.__table__.update().where(Worker.id == bindparam("b_id"))
                 .values({key: bindparam("b_" + key) for key in columns}))
    db.session.execute(statement, [{"b_" + k: v for k, v in row.items()} for row in rows])


def facts_of(worker_ids: Iterable[str]) -> dict[str, list[EventFact]]:
    """Each worker's events as the fold reads them (``fact_rows``), a query per 900 workers."""
    ids = list(dict.fromkeys(worker_ids))
    facts: dict[str, list[EventFact]] = {worker_id: [] for worker_id in ids}
    for start in range(0, len(ids), 900):
        for row in db.session.execute(fact_rows(Event.worker_id.in_(ids[start:start + 900]))):
            facts[row.worker_id].append(to_fact(row))
    return facts


def worker_rows(worker_ids: Iterable[str], *, lock: bool = False):
    """The workers' rows (``WORKER_COLUMNS``: what ``append`` compares with, as ``row._mapping``),
    in id order, a query per 900. ``lock``: each locked until the commit (PostgreSQL; SQLite's
    write lock already serialises writers), in id order so that two writers wait for each other,
    never in a deadlock — two writers folding one worker at once would each write a record missing
    the other's event."""
    ids = sorted(set(worker_ids))
    for start in range(0, len(ids), 900):
        query = (
            select(*WORKER_COLUMNS)
            .where(Worker.id.in_(ids[start : start + 900]))
            .order_by(Worker.id)
        )
        yield from db.session.execute(query.with_for_update(key_share=True) if lock else query)


def refold(worker: Worker) -> None:
    """Recompute the record from all of the worker's events (tens of rows: cheap, always right)."""
    previous_county = worker.home_county_code
    fold_onto(worker, facts_of([worker.id])[worker.id])
    publish_worker_change(worker.id, worker.home_county_code, previous_county)


def fact_rows(*where):
    """The events ``where`` says, with what their facts need beyond the row: the scanner's role
    (two-party evidence) and whether a reviewer accepted the event (its doubts then cleared)."""
    accepted = exists().where(ReviewDecision.event_id == Event.id,
                              ReviewDecision.outcome == "accepted")
    return (select(Event.worker_id, Event.id, Event.type, Event.occurred_at,
                   Event.occurred_offset_minutes,
                   Event.recorded_at, Event.context, Event.data, Event.flags, Event.actor_id,
                   User.role.label("actor_role"), accepted.label("accepted"))
            .outerjoin(User, User.id == Event.actor_id).where(*where))


def fold_record(facts) -> WorkerRecord:
    """``domain.record.fold`` with this deployment's re-assignment gap
    (``LABORPASS_REASSIGNMENT_GAP_DAYS``)."""
    return fold(facts, gap_days=_gap_days())


def _gap_days() -> int:
    return int(current_app.config["LABORPASS_REASSIGNMENT_GAP_DAYS"])


def publish_worker_change(worker_id: str, county: str, previous_county: str | None = None) -> None:
    """Let devices pull the worker's new state; a county it left gets a deletion."""
    if previous_county and previous_county != county:
        stage_change(db.session, "worker", worker_id, op="delete", county_code=previous_county)
    stage_change(db.session, "worker", worker_id, county_code=county)


def to_fact(event, *, actor_role: str | None = None) -> EventFact:
    """The fold's view of an ``Event``, or of a ``fact_rows`` row (which knows the scanner's role
    and whether a reviewer accepted it; for an ``Event``, ``actor_role`` says the first)."""
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
    """Write the record folded from ``facts`` onto the worker's row; answer the columns that
    changed."""
    changed = {key: value for key,
               value in folded_columns(facts).items() if getattr(worker, key) != value}
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
        "birth_date": dt.date.fromisoformat(profile["birth_date"]) if profile.get("birth_date")
        else None,
        "birth_year": int(profile["birth_date"][:4]) if profile.get("birth_date")
        else profile.get("birth_year"), "phone": profile.get("phone"),
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
    columns = [c.key for c in Worker.__table__.columns
               if c.key not in ("created_at", "updated_at")]
    return {key: getattr(worker, key) for key in columns}
