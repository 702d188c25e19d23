"""Who may do what, and see which workers and which of their fields: decided here only.

Every worker query goes through ``scope_workers``; every worker representation through
``redact``. Out-of-scope workers are answered as not found, so existence does not leak.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true

from server.errors import Forbidden
from server.models import Batch, Change, Event, Fair, FairEmployer, Training, User, Worker

STAFF = frozenset({"admin", "county", "workstation", "fair_staff", "greeter", "employer"})
COUNTY_SCOPED = frozenset({"county", "workstation", "fair_staff"})

PERMISSIONS = {
    "worker.read": STAFF | {"worker"},
    "worker.register": frozenset({"admin", "county", "workstation", "fair_staff"}),
    "worker.update": frozenset({"admin", "county", "workstation"}),
    "card.issue": frozenset({"admin", "county", "workstation", "fair_staff"}),
    "scan.verify": STAFF,
    "id.reveal": frozenset({"admin", "county", "workstation"}),
    "audit.read": frozenset({"admin"}),
    "worker.invite": frozenset({"admin", "county", "workstation", "fair_staff"}),
    "users.manage": frozenset({"admin"}),  # tokens for others, revoking a person, blocking devices
    "fair.read": frozenset({"admin", "county", "workstation", "fair_staff", "employer"}),
    "fair.manage": frozenset({"admin", "county", "workstation"}),
    "posting.manage": frozenset({"admin", "county", "workstation", "employer"}),
    "batch.read": frozenset({"admin", "county", "workstation", "fair_staff", "greeter"}),
    "batch.manage": frozenset({"admin", "county", "workstation"}),
    "batch.handover": frozenset({"admin", "county", "workstation", "greeter"}),
    "review.decide": frozenset({"admin", "county", "workstation"}),
    "worker.import": frozenset({"admin", "county", "workstation"}),
    "site.read": frozenset({"admin", "county", "workstation", "employer"}),
    "site.manage": frozenset({"admin", "workstation", "employer"}),
    "training.read": frozenset({"admin", "county", "workstation", "fair_staff", "employer"}),
    "training.manage": frozenset({"admin", "county", "workstation"}),
    "payout.read": frozenset({"admin", "county", "workstation"}),
    "payout.manage": frozenset({"admin", "county"}),  # recompute, approve, pay, reject: the HR bureau's finance
    "policy.manage": frozenset({"admin"}),
    "target.read": frozenset({"admin", "county", "workstation"}),
    "target.manage": frozenset({"admin"}),  # the city's plan, broken down by county
    "report.read": frozenset({"admin", "county", "workstation"}),
}

# Fields of the worker representation each role may see; a role not listed sees all.
_GREETER_FIELDS = frozenset(
    {"id", "name", "id_masked", "id_last4", "gender", "home", "status", "card_serial"}
)
_EMPLOYER_HIDDEN = frozenset({"poor_household", "birth_date", "desired_jobs"})
_HOME_FOR_ROLE = {"greeter": {"county_code", "county_name", "township"}, "employer": {"county_code", "county_name", "township"}}
# Keys in event data that are never answered: ciphertext and index of the ID number.
SECRET_KEYS = frozenset({"id_number_enc", "id_number_bidx"})


def require(user: User, action: str) -> None:
    """Raise ``Forbidden`` unless the user's role may do ``action``."""
    if user.role not in PERMISSIONS[action]:
        raise Forbidden()


def require_county(user: User, county_code: str) -> None:
    """A county-scoped role acts only for workers of its own county."""
    if user.role in COUNTY_SCOPED and user.county_code != county_code:
        raise Forbidden(
            f"您只能登记本县（{user.county_code}）的务工人员。"
            f" You may only act for workers of your own county ({user.county_code})."
        )


def scope_workers(query, user: User):
    """``query`` (a select of Worker) restricted to the workers ``user`` may see; erased people
    are no one's to see (their anonymous rows serve the statistics only)."""
    query = query.where(Worker.erased_at.is_(None))
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Worker.home_county_code == user.county_code)
    if user.role == "employer":
        onboarded = select(Event.worker_id).where(
            Event.type == "employer.onboarded", Event.employer_id == user.employer_id
        )
        return query.where(Worker.id.in_(onboarded))
    if user.role == "greeter":
        # The rosters of batches due at the station, and whoever was met there.
        due = select(Event.worker_id).where(Event.type == "batch.assigned",
                                            Event.batch_id.in_(scope_batches(select(Batch.id), user)))
        met = select(Event.worker_id).where(Event.type == "station.arrived", Event.context["station"].as_string() == user.station)
        return query.where(Worker.id.in_(due) | Worker.id.in_(met)) if user.station else query.where(false())
    if user.role == "worker":
        return query.where(Worker.id == user.worker_id)
    return query.where(false())


