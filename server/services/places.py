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
    """The number a worker from this county calls (``Hotline.shown_to_workers``)."""
    return hotlines([county_code])[county_code].shown_to_workers


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
    before = hotlines([county.code])[county.code].workstation_hotline
    row.number = number
    row.set_by = user.id
    db.session.add(row)
    audit.record("county.hotline_set", actor=user, target=f"county:{county.code}", number=number,
                 before=before)
    return hotlines([county.code])[county.code]


@dataclass(frozen=True)
class Hotline:
    """A county's workstation number as the office set it (or the region data has it), and the
    one workers see: that one, else the program's (``schemas.regions`` shapes it)."""

    county_code: str | None
    workstation_hotline: str | None
    shown_to_workers: str


def hotlines(county_codes) -> dict[str | None, Hotline]:
    """Each county's ``Hotline``, in one query for all (a code that is no county has no number of
    its own: its workers see the program's)."""
    current = {code: find_county(code) if code else None for code in set(county_codes)}
    wanted = {county.code for county in current.values() if county}
    set_here = dict(db.session.execute(
        select(CountyHotline.county_code, CountyHotline.number)
        .where(CountyHotline.county_code.in_(wanted))).all()) if wanted else {}
    fallback = current_app.config["LABORPASS_HOTLINE"]
    found = {}
    for code, county in current.items():
        # the office's number (None: it cleared it, and workers see the program's line again),
        # else the region data's
        own = None if county is None else (
            set_here[county.code] if county.code in set_here else county.workstation_hotline)
        found[code] = Hotline(code, own, own or fallback)
    return found


def program_regions_with_hotlines() -> dict:
    """The program's regions (``domain.regions``), each origin county with its ``Hotline``."""
    regions = program_regions()
    numbers = hotlines(c["code"] for c in regions["origin"]["counties"])
    return regions | {"hotlines": numbers}
