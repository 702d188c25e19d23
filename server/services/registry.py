"""The real-name registry: register, correct, find and describe workers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server.domain import calendar
from server.domain.id_numbers import ResidentId, age_on, mask_from_parts, parse_id_number
from server.domain.reasons import Reason
from server.domain.record import WorkerRecord
from server.domain.regions import consent_notice, county_name, describe_region, find_county
from server.domain.sync_rules import MINIMUM_WORKING_AGE
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import AuditEntry, Employer, Event, User, Worker
from server.models.types import new_uuid, utcnow
from server.services import access, audit
from server.services.events import build_event, project, publish_worker, record_event, to_fact
from server.services.places import workstation_hotline
from server.services.protection import blind_index, decrypt_field, encrypt_field
from server.services.queries import Page, paginate
from server.services.trainings import completed_trainings
from server.services.unit_of_work import use_case

REVEAL_ASSERTION_AGE = dt.timedelta(minutes=5)
PROFILE_FIELDS = ("name", "phone", "home", "poor_household", "skills", "desired_jobs", "education")


@use_case
def register_worker(data: dict, actor: User, *, today: dt.date | None = None) -> tuple[Worker, list[dict]]:
    """Register a person; answer the new worker and warnings for the clerk.

    Raises ``Forbidden`` outside the actor's role or county, ``InvalidInput`` for a home
    county that is no real place, ``Conflict`` (``duplicate_id_number``) when the ID
    number is already registered.
    """
    today = today or calendar.today()
    registration = check_registration(data, actor, today=today)
    _refuse_duplicate(registration.resident)
    worker, event = build_registration(registration, actor)
    try:
        with db.session.begin_nested():
            db.session.add(worker)
            db.session.flush()
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        _refuse_duplicate(registration.resident)  # registered concurrently by someone else
        raise
    publish_worker(worker)
    return worker, registration.warnings


@dataclass(frozen=True)
class Registration:
    """A registration that passed every check but the duplicate one."""

    data: dict
    home: dict
    resident: ResidentId
    warnings: list[dict]

    @property
    def id_number_bidx(self) -> str:
        return blind_index(self.resident.number)


def check_registration(data: dict, actor: User, *, today: dt.date) -> Registration:
    """Role, county scope, home county and ID number; raises ``Forbidden`` or ``InvalidInput``."""
    access.require(actor, "worker.register")
    home, warnings = _checked_home(data["home"])
    unknown = [w for w in warnings if w["code"] == "unknown_county"]
    if unknown and access.own_county(actor):  # a typo, most likely: say so rather than "not your county"
        raise InvalidInput({"home.county_code": [unknown[0]["message"]]}, code=Reason.UNKNOWN_COUNTY)
    access.require_county(actor, home["county_code"])
    resident = parse_id_number(data["id_number"], today=today)
    if data["consent"]["notice_version"] != consent_notice()["version"]:
        warnings = warnings + [{"field": "consent.notice_version", "code": Reason.OLD_NOTICE,
                                "message": "此告知书不是最新版本。 The notice shown was not the current version."}]
    return Registration(data, home, resident, warnings + _identity_warnings(resident, today))


def build_registration(registration: Registration, actor: User, *, worker_id: str | None = None,
                       **event_fields) -> tuple[Worker, Event]:
    """The new worker (its record folded from its first event) and that ``worker.registered`` event, unsaved."""
    event = registration_event(registration, actor, worker_id=worker_id, **event_fields)
    worker = Worker(id=event.worker_id)
    project(worker, [to_fact(event)])
    return worker, event


def registration_event(registration: Registration, actor: User | None, *, worker_id: str | None = None,
                       **event_fields) -> Event:
    """The ``worker.registered`` event of a new worker (``worker_id``, or a new id), unsaved."""
    worker_id = worker_id or new_uuid()
    profile = {key: registration.data.get(key) for key in PROFILE_FIELDS} | {"home": registration.home}
    # Who witnessed the consent and when is the event's own actor and time.
    profile["consent"] = {k: registration.data["consent"][k] for k in ("notice_version", "channel")}
    profile |= _identity_fields(worker_id, registration.resident)
    return build_event(worker_id, "worker.registered", actor=actor, data=profile, **event_fields)


def find_worker_id_by_bidx(id_number_bidx: str) -> str | None:
    return db.session.scalar(select(Worker.id).where(Worker.id_number_bidx == id_number_bidx))


@use_case
def update_worker(worker_id: str, changes: dict, actor: User, *, today: dt.date | None = None) -> tuple[Worker, list[dict]]:
    """Correct a worker's details, recorded as a ``worker.updated`` event with what changed."""
    today = today or calendar.today()
    access.require(actor, "worker.update")
    worker = get_worker(worker_id, actor)
    current = describe_profile(worker)
    warnings: list[dict] = []
    if "home" in changes:
        home, warnings = _checked_home(current["home"] | changes["home"])
        access.require_county(actor, home["county_code"])
        changes = changes | {"home": home}
    diff = {key: value for key, value in changes.items() if key in PROFILE_FIELDS and value != current.get(key)}
    if "id_number" in changes:
        resident = parse_id_number(changes["id_number"], today=today)
        if blind_index(resident.number) != worker.id_number_bidx:
            _refuse_duplicate(resident)
            diff |= _identity_fields(worker.id, resident)
            warnings += _identity_warnings(resident, today)
    if diff:
        record_event(worker, "worker.updated", actor=actor, data=diff)
    return worker, warnings


