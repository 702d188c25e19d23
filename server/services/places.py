"""Where program things happen: fairs, batches and trainings in an origin county (county staff
in their own), jobs and workplaces in a destination district. One check for all of them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from server.domain.regions import find_county, program_regions
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import CountyHotline, User
from server.services import access, audit
from server.services.unit_of_work import use_case


def origin_county(code: str | None, user: User, field: str) -> str:
    """The current code of an origin county ``user`` may act for; ``InvalidInput`` on ``field``
    otherwise."""
    county = find_county(code) if code else None
    if county is None or county.side != "origin":
        raise InvalidInput({field: ["请填写输出县的县级代码。 Give an origin county's code."]})
    if access.own_county(user) not in (None, county.code):
        raise InvalidInput({field: [f"您只能为本县（{user.county_code}）安排。"
                                    f" You act for your own county ({user.county_code})."]})
    return county.code


def destination_district(code: str, field: str = "district_code") -> str:
    """The code of a district of the destination city; ``InvalidInput`` on ``field`` otherwise."""
    county = find_county(code)
    if county is None or county.side != "destination":
        raise InvalidInput({field: ["请填写输入地（福州）的区县代码。 Give the destination "
                                    "district's code."]})
    return county.code


def workstation_hotline(county_code: str | None) -> str:
    """The number a worker from this county calls: the county's workstation (as the office set it,
    else as the region data has it), else the program's."""
    county = find_county(county_code) if county_code else None
    return (county and county_hotline(county.code)) or current_app.config["LABORPASS_HOTLINE"]


def workstation_hotlines(county_codes) -> dict[str | None, str]:
    """``workstation_hotline`` of many counties, in one query."""
    codes = set(county_codes)
    current = {code: find_county(code) for code in codes if code}
    found = {code: county.code for code, county in current.items() if county}
    set_here = dict(db.session.execute(select(CountyHotline.county_code, CountyHotline.number)
                                       .where(CountyHotline.county_code.in_(set(found.values()))))
                    .all()) if found else {}
    fallback = current_app.config["LABORPASS_HOTLINE"]
    # a number the office cleared: the program's line again, not the region data's
    numbers = {code: (set_here[found[code]] if found[code] in set_here
                      else current[code].workstation_hotline) or fallback for code in found}
    return {code: numbers.get(code, fallback) for code in codes}


def county_hotline(county_code: str) -> str | None:
    """The workstation's own number for a program county (its current code), or ``None``."""
    row = db.session.get(CountyHotline, county_code)
    if row is not None:
        return row.number
    county = find_county(county_code)
    return county.workstation_hotline if county else None


@use_case
def set_hotline(county_code: str, number: str | None, user: User) -> dict:
    """Set (or, with ``None``, clear) an origin county's workstation number: admins for any county,
    a county office for its own only (another's is answered as not found). Audited with the number
    it replaces; workers' records and cards printed from now on show it.

    Raises ``Forbidden`` for other roles, ``NotFound`` for a code that is no origin county of the
    program or not the user's."""
    access.require(user, "hotline.manage")
    county = find_county(county_code)
    if (
        county is None
        or county.side != "origin"
        or access.own_county(user) not in (None, county.code)
    ):
        raise NotFound("county")
    row = db.session.get(CountyHotline, county.code) or CountyHotline(county_code=county.code)
    before = county_hotline(county.code)
    row.number = number
    row.set_by = user.id
    db.session.add(row)
    audit.record("county.hotline_set", actor=user, target=f"county:{county.code}", number=number,
                 before=before)
    return hotlines([county.code])[county.code]


@dataclass(frozen=True)
class Hotline:
    """An origin county's workstation number as the office set it (or the region data has it),
    and the one workers see (``schemas.regions`` shapes it)."""

    county_code: str
    workstation_hotline: str | None
    shown_to_workers: str


def hotlines(county_codes) -> dict[str, Hotline]:
    """``Hotline`` of each county, in one query for all."""
    codes = list(dict.fromkeys(county_codes))
    current = {code: find_county(code) for code in codes}
    set_here = dict(db.session.execute(
        select(CountyHotline.county_code, CountyHotline.number)
        .where(CountyHotline.county_code.in_({c.code for c in current.values() if c}))).all())
    shown = workstation_hotlines(codes)
    return {code: Hotline(code, set_here.get(county.code) if county and county.code in set_here
                          else county.workstation_hotline if county else None, shown[code])
            for code, county in current.items()}


def program_regions_with_hotlines() -> dict:
    """The program's regions (``domain.regions``), each origin county with its ``Hotline``."""
    regions = program_regions()
    numbers = hotlines(c["code"] for c in regions["origin"]["counties"])
    return regions | {"hotlines": numbers}
