"""A worker's record: found in one's scope, looked at (each look audited), searched, its
timeline, and described whole."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from server.domain import calendar
from server.domain.id_numbers import mask_from_parts
from server.domain.record import WorkerRecord
from server.domain.regions import county_name
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.models import Employer, Event, User, Worker
from server.services import access, audit
from server.services.places import workstation_hotline
from server.services.queries import Page, paginate
from server.services.trainings import completed_trainings


def get_worker(worker_id: str, user: User) -> Worker:
    """The worker if ``user`` may see it; ``NotFound`` otherwise (out of scope looks absent)."""
    access.require(user, "worker.read")
    worker = db.session.scalar(
        access.scope_workers(select(Worker), user).where(Worker.id == worker_id)
    )
    if worker is None:
        raise NotFound()
    return worker


def view_worker(worker_id: str, user: User, what: str = "record") -> Worker:
    """``get_worker`` for a person looking at one worker's record, timeline or card: staff views
    are audit entries, so the worker can see who looked (their right of access)."""
    worker = get_worker(worker_id, user)
    if not access.acts_for_self(user):
        audit.record("record.viewed", actor=user, target=f"worker:{worker.id}", role=user.role,
                     what=what)
        db.session.commit()  # the look is audited at once, whatever the use case goes on to do
    return worker


def own_worker(user: User) -> Worker:
    """The signed-in worker's own record; ``Forbidden`` for anyone else."""
    if not access.acts_for_self(user) or not user.worker_id:
        raise Forbidden("只有务工人员本人可以查看。 Only the worker can see this.")
    return get_worker(user.worker_id, user)


def search_workers(user: User, args: dict) -> Page:
    """Workers in ``user``'s scope matching the filters, a page at a time, newest first."""
    access.require(user, "worker.read")
    query = access.scope_workers(select(Worker), user)
    if args.get("q"):
        text = args["q"].strip()
        # % and _ literal
        query = query.where(or_(Worker.name.contains(text, autoescape=True),
                                Worker.id_last4 == text.upper()))
    if args.get("id_last4"):
        query = query.where(Worker.id_last4 == args["id_last4"].upper())
    for arg, column in (("county_code", Worker.home_county_code), ("status", Worker.status)):
        if args.get(arg):
            query = query.where(column == args[arg])
    if args.get("employer_id"):
        if user.role == "employer" and args["employer_id"] != user.employer_id:
            # who moved from it to another employer is not its to know
            query = query.where(false())
        query = query.where(Worker.current_employer_id == args["employer_id"])
    for arg, column in (("fair_id", Event.fair_id), ("batch_id", Event.batch_id)):
        if args.get(arg):
            query = query.where(Worker.id.in_(select(Event.worker_id).where(column == args[arg])))
    return paginate(query.order_by(Worker.created_at.desc(), Worker.id), args)


def worker_timeline(worker_id: str, user: User) -> list[Event]:
    """The worker's events newest first, as far as ``user`` may see them, with who recorded each.
    """
    view_worker(worker_id, user, "timeline")
    events = db.session.scalars(
        select(Event).where(Event.worker_id == worker_id).options(selectinload(Event.actor))
        .order_by(Event.occurred_at.desc(), Event.seq.desc())
    ).all()
    return [event for event in events if access.can_see_event(event, user)]


def describe_worker(worker: Worker, *, today: dt.date | None = None) -> dict:
    """The full representation of a record (redact with ``access.redact`` before answering)."""
    today = today or calendar.today()
    record = WorkerRecord(status=worker.status, employed_since=worker.employed_since,
                          employment_ended_on=worker.employment_ended_on)
    employer = (
        db.session.get(Employer, worker.current_employer_id)
        if worker.current_employer_id
        else None
    )
    profile = describe_profile(worker)
    return profile | {
        "id": worker.id,
        "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4),
        "id_last4": worker.id_last4,
        "gender": worker.gender,
        "birth_date": worker.birth_date,
        "home": profile["home"] | {"county_name": county_name(worker.home_county_code)},
        "status": worker.status,
        "milestones": worker.milestones,
        "current_employer": {"id": employer.id, "name": employer.name} if employer else None,
        "employed_since": worker.employed_since,
        "continuous_employment_days": record.continuous_employment_days(today),
        "workstation_hotline": workstation_hotline(worker.home_county_code),
        "last_confirmed_on": worker.last_confirmed_on,
        "card_serial": worker.card_serial,
        "trainings": completed_trainings(worker),
        "event_count": worker.event_count,
        "created_at": worker.created_at,
        "updated_at": worker.updated_at,
    }


def describe_profile(worker: Worker) -> dict:
    return {
        "name": worker.name,
        "phone": worker.phone,
        "home": {"county_code": worker.home_county_code, "township": worker.home_township,
                 "village": worker.home_village},
        "poor_household": worker.poor_household,
        "skills": worker.skills,
        "desired_jobs": worker.desired_jobs,
        "education": worker.education,
    }