def get_worker(worker_id: str, user: User) -> Worker:
    """The worker if ``user`` may see it; ``NotFound`` otherwise (out of scope looks absent)."""
    access.require(user, "worker.read")
    worker = db.session.scalar(access.scope_workers(select(Worker), user).where(Worker.id == worker_id))
    if worker is None:
        raise NotFound()
    return worker


def view_worker(worker_id: str, user: User, what: str = "record") -> Worker:
    """``get_worker`` for a person looking at one worker's record, timeline or card: staff views
    are audit entries, so the worker can see who looked (their right of access)."""
    worker = get_worker(worker_id, user)
    if not access.acts_for_self(user):
        audit.record("record.viewed", actor=user, target=f"worker:{worker.id}", role=user.role, what=what)
        db.session.commit()  # the look is audited at once, whatever the use case goes on to do
    return worker


def own_worker(user: User) -> Worker:
    """The signed-in worker's own record; ``Forbidden`` for anyone else."""
    if not access.acts_for_self(user) or not user.worker_id:
        raise Forbidden("只有务工人员本人可以查看。 Only the worker can see this.")
    return get_worker(user.worker_id, user)


def require_fresh_passkey(assertion_at: dt.datetime | None, then: str) -> None:
    """A full ID number is shown only after a passkey sign-in minutes old (a Bearer token never
    carries one): ``Forbidden`` otherwise, saying to sign in again and ``then`` (what to do next)."""
    if assertion_at is None or utcnow() - assertion_at > REVEAL_ASSERTION_AGE:
        zh, en = then.split("|")
        raise Forbidden(f"请先用通行密钥重新验证身份，再{zh}。 Confirm with your passkey first (sign in again), then {en}.")


@use_case
def export_own_record(user: User, *, assertion_at: dt.datetime | None) -> dict:
    """Everything kept about the signed-in worker, for them to keep (PIPL art. 45); audited. It holds
    the full ID number, so like a reveal it needs a passkey sign-in minutes old."""
    worker = own_worker(user)
    require_fresh_passkey(assertion_at, "导出|export")
    events = db.session.scalars(select(Event).where(Event.worker_id == worker.id).order_by(Event.occurred_at)).all()
    audit.record("record.exported", actor=user, target=f"worker:{worker.id}", role=user.role)
    return {
        "record": describe_worker(worker) | {"id_number": decrypt_field(worker.id, "id_number", worker.id_number_enc)},
        "events": [{"id": e.id, "type": e.type, "occurred_at": e.local_occurred_at.isoformat(), "context": e.context,
                    "data": {k: v for k, v in e.data.items() if k not in access.SECRET_KEYS}} for e in events],
        "record_views": record_views(user),
    }


def record_views(user: User) -> list[dict]:
    """Who looked at the signed-in worker's own record, newest first."""
    own_worker(user)
    entries = db.session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.details, User.name, User.role)
        .join(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target == f"worker:{user.worker_id}",
               AuditEntry.action.in_(("record.viewed", "id.revealed", "id.searched", "passkey.revoked")))
        .order_by(AuditEntry.id.desc()).limit(500))
    return [{"at": e.at, "action": e.action, "what": e.details.get("what"), "reason": e.details.get("reason"),
             "by_name": e.name, "by_role": e.role} for e in entries]


