"""County targets per year, and how far each county has come: transfers (departed), arrivals,
and workers who first reached three consecutive confirmed months in the year (stability rules,
kept on the record as ``month3_on``)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select

from server.domain.regions import county_name
from server.extensions import db
from server.models import Event, Target, User, Worker
from server.services import access, audit, places
from server.services.queries import not_voided

CHINA = dt.timezone(dt.timedelta(hours=8))
MEASURES = ("transfers", "arrivals", "stable_3_months")


def set_target(county_code: str, year: int, data: dict, user: User) -> dict:
    access.require(user, "target.manage")
    county_code = places.origin_county(county_code, user, "county_code")
    target = db.session.get(Target, (county_code, year)) or Target(county_code=county_code, year=year)
    for key in MEASURES:
        setattr(target, key, data[key])
    target.set_by = user.id
    db.session.add(target)
    audit.record("target.set", actor=user, target=f"target:{county_code}:{year}", **{k: data[k] for k in MEASURES})
    db.session.commit()
    return progress(user, year, county_code)[0]


def progress(user: User, year: int, county_code: str | None = None) -> list[dict]:
    """Each target of the year in ``user``'s scope, with the counts so far."""
    access.require(user, "target.read")
    query = select(Target).where(Target.year == year).order_by(Target.county_code)
    if user.role in access.COUNTY_SCOPED:
        query = query.where(Target.county_code == user.county_code)
    if county_code:
        query = query.where(Target.county_code == county_code)
    targets = list(db.session.scalars(query))
    actual = _actual(year, [t.county_code for t in targets])
    return [{"county_code": t.county_code, "county_name": county_name(t.county_code), "year": year,
             "targets": {k: getattr(t, k) for k in MEASURES},
             "actual": {k: actual[t.county_code][k] for k in MEASURES}} for t in targets]


def _actual(year: int, counties: list[str]) -> dict[str, dict[str, int]]:
    start = dt.datetime(year, 1, 1, tzinfo=CHINA)
    end = dt.datetime(year + 1, 1, 1, tzinfo=CHINA)
    found = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    if not counties:
        return found
    for measure, type in (("transfers", "batch.departed"), ("arrivals", "station.arrived")):
        rows = db.session.execute(
            select(Worker.home_county_code, func.count(func.distinct(Event.worker_id)))
            .join(Worker, Worker.id == Event.worker_id)
            .where(Event.type == type, Event.occurred_at >= start, Event.occurred_at < end, not_voided(),
                   Worker.home_county_code.in_(counties))
            .group_by(Worker.home_county_code))
        for county, count in rows:
            found[county][measure] = count
    as_of = min(end.date() - dt.timedelta(days=1), dt.datetime.now(CHINA).date())
    rows = db.session.execute(
        select(Worker.home_county_code, func.count())
        .where(Worker.month3_on >= start.date(), Worker.month3_on <= as_of, Worker.home_county_code.in_(counties))
        .group_by(Worker.home_county_code))
    for county, count in rows:
        found[county]["stable_3_months"] = count
    return found
