"""Where program things happen: fairs, batches and trainings in an origin county (county staff
in their own), jobs and workplaces in a destination district. One check for all of them."""
from __future__ import annotations

from flask import current_app

from server.domain.regions import find_county
from server.errors import InvalidInput
from server.models import User
from server.services import access


def origin_county(code: str | None, user: User, field: str) -> str:
    """The current code of an origin county ``user`` may act for; ``InvalidInput`` on ``field`` otherwise."""
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
        raise InvalidInput({field: ["请填写输入地（福州）的区县代码。 Give the destination district's code."]})
    return county.code


def workstation_hotline(county_code: str | None) -> str:
    """The number a worker from this county calls: the county's workstation, else the program's."""
    county = find_county(county_code) if county_code else None
    return (county and county.workstation_hotline) or current_app.config["LABORPASS_HOTLINE"]
