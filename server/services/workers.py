"""A worker's record: found in one's scope, looked at (each look audited), searched, its
timeline, and described whole."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from server.domain import calendar
from server.domain.record import WorkerRecord
from server.domain.visibility import Viewer
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.models import Employer, Event, User, Worker
from server.services import access, audit
from server.services.places import Hotline, hotlines
from server.services.queries import Page, paginate
from server.services.trainings import trainings_of


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


@dataclass(frozen=True)
class ShownEvent:
    """An event of a worker's timeline, and who looks (``schemas.events`` shapes it)."""

    event: Event
    viewer: Viewer


def worker_timeline(worker_id: str, user: User) -> list[ShownEvent]:
    """The worker's events newest first, as far as ``user`` may see them, with who recorded each
    (loaded with them: one query for all)."""
    view_worker(worker_id, user, "timeline")
    events = db.session.scalars(
        select(Event).where(Event.worker_id == worker_id).options(selectinload(Event.actor))
        .order_by(Event.occurred_at.desc(), Event.seq.desc())
    ).all()
    viewer = access.viewer_of(user)
    return [ShownEvent(event, viewer) for event in events if access.can_see_event(event, user)]


@dataclass(frozen=True)
class ShownWorker:
    """A worker's row with what its representation needs beyond the row (``schemas.workers``
    shapes it), and who looks: what that role may see of it is the schema's to leave out."""

    worker: Worker
    current_employer: Employer | None
    workstation: Hotline  # the home county's: what the worker calls
    trainings: list[dict]
    continuous_employment_days: int
    viewer: Viewer
    warnings: list[dict] = field(default_factory=list)


def shown(workers: list[Worker], user: User, *, today: dt.date | None = None) -> list[ShownWorker]:
    """The workers as ``user`` looks at them, what they need loaded for all at once: the
    employers, the workstations' numbers and the trainings in a query each, whatever their
    number."""
    today = today or calendar.today()
    employer_ids = {w.current_employer_id for w in workers if w.current_employer_id}
    employers = ({e.id: e for e in db.session.scalars(select(Employer)
                                                      .where(Employer.id.in_(employer_ids)))}
                 if employer_ids else {})
    numbers = hotlines(w.home_county_code for w in workers)
    trainings = trainings_of(workers)
    viewer = access.viewer_of(user)
    return [ShownWorker(worker, employers.get(worker.current_employer_id),
                        numbers[worker.home_county_code], trainings[worker.id],
                        _continuous_days(worker, today), viewer) for worker in workers]


def shown_one(worker: Worker, user: User, *, warnings: list[dict] = ()) -> ShownWorker:
    """``shown`` for one worker, with the warnings of the registration or correction just made."""
    return replace(shown([worker], user)[0], warnings=list(warnings))


def _continuous_days(worker: Worker, today: dt.date) -> int:
    record = WorkerRecord(status=worker.status, employed_since=worker.employed_since,
                          employment_ended_on=worker.employment_ended_on)
    return record.continuous_employment_days(today)


def current_profile(worker: Worker) -> dict:
    """The worker's details a correction may change, as they are now (the fields of
    ``registration.PROFILE_FIELDS``, home as one object)."""
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