def search_workers(user: User, args: dict) -> Page:
    """Workers in ``user``'s scope matching the filters, a page at a time, newest first."""
    access.require(user, "worker.read")
    query = access.scope_workers(select(Worker), user)
    if args.get("q"):
        text = args["q"].strip()
        query = query.where(or_(Worker.name.contains(text, autoescape=True), Worker.id_last4 == text.upper()))  # % and _ literal
    if args.get("id_last4"):
        query = query.where(Worker.id_last4 == args["id_last4"].upper())
    for arg, column in (("county_code", Worker.home_county_code), ("status", Worker.status)):
        if args.get(arg):
            query = query.where(column == args[arg])
    if args.get("employer_id"):
        if user.role == "employer" and args["employer_id"] != user.employer_id:
            query = query.where(false())  # who moved from it to another employer is not its to know
        query = query.where(Worker.current_employer_id == args["employer_id"])
    for arg, column in (("fair_id", Event.fair_id), ("batch_id", Event.batch_id)):
        if args.get(arg):
            query = query.where(Worker.id.in_(select(Event.worker_id).where(column == args[arg])))
    return paginate(query.order_by(Worker.created_at.desc(), Worker.id), args)


@use_case
def reveal_id_number(worker_id: str, user: User, reason: str, *, assertion_at: dt.datetime | None) -> str:
    """The full ID number, for an officer who signed in with a passkey minutes ago and says why.

    Every reveal is an audit entry (who, role, which worker, why). Raises ``Forbidden`` for
    other roles and for a stale or missing passkey assertion (Bearer tokens never reveal).
    """
    access.require(user, "id.reveal")
    worker = get_worker(worker_id, user)
    require_fresh_passkey(assertion_at, "查看|reveal")
    number = decrypt_field(worker.id, "id_number", worker.id_number_enc)
    audit.record("id.revealed", actor=user, target=f"worker:{worker.id}", role=user.role, reason=reason)
    return number


@use_case
def find_by_id_number(id_number: str, user: User) -> list[Worker]:
    """The worker with this ID number, if in ``user``'s scope; the search is an audit entry."""
    access.require(user, "worker.read")
    bidx = blind_index(parse_id_number(id_number, today=calendar.today()).number)
    found = db.session.scalars(access.scope_workers(select(Worker), user).where(Worker.id_number_bidx == bidx)).all()
    audit.record("id.searched", actor=user, target=f"worker:{found[0].id}" if found else None, role=user.role)
    return list(found)


def worker_timeline(worker_id: str, user: User) -> list[Event]:
    """The worker's events newest first, as far as ``user`` may see them, with who recorded each."""
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
    employer = db.session.get(Employer, worker.current_employer_id) if worker.current_employer_id else None
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


def _identity_fields(worker_id: str, resident: ResidentId) -> dict:
    return {
        "id_number_enc": encrypt_field(worker_id, "id_number", resident.number),
        "id_number_bidx": blind_index(resident.number),
        "id_last4": resident.last4,
        "id_region_code": resident.region_code,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat(),
    }


def _refuse_duplicate(resident: ResidentId) -> None:
    existing = find_worker_id_by_bidx(blind_index(resident.number))
    if existing:
        raise Conflict(
            Reason.DUPLICATE_ID_NUMBER,
            "该身份证号已登记，请查看已有记录。 This ID number is already registered: open the existing record.",
            worker_id=existing,
        )


def _identity_warnings(resident: ResidentId, today: dt.date) -> list[dict]:
    warnings = []
    if not describe_region(resident.region_code).is_known:
        warnings.append({
            "field": "id_number", "code": Reason.UNKNOWN_REGION,
            "message": f"身份证前六位 {resident.region_code} 不在全国行政区划表中，请核对。"
                       f" The region {resident.region_code} is in no period of the national table: check the number.",
        })
    if age_on(resident.birth_date, today) < MINIMUM_WORKING_AGE:  # the Labour Law's minimum
        warnings.append({
            "field": "id_number", "code": Reason.UNDER_16,
            "message": "未满16周岁，不得安排就业。 Under 16: may not be placed in a job.",
        })
    return warnings


def _checked_home(home: dict) -> tuple[dict, list[dict]]:
    """The home with its county as the current code; a county from no period is refused."""
    code = home["county_code"]
    county = find_county(code)
    if county:
        return home | {"county_code": county.code}, []
    region = describe_region(code)
    if region.province is None:
        raise InvalidInput({"home.county_code": [
            f"{code} 不是有效的县级行政区划代码。 {code} is not a county code of any province."
        ]})
    if region.is_known:
        return home, [{"field": "home.county_code", "code": Reason.COUNTY_OUTSIDE_PROGRAM,
                       "message": f"{region.county}不是本项目的输出县。 {region.county} is not a program county."}]
    return home, [{"field": "home.county_code", "code": Reason.UNKNOWN_COUNTY,
                   "message": f"{code} 不在全国行政区划表中，请核对。 {code} is not in the national table: check it."}]
