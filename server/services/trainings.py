"""Training sessions: planned by the county, attended by scan, completed on the worker's record."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from schemas.lifecycle import TRAINING_FIELDS
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Event, Training, User, Worker
from server.services import access, audit, places
from server.services.changes import stage_change
from server.services.queries import Page, not_voided, paginate
from server.services.unit_of_work import use_case


@use_case
def create_training(data: dict, user: User) -> Training:
    access.require(user, "training.manage")
    county_code = places.origin_county(data.get("county_code") or user.county_code, user,
                                       "county_code")
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput({"ends_on": ["结束日期不能早于开始日期。 The training cannot end "
                                        "before it starts."]})
    training = Training(**{k: data.get(k) for k in TRAINING_FIELDS} | {"county_code": county_code},
                        created_by=user.id)
    db.session.add(training)
    db.session.flush()
    audit.record("training.created", actor=user, target=f"training:{training.id}",
                 title=training.title)
    stage_change(db.session, "training", training.id, county_code=training.county_code)
    return training


def get_training(training_id: str, user: User) -> Training:
    access.require(user, "training.read")
    training = db.session.scalar(
        access.scope_trainings(select(Training), user).where(Training.id == training_id)
    )
    if training is None:
        raise NotFound("training")
    return training


def list_trainings(user: User, args: dict) -> Page:
    access.require(user, "training.read")
    query = access.scope_trainings(select(Training), user).order_by(Training.starts_on.desc())
    return paginate(query, args)


@dataclass(frozen=True)
class Attendee:
    worker_id: str
    name: str
    hours: float
    completed: bool


@dataclass(frozen=True)
class ShownTraining:
    """A training with who attended it in the viewer's scope (``schemas.lifecycle`` shapes it)."""

    training: Training
    attendees: list[Attendee]


def shown_training(training: Training, user: User) -> ShownTraining:
    """The training with who attended (in ``user``'s scope) and who completed it."""
    hours = func.sum(func.coalesce(func.cast(Event.data["hours"].as_string(), db.Float), 0))
    attended = access.scope_workers(
        select(Worker.id, Worker.name, hours.label("hours")).join(Event,
                                                                  Event.worker_id == Worker.id)
        .where(Event.type == "training.attended",
               Event.context["training_id"].as_string() == training.id, not_voided())
        .group_by(Worker.id, Worker.name), user)
    rows = [(row.id, row.name, float(row.hours or 0)) for row in db.session.execute(attended)]
    return ShownTraining(training, [Attendee(worker_id, name, hours, is_completed(training, hours))
                                    for worker_id, name, hours in rows])


def is_completed(training: Training, hours_attended: float) -> bool:
    """Attended the training's hours (a training without set hours: attended at all)."""
    return hours_attended >= training.hours if training.hours else hours_attended >= 0


def completed_trainings(worker: Worker) -> list[dict]:
    """The trainings on a worker's record, each with whether it is complete: for subsidy rules."""
    return trainings_of([worker])[worker.id]


def trainings_of(workers: list[Worker]) -> dict[str, list[dict]]:
    """``completed_trainings`` of many workers, in one query."""
    wanted = {training_id for worker in workers for training_id in worker.trainings or {}}
    trainings = (
        {t.id: t for t in db.session.scalars(select(Training).where(Training.id.in_(wanted)))}
        if wanted
        else {}
    )
    return {worker.id: [{"id": t.id, "title": t.title, "skill": t.skill, "hours": hours,
                         "completed": is_completed(t, hours)}
                        for t, hours in sorted(((trainings[id], hours)
                                                for id, hours in (worker.trainings or {}).items()
                                                if id in trainings), key=lambda pair: pair[0].id)]
            for worker in workers}
