"""Registering a person and correcting their details: the checks a registration passes (the
same at the office, on a fair's phone and in an import), its event, and an ID number registered
twice refused."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain import calendar
from server.domain.id_numbers import ResidentId, age_on, parse_id_number
from server.domain.reasons import Reason
from server.domain.regions import consent_notice, describe_region
from server.domain.sync_rules import MINIMUM_WORKING_AGE
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import Event, User, Worker, current_programme
from server.models.types import new_uuid
from server.services import access
from server.services.events import append, build_event, record_event, to_fact
from server.services.protection import blind_index, encrypt_field
from server.services.unit_of_work import use_case
from server.services.workers import current_profile, get_worker

PROFILE_FIELDS = ("name", "phone", "home", "poor_household", "skills", "desired_jobs", "education")


@use_case
def register_worker(
    data: dict, actor: User, *, today: dt.date | None = None
) -> tuple[Worker, list[dict]]:
    """Register a person; answer the new worker and warnings for the clerk.

    Raises ``Forbidden`` outside the actor's role or county, ``InvalidInput`` for a home
    county that is no real place, ``Conflict`` (``duplicate_id_number``) when the ID
    number is already registered.
    """
    today = today or calendar.today()
    registration = check_registration(data, actor, today=today)
    _refuse_duplicate(registration.resident, actor)
    event = registration_event(registration, actor)
    try:
        with db.session.begin_nested():
            append([event], {event.worker_id: [to_fact(event, actor_role=actor.role)]}, {})
    except IntegrityError:
        _refuse_duplicate(registration.resident, actor)  # registered concurrently by someone else
        raise
    return db.session.get(Worker, event.worker_id), registration.warnings


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
    # a typo, most likely: say so rather than "not your county"
    if unknown and access.own_county(actor):
        raise InvalidInput({"home.county_code": [unknown[0]["message"]]},
                           code=Reason.UNKNOWN_COUNTY)
    access.require_county(actor, home["county_code"])
    resident = parse_id_number(data["id_number"], today=today)
    if data["consent"]["notice_version"] != consent_notice()["version"]:
        warnings = warnings + [{"field": "consent.notice_version", "code": Reason.OLD_NOTICE,
                                "message": "此告知书不是最新版本。 The notice shown was not the "
                                           "current version."}]
    return Registration(data, home, resident, warnings + _identity_warnings(resident, today))


def registration_event(registration: Registration, actor: User | None, *,
                       worker_id: str | None = None, **event_fields) -> Event:
    """The ``worker.registered`` event of a new worker (``worker_id``, or a new id), unsaved."""
    worker_id = worker_id or new_uuid()
    profile = {key: registration.data.get(key) for key in PROFILE_FIELDS} | {
        "home": registration.home
    }
    # Who witnessed the consent and when is the event's own actor and time.
    profile["consent"] = {k: registration.data["consent"][k]
                          for k in ("notice_version", "channel")}
    profile |= identity_fields(worker_id, registration.resident)
    return build_event(worker_id, "worker.registered", actor=actor, data=profile, **event_fields)


def find_worker_id_by_bidx(id_number_bidx: str) -> str | None:
    return db.session.scalar(select(Worker.id).where(Worker.id_number_bidx == id_number_bidx))


@use_case
def update_worker(
    worker_id: str, changes: dict, actor: User, *, today: dt.date | None = None
) -> tuple[Worker, list[dict]]:
    """Correct a worker's details, recorded as a ``worker.updated`` event with what changed."""
    today = today or calendar.today()
    access.require(actor, "worker.update")
    worker = get_worker(worker_id, actor)
    current = current_profile(worker)
    warnings: list[dict] = []
    if "home" in changes:
        home, warnings = _checked_home(current["home"] | changes["home"])
        access.require_county(actor, home["county_code"])
        changes = changes | {"home": home}
    diff = {key: value for key,
            value in changes.items() if key in PROFILE_FIELDS and value != current.get(key)}
    if "id_number" in changes:
        resident = parse_id_number(changes["id_number"], today=today)
        if blind_index(resident.number) != worker.id_number_bidx:
            _refuse_duplicate(resident, actor)
            diff |= identity_fields(worker.id, resident)
            warnings += _identity_warnings(resident, today)
    if diff:
        record_event(worker, "worker.updated", actor=actor, data=diff)
    return worker, warnings


def identity_fields(worker_id: str, resident: ResidentId) -> dict:
    """The columns a worker's ID number is kept in: encrypted, bound to this worker and field, its
    blind index for finding a duplicate, and the parts the screens may show (last four, region)."""
    return {
        "id_number_enc": encrypt_field(worker_id, "id_number", resident.number),
        "id_number_bidx": blind_index(resident.number),
        "id_last4": resident.last4,
        "id_region_code": resident.region_code,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat(),
    }


def _refuse_duplicate(resident: ResidentId, actor: User) -> None:
    """``Conflict`` when the number is on record: naming the record where ``actor`` may open it;
    of a record outside their scope only that it exists (the person is registered once, and
    whose it is is not this clerk's to learn)."""
    existing = find_worker_id_by_bidx(blind_index(resident.number))
    if not existing:
        return
    try:
        get_worker(existing, actor)
    except (NotFound, Forbidden):
        raise Conflict(
            Reason.DUPLICATE_ID_NUMBER,
            "该身份证号已在其他地方登记，不能重复登记；请联系户籍县人社局。 This ID number is "
            "registered elsewhere already: it cannot be registered twice; ask the home county's "
            "HR bureau.") from None
    raise Conflict(
        Reason.DUPLICATE_ID_NUMBER,
        "该身份证号已登记，请查看已有记录。 This ID number is already registered: open the "
        "existing record.",
        worker_id=existing,
    )


def _identity_warnings(resident: ResidentId, today: dt.date) -> list[dict]:
    warnings = []
    if not describe_region(resident.region_code).is_known:
        warnings.append({
            "field": "id_number", "code": Reason.UNKNOWN_REGION,
            "message": f"身份证前六位 {resident.region_code} 不在全国行政区划表中，请核对。"
                       f" The region {resident.region_code} is in no period of the national table:"
                       " check the number.",
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
    county = current_programme().find_county(code)
    if county:
        return home | {"county_code": county.code}, []
    region = describe_region(code)
    if region.province is None:
        raise InvalidInput({"home.county_code": [
            f"{code} 不是有效的县级行政区划代码。 {code} is not a county code of any province."
        ]})
    if region.is_known:
        return home, [{"field": "home.county_code", "code": Reason.COUNTY_OUTSIDE_PROGRAM,
                       "message": f"{region.county}不是本项目的输出县。 {region.county} is not a "
                                  "program county."}]
    return home, [{"field": "home.county_code", "code": Reason.UNKNOWN_COUNTY,
                   "message": f"{code} 不在全国行政区划表中，请核对。 {code} is not in the "
                              "national table: check it."}]
