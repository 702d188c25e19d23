"""Employers' workplaces and their daily codes, which workers scan to confirm they are at work."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.domain import calendar
from server.domain.qr import qr_svg
from server.domain.site_codes import sign_site_code
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Employer, User, WorkSite
from server.services import access, audit, keyring, places
from server.services.unit_of_work import use_case


@use_case
def create_site(data: dict, user: User) -> WorkSite:
    access.require(user, "site.manage")
    employer_id = access.own_employer(user) or data.get("employer_id")
    if not employer_id or db.session.get(Employer, employer_id) is None:
        raise InvalidInput({"employer_id": ["请选择用工企业。 Say which employer the workplace is "
                                            "of."]})
    places.destination_district(data["district_code"])
    site = WorkSite(employer_id=employer_id, name=data["name"], address=data["address"],
                    district_code=data["district_code"], created_by=user.id)
    db.session.add(site)
    db.session.flush()
    audit.record("site.created", actor=user, target=f"site:{site.id}", employer_id=employer_id)
    return site


def list_sites(user: User) -> list[WorkSite]:
    access.require(user, "site.read")
    return list(db.session.scalars(_scoped(user).order_by(WorkSite.created_at)))


def get_site(site_id: str, user: User) -> WorkSite:
    access.require(user, "site.read")
    site = db.session.scalar(_scoped(user).where(WorkSite.id == site_id))
    if site is None:
        raise NotFound("site")
    return site


@use_case
def site_code(site_id: str, user: User, day: dt.date) -> dict:
    """The code to post at the site on ``day``: its text and a QR (SVG) to show or print. Only
    for those who post it (``site.code``): county staff see the workplaces, not their codes."""
    access.require(user, "site.code")
    site = get_site(site_id, user)
    _row, private_key = keyring.active_signing_key()
    text = sign_site_code(site.id, day, private_key)
    return {"site_id": site.id, "day": day, "code": text,
            "valid_until": calendar.start_of(day + dt.timedelta(days=1)), "qr_svg": qr_svg(text)}


def _scoped(user: User):
    query = select(WorkSite)
    own = access.own_employer(user)
    return query.where(WorkSite.employer_id == own) if own else query
