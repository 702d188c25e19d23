"""The program as data an admin edits: the prefectures that send workers (and the destination),
their counties under both code periods, and each origin county's workstation in the destination.

Everything that places a worker, a fair or a job reads the regions through
``models.current_programme``, so a county added here is at once one a fair may be held in, a
worker registered from, a card printed for and a report broken down by. Every change is audited.
Codes are never changed nor removed: the records are keyed on them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from server.domain.regions import (
    County,
    Prefecture,
    Programme,
    county_problems,
    prefecture_problems,
)
from server.domain.regions import shipped_programme as shipped
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import (
    ProgramCounty,
    ProgramPrefecture,
    User,
    Worker,
    Workstation,
    current_programme,
    programme_changed,
)
from server.services import access, audit, places
from server.services.events import record_event
from server.services.queries import hold_ordering_lock
from server.services.unit_of_work import use_case

WORKSTATION_FIELDS = ("name", "address", "phone", "staff", "established_on", "note")
_LOCK_KEY = 7_357_003  # adds to the program one at a time: no two take the same code


def install_shipped() -> int:
    """The program as shipped (``server/data/regions.json``) into a database that has no region
    yet, as ``laborpass init-db`` does; how many counties were put in (0 once there are regions).
    """
    if db.session.scalar(select(ProgramPrefecture.code).limit(1)) is not None:
        return 0
    prefectures = shipped()["prefectures"]
    for n, item in enumerate(prefectures):
        db.session.add(ProgramPrefecture(code=item["code"], name=item["name"],
                                         pinyin=item["pinyin"], province=item["province"],
                                         side=item["side"], position=n))
    db.session.flush()
    counties = [ProgramCounty(code=c["code"], prefecture_code=item["code"], name=c["name"],
                              pinyin=c["pinyin"], former_code=c.get("former_code"),
                              former_name=c.get("former_name"), position=n)
                for item in prefectures for n, c in enumerate(item["counties"])]
    db.session.add_all(counties)
    db.session.flush()
    programme_changed()
    return len(counties)


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise InvalidInput({field: [message] for field, message in problems.items()})


def _locked_programme(user: User | None) -> Programme:
    """The program as it stands once this change holds the lock (no other add between its checks
    and its write), for an admin; ``None`` is the console (``laborpass program``): whoever runs
    it runs the server."""
    if user is not None:
        access.require(user, "programme.manage")
    hold_ordering_lock(db.session, _LOCK_KEY)
    programme_changed()  # read again under the lock
    return current_programme()


@use_case
def add_prefecture(data: dict, user: User | None) -> Prefecture:
    """A prefecture joins the program (an origin one, whose counties are added next). Audited."""
    programme = _locked_programme(user)
    new = Prefecture(data["code"], data["name"], data.get("pinyin") or "", data["province"],
                     data["side"])
    _refuse(prefecture_problems(programme, new))
    last = db.session.scalar(select(func.max(ProgramPrefecture.position))) or 0
    db.session.add(ProgramPrefecture(code=new.code, name=new.name, pinyin=new.pinyin,
                                     province=new.province, side=new.side, position=last + 1))
    audit.record("programme.prefecture_added", actor=user, target=f"prefecture:{new.code}",
                 name=new.name, side=new.side)
    programme_changed()
    return new


@use_case
def add_county(data: dict, user: User | None) -> County:
    """A county joins the program under its prefecture: from now on workers are registered from
    it (ID numbers of either of its codes), fairs and batches held in it (or, a destination
    district, jobs placed in it), its workstation set; people registered from it before are moved
    to it (``_rehome``). Audited."""
    programme = _locked_programme(user)
    prefecture = programme.prefecture(data["prefecture_code"])
    new = County(data["code"], data["name"], data.get("pinyin") or "",
                 prefecture.side if prefecture else "origin", data["prefecture_code"],
                 data.get("former_code") or None, data.get("former_name") or None)
    _refuse(county_problems(programme, new))
    last = db.session.scalar(select(func.max(ProgramCounty.position))
                             .where(ProgramCounty.prefecture_code == new.prefecture_code))
    db.session.add(ProgramCounty(code=new.code, prefecture_code=new.prefecture_code,
                                 name=new.name, pinyin=new.pinyin, former_code=new.former_code,
                                 former_name=new.former_name, position=(last or 0) + 1))
    db.session.flush()
    programme_changed()
    rehomed = _rehome(new, user)
    audit.record("programme.county_added", actor=user, target=f"county:{new.code}",
                 name=new.name, prefecture=new.prefecture_code, former_code=new.former_code,
                 rehomed=rehomed)
    return new


def _rehome(county: County, user: User | None) -> int:
    """People registered from the county while it was outside the program, under either of its
    codes, are its people now: a ``worker.updated`` moves each to the current code (their county
    office sees them, the reports count them under it). How many moved."""
    codes = [code for code in (county.code, county.former_code) if code]
    moved = db.session.scalars(select(Worker).where(
        Worker.home_county_code.in_(codes), Worker.home_county_code != county.code,
        Worker.erased_at.is_(None))).all()
    for worker in moved:
        record_event(worker, "worker.updated", actor=user, data={"home": {
            "county_code": county.code, "township": worker.home_township,
            "village": worker.home_village}})
    return len(moved)


@use_case
def rename_county(code: str, data: dict, user: User | None) -> County:
    """Correct a county's names (its codes stay: records are keyed on them). Audited with the names
    they replace."""
    _locked_programme(user)
    row = db.session.get(ProgramCounty, code)
    if row is None:
        raise NotFound("county")
    before = {key: getattr(row, key) for key in data}
    for key, value in data.items():
        setattr(row, key, value)
    audit.record("programme.county_renamed", actor=user, target=f"county:{code}", **data,
                 before=before)
    db.session.flush()
    programme_changed()
    return current_programme().find_county(code)


@use_case
def set_workstation(county_code: str, data: dict, user: User | None) -> places.Hotline:
    """Change what is given of an origin county's workstation in the destination (its name,
    address, phone, staff, the day it was set up): admins for any county, a county office for its
    own only (another's is answered as not found, as is a code that is no origin county). Audited
    with what it replaces; workers' records and the cards printed from now on show it."""
    if user is not None:
        access.require(user, "workstation.manage")
    county = current_programme().find_county(county_code)
    if (
        county is None
        or county.side != "origin"
        or (user is not None and access.own_county(user) not in (None, county.code))
    ):
        raise NotFound("county")
    row = db.session.get(Workstation, county.code) or Workstation(county_code=county.code,
                                                                    staff=[])
    before = {key: _plain(getattr(row, key)) for key in data}
    for key, value in data.items():
        setattr(row, key, value)
    row.set_by = user.id if user else None
    db.session.add(row)
    audit.record("programme.workstation_set", actor=user, target=f"county:{county.code}",
                 **{key: _plain(value) for key, value in data.items()}, before=before)
    db.session.flush()
    return places.hotlines([county.code])[county.code]


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value
