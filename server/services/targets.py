"""County targets per year, and how far each county has come: the people who first departed,
first arrived and first reached three consecutive confirmed months in the year (the record's
report columns: ``domain.progress``; someone met at the station departed, even unscanned)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select

from server.domain import calendar
from server.extensions import db
from server.models import Target, User, Worker
from server.services import access, audit, places
from server.services.places import county_name
from server.services.unit_of_work import use_case

MEASURES = ("transfers", "arrivals", "stable_3_months")


@use_case
def set_target(county_code: str, year: int, data: dict, user: User) -> dict:
    access.require(user, "target.manage")
    county_code = places.origin_county(county_code, user, "county_code")
    target = db.session.get(Target, (county_code, year)) or Target(county_code=county_code,
                                                                   year=year)
    for key in MEASURES:
        setattr(target, key, data[key])
    target.set_by = user.id
    db.session.add(target)
    audit.record("target.set", actor=user, target=f"target:{county_code}:{year}",
                 **{k: data[k] for k in MEASURES})
    return progress(user, year, county_code)[0]


def progress(user: User, year: int, county_code: str | None = None) -> list[dict]:
    """Each target of the year in ``user``'s scope, with the counts so far."""
    access.require(user, "target.read")
    query = select(Target).where(Target.year == year).order_by(Target.county_code)
    if own := access.own_county(user):
        query = query.where(Target.county_code == own)
    if county_code:
        query = query.where(Target.county_code == county_code)
    targets = list(db.session.scalars(query))
    actual = _actual(year, [t.county_code for t in targets])
    return [{"county_code": t.county_code, "county_name": county_name(t.county_code), "year": year,
             "targets": {k: getattr(t, k) for k in MEASURES},
             "actual": {k: actual[t.county_code][k] for k in MEASURES}} for t in targets]


def _actual(year: int, counties: list[str]) -> dict[str, dict[str, int]]:
    """Per county, the people whose first departure, first arrival and first third confirmed month
    fell in the year (so far) — the dashboards' and the bulletin's stages, counted the same way."""
    found = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    if not counties:
        return found
    start, as_of = dt.date(year, 1, 1), min(dt.date(year, 12, 31), calendar.today())
    columns = {"transfers": Worker.departed_on, "arrivals": Worker.arrived_on,
               "stable_3_months": Worker.month3_on}
    counts = [func.count().filter((column >= start) & (column <= as_of))
              for column in columns.values()]
    rows = db.session.execute(select(Worker.home_county_code, *counts)
                              .where(Worker.home_county_code.in_(counties)).group_by(Worker.home_county_code))
    for county, *values in rows:
        found[county] = dict(zip(columns, map(int, values), strict=True))
    return found
