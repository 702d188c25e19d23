"""Where program things happen: fairs, batches and trainings in an origin county (county staff
in their own), jobs and workplaces in a destination district. One check for all of them; and
each origin county's workstation, as workers see it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from server.errors import InvalidInput
from server.extensions import db
from server.models import User, Workstation, current_programme
from server.services import access


def origin_county(code: str | None, user: User, field: str) -> str:
    """The current code of an origin county ``user`` may act for; ``InvalidInput`` on ``field``
    otherwise."""
    county = current_programme().find_county(code)
    if county is None or county.side != "origin":
        raise InvalidInput({field: ["请填写输出县的县级代码。 Give an origin county's code."]})
    if access.own_county(user) not in (None, county.code):
        raise InvalidInput({field: [f"您只能为本县（{user.county_code}）安排。"
                                    f" You act for your own county ({user.county_code})."]})
    return county.code


def destination_district(code: str, field: str = "district_code") -> str:
    """The code of a district of the destination city; ``InvalidInput`` on ``field`` otherwise."""
    county = current_programme().find_county(code)
    if county is None or county.side != "destination":
        raise InvalidInput({field: ["请填写输入地的区县代码。 Give the destination district's "
                                    "code."]})
    return county.code


def county_name(code: str | None) -> str | None:
    """A county's name as the program has it (else the national table's, else the code)."""
    return current_programme().county_name(code)


@dataclass(frozen=True)
class Hotline:
    """A county's workstation as the office set it, and the number workers see: its phone, else
    the program's line (``schemas.regions`` shapes it)."""

    county_code: str | None
    workstation_hotline: str | None
    shown_to_workers: str
    name: str | None = None
    address: str | None = None
    staff: tuple = ()
    established_on: dt.date | None = None
    note: str | None = None


def hotlines(county_codes) -> dict[str | None, Hotline]:
    """Each county's ``Hotline``, in one query for all (a code that is no county has no
    workstation: its workers see the program's line)."""
    programme = current_programme()
    current = {code: programme.find_county(code) for code in set(county_codes)}
    wanted = {county.code for county in current.values() if county}
    stations = {row.county_code: row for row in db.session.scalars(
        select(Workstation).where(Workstation.county_code.in_(wanted)))} if wanted else {}
    fallback = current_app.config["LABORPASS_HOTLINE"]
    found = {}
    for code, county in current.items():
        station = stations.get(county.code) if county else None
        if station is None:
            found[code] = Hotline(code, None, fallback)
            continue
        found[code] = Hotline(code, station.phone, station.phone or fallback, station.name,
                              station.address, tuple(station.staff or ()), station.established_on,
                              station.note)
    return found


def programme_with_workstations() -> dict:
    """The program's regions, each origin county with its ``Hotline``."""
    programme = current_programme()
    origin = programme.side_of("origin")
    return {"programme": programme,
            "hotlines": hotlines(county.code for county in origin)}