def scope_fairs(query, user: User):
    """``query`` (a select of Fair) restricted to the fairs ``user`` may see: county staff their
    county's, an employer the fairs it takes part in."""
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Fair.county_code == user.county_code)
    if user.role == "employer":
        return query.where(Fair.id.in_(select(FairEmployer.fair_id).where(FairEmployer.employer_id == user.employer_id)))
    return query.where(false())


def scope_batches(query, user: User):
    """``query`` (a select of Batch) restricted to the batches ``user`` may see: county staff
    their county's, a greeter those due at its station."""
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Batch.origin_county_code == user.county_code)
    if user.role == "greeter" and user.station:
        return query.where(Batch.destination_station == user.station)
    return query.where(false())


def scope_trainings(query, user: User):
    """Trainings for ``user``'s county (county staff); every training for admins and employers,
    who train the people they took on whatever county they came from."""
    if user.role in COUNTY_SCOPED:
        return query.where(Training.county_code == user.county_code)
    if user.role in ("admin", "employer"):
        return query
    return query.where(false())


def pullable_changes(user: User, device_id: str):
    """The change-log rows a device of ``user`` receives: keys and revocations for every scanner,
    the fairs, batches and trainings in scope (with employers, jobs, rosters), the workers in scope (county roles by the
    county the change was for, so a worker who moved away arrives as a deletion), and the
    device's own events."""
    if user.role == "admin":
        workers = fairs = batches = trainings = true()
    elif user.role in COUNTY_SCOPED:
        workers = fairs = batches = trainings = Change.county_code == user.county_code
    else:
        workers = Change.entity_id.in_(scope_workers(select(Worker.id), user))
        fairs = Change.entity_id.in_(scope_fairs(select(Fair.id), user))
        batches = Change.entity_id.in_(scope_batches(select(Batch.id), user))
        trainings = true() if user.role == "employer" else false()
    public = Change.kind.in_(("key", "revocation")) if user.role in STAFF else false()
    return or_(public, and_(Change.kind == "worker", workers), and_(Change.kind == "fair", fairs),
               and_(Change.kind == "batch", batches), and_(Change.kind == "training", trainings),
               and_(Change.kind == "event", Change.device_id == device_id))


def scan_refusal(user: User, county_code: str, type: str, context: dict, earlier: list) -> str | None:
    """Why ``user`` may not record this event about a worker of ``county_code``, or ``None``.

    A scanned card proves the worker stood there, so greeters and employers need no read
    scope to record a scan; they are held to their station and their own employer.
    ``earlier`` are the worker's events (``EventFact``) so far.
    """
    if user.role == "admin":
        return None
    if user.role in COUNTY_SCOPED:
        return None if county_code == user.county_code else "out_of_scope"
    if user.role == "employer":
        if context.get("employer_id") != user.employer_id:
            return "out_of_scope"
        if type == "employer.onboarded":
            return None
        ours = any(e.type == "employer.onboarded" and e.context.get("employer_id") == user.employer_id for e in earlier)
        return None if ours else "out_of_scope"
    if user.role == "greeter":
        return None if not user.station or context.get("station") == user.station else "out_of_scope"
    return "out_of_scope"


def redact(representation: dict, user: User) -> dict:
    """The worker representation with only the fields ``user``'s role may see."""
    if user.role == "greeter":
        shown = {k: v for k, v in representation.items() if k in _GREETER_FIELDS}
    elif user.role == "employer":
        shown = {k: v for k, v in representation.items() if k not in _EMPLOYER_HIDDEN}
    else:
        return representation
    if "home" in shown:
        shown["home"] = {k: v for k, v in shown["home"].items() if k in _HOME_FOR_ROLE[user.role]}
    return shown


def redact_event_data(data: dict, user: User) -> dict:
    """Event data as ``user`` may see it: never the ID ciphertext or index."""
    visible = {k: v for k, v in data.items() if k not in SECRET_KEYS}
    if user.role in ("greeter", "employer"):
        visible = redact(visible, user)
    return visible


def can_see_event(event: Event, user: User) -> bool:
    """Employers see only what concerns them in a worker's timeline."""
    if user.role != "employer":
        return True
    return event.employer_id == user.employer_id or event.actor_id == user.id
