"""Recruitment fairs: planning them, the employers and jobs they bring, and what came of them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from schemas.fairs import FAIR_FIELDS, POSTING_FIELDS
from server.domain import calendar
from server.domain.funnel import Progress, fair_funnel
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Employer, Event, Fair, FairEmployer, Posting, User, Worker
from server.services import access, audit, places
from server.services.changes import stage_change
from server.services.queries import Page, not_voided, paginate
from server.services.unit_of_work import use_case

# ---------------------------------------------------------------- fairs


@use_case
def create_fair(data: dict, user: User) -> Fair:
    access.require(user, "fair.manage")
    county_code = places.origin_county(data.get("county_code") or user.county_code, user,
                                       "county_code")
    fair = Fair(**{k: data.get(k) for k in FAIR_FIELDS} | {"county_code": county_code},
                created_by=user.id)
    db.session.add(fair)
    db.session.flush()
    for employer_id in dict.fromkeys(data.get("employer_ids") or []):
        _add_employer(fair, employer_id, "employer_ids")
    audit.record("fair.created", actor=user, target=f"fair:{fair.id}", name=fair.name,
                 date=fair.date.isoformat())
    _publish(fair)
    return fair


@use_case
def update_fair(fair_id: str, changes: dict, user: User) -> Fair:
    access.require(user, "fair.manage")
    fair = get_fair(fair_id, user)
    if "county_code" in changes:
        changes = changes | {"county_code": places.origin_county(changes["county_code"], user,
                                                                 "county_code")}
    merged = {k: changes.get(k, getattr(fair, k)) for k in ("starts_at", "ends_at")}
    if merged["ends_at"] <= merged["starts_at"]:
        raise InvalidInput({"ends_at": ["结束时间须晚于开始时间。 The fair must end after it "
                                        "starts."]})
    for key in FAIR_FIELDS:
        if key in changes:
            setattr(fair, key, changes[key])
    for employer_id in dict.fromkeys(changes.get("employer_ids") or []):
        _add_employer(fair, employer_id, "employer_ids")
    audit.record("fair.updated", actor=user, target=f"fair:{fair.id}", fields=sorted(changes))
    _publish(fair)
    return fair


@use_case
def add_employer(fair_id: str, employer_id: str, user: User) -> Fair:
    access.require(user, "fair.manage")
    fair = get_fair(fair_id, user)
    _add_employer(fair, employer_id, "employer_id")
    audit.record("fair.employer_added", actor=user, target=f"fair:{fair.id}",
                 employer_id=employer_id)
    _publish(fair)
    return fair


def get_fair(fair_id: str, user: User) -> Fair:
    """The fair if ``user`` may see it; ``NotFound`` otherwise."""
    access.require(user, "fair.read")
    fair = db.session.scalar(access.scope_fairs(select(Fair), user).where(Fair.id == fair_id))
    if fair is None:
        raise NotFound("fair")
    return fair


def list_fairs(user: User, args: dict) -> Page:
    """Fairs in ``user``'s scope, the coming ones first, then the past ones newest first."""
    access.require(user, "fair.read")
    query = access.scope_fairs(select(Fair), user)
    if args.get("county_code"):
        query = query.where(Fair.county_code == args["county_code"])
    if args.get("date_from"):
        query = query.where(Fair.date >= args["date_from"])
    if args.get("date_to"):
        query = query.where(Fair.date <= args["date_to"])
    return paginate(query.order_by(Fair.date.desc(), Fair.starts_at), args)


def list_employers(user: User) -> list[Employer]:
    access.require(user, "fair.read")
    query = select(Employer).order_by(Employer.name)
    if own := access.own_employer(user):
        query = query.where(Employer.id == own)
    return list(db.session.scalars(query))


def _add_employer(fair: Fair, employer_id: str, field: str) -> None:
    if db.session.get(Employer, employer_id) is None:
        raise InvalidInput({field: [f"没有编号为 {employer_id} 的用工企业。 No employer "
                                    f"{employer_id}."]})
    if db.session.get(FairEmployer, (fair.id, employer_id)) is None:
        db.session.add(FairEmployer(fair_id=fair.id, employer_id=employer_id))
        db.session.flush()
        db.session.expire(fair, ["employers"])


def _publish(fair: Fair) -> None:
    stage_change(db.session, "fair", fair.id, county_code=fair.county_code)


# ---------------------------------------------------------------- postings


@use_case
def add_posting(fair_id: str, data: dict, user: User) -> Posting:
    """A job an employer brings; employers post their own, county staff for any employer taking
    part."""
    access.require(user, "posting.manage")
    fair = get_fair(fair_id, user)
    employer_id = access.own_employer(user) or data.get("employer_id")
    if not employer_id:
        raise InvalidInput({"employer_id": ["请选择用工企业。 Say which employer brings this "
                                            "job."]})
    if db.session.get(FairEmployer, (fair.id, employer_id)) is None:
        raise InvalidInput({"employer_id": ["该企业未参加此招聘会，请先添加。 This employer is "
                                            "not at the fair: add it first."]})
    places.destination_district(data["district_code"])
    posting = Posting(fair_id=fair.id, employer_id=employer_id,
                      **{k: data.get(k) for k in POSTING_FIELDS})
    db.session.add(posting)
    db.session.flush()
    audit.record("posting.created", actor=user, target=f"posting:{posting.id}", fair_id=fair.id,
                 employer_id=employer_id, job_type=posting.job_type)
    _publish(fair)
    return posting


@use_case
def update_posting(fair_id: str, posting_id: str, changes: dict, user: User) -> Posting:
    access.require(user, "posting.manage")
    fair = get_fair(fair_id, user)
    posting = db.session.get(Posting, posting_id)
    own = access.own_employer(user)
    if posting is None or posting.fair_id != fair.id or (own and posting.employer_id != own):
        raise NotFound("posting")
    if "employer_id" in changes and changes["employer_id"] != posting.employer_id:
        raise InvalidInput({"employer_id": ["岗位不能转给另一家企业，请新建。 A job cannot move "
                                            "to another employer: post a new one."]})
    if "district_code" in changes:
        places.destination_district(changes["district_code"])
    low, high = changes.get("wage_min", posting.wage_min), changes.get("wage_max",
                                                                       posting.wage_max)
    if high < low:
        raise InvalidInput({"wage_max": ["最高工资不能低于最低工资。 The top of the wage range is "
                                         "below its bottom."]})
    for key in POSTING_FIELDS:
        if key in changes:
            setattr(posting, key, changes[key])
    audit.record("posting.updated", actor=user, target=f"posting:{posting.id}",
                 fields=sorted(changes))
    _publish(fair)
    return posting


# ---------------------------------------------------------------- what came of it


@dataclass(frozen=True)
class ShownPosting:
    """A job a fair offers, with how many signed an intention for it (on a fair's page)."""

    posting: Posting
    intentions: int | None = None


@dataclass(frozen=True)
class ShownFair:
    """A fair's page as ``user`` looks at it (``schemas.fairs`` shapes it): its funnel, live
    counts and jobs — an employer's own part only."""

    fair: Fair
    funnel: dict
    counts: dict
    employers: list[Employer]
    postings: list[ShownPosting]


@dataclass(frozen=True)
class ListedFair:
    """A fair in a list, with its counts (loaded for the whole page at once)."""

    fair: Fair
    employer_count: int
    checked_in: int


def shown_fair(fair: Fair, user: User, *, today: dt.date | None = None) -> ShownFair:
    """The fair's page: its funnel first, then what it is, who brings which jobs, live counts."""
    today = today or calendar.today()
    employer_id = access.own_employer(user)  # an employer sees its own part
    intentions = _intentions_by_posting(fair.id, employer_id)
    return ShownFair(
        fair, funnel(fair, employer_id=employer_id, today=today),
        live_counts(fair.id, employer_id),
        [e for e in fair.employers if employer_id in (None, e.id)],
        [ShownPosting(p, intentions.get(p.id, 0)) for p in fair.postings
         if employer_id in (None, p.employer_id)])


def listed_fairs(page: Page) -> Page:
    """A page of fairs with how many employers take part in each and how many checked in, in a
    query each for the whole page."""
    ids = [f.id for f in page.items]
    employers = dict(db.session.execute(
        select(FairEmployer.fair_id, func.count()).where(FairEmployer.fair_id.in_(ids))
        .group_by(FairEmployer.fair_id)).all()) if ids else {}
    checked_in = checked_in_counts(ids) if ids else {}
    return page.with_items([ListedFair(f, employers.get(f.id, 0), checked_in.get(f.id, 0))
                            for f in page.items])


def checked_in_counts(fair_ids: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        select(Event.fair_id, func.count(func.distinct(Event.worker_id)))
        .where(Event.fair_id.in_(fair_ids), Event.type == "fair.checked_in", not_voided())
        .group_by(Event.fair_id))
    return dict(rows.all())


def live_counts(fair_id: str, employer_id: str | None = None) -> dict[str, int]:
    """Who was on the list, who checked in (and how many of the listed came) and who signed, as the
    scans have synced so far (voided scans left out)."""
    base = select(func.count(func.distinct(Event.worker_id))).where(Event.fair_id == fair_id,
                                                                    not_voided())
    intents = base.where(Event.type == "fair.intent_signed")
    if employer_id:
        intents = intents.where(Event.employer_id == employer_id)
    counts = {"workers_with_intent": db.session.scalar(intents),
              "intentions": db.session.scalar(intents.with_only_columns(func.count()))}
    if employer_id is None:
        listed = select(Event.worker_id).where(Event.fair_id == fair_id,
                                               Event.type == "fair.preregistered", not_voided())
        counts = {
            "preregistered": db.session.scalar(base.where(Event.type == "fair.preregistered")),
            "preregistered_came": db.session.scalar(
                base.where(Event.type == "fair.checked_in", Event.worker_id.in_(listed))
            ),
            "checked_in": db.session.scalar(base.where(Event.type == "fair.checked_in")),
        } | counts
    return counts


def funnel(fair: Fair, *, employer_id: str | None = None, today: dt.date) -> dict[str, int]:
    """The fair's funnel; for an employer, the funnel of those who signed with it."""
    signed = select(Event.worker_id).where(Event.fair_id == fair.id,
                                           Event.type == "fair.intent_signed", not_voided())
    if employer_id:
        signed = signed.where(Event.employer_id == employer_id)
        came = signed
    else:
        came = select(Event.worker_id).where(Event.fair_id == fair.id, not_voided(),
                                             Event.type.in_(("fair.checked_in",
                                                             "fair.intent_signed")))
    signed_ids = set(db.session.scalars(signed))
    workers = db.session.execute(
        select(Worker.id, Worker.milestones, Worker.status, Worker.employed_since,
               Worker.employment_ended_on, Worker.followed_up_on)
        .where(Worker.id.in_(came)))
    people = [Progress(w.id in signed_ids, w.milestones or {}, w.status, w.employed_since,
                       w.employment_ended_on, w.followed_up_on)
              for w in workers]
    return fair_funnel(people, fair.date, today)


def _intentions_by_posting(fair_id: str, employer_id: str | None) -> dict[str, int]:
    posting = Event.data["posting_id"].as_string()
    query = (
        select(posting, func.count(func.distinct(Event.worker_id)))
        .where(Event.fair_id == fair_id, Event.type == "fair.intent_signed", not_voided())
        .group_by(posting)
    )
    if employer_id:
        query = query.where(Event.employer_id == employer_id)
    return {posting_id: n for posting_id, n in db.session.execute(query) if posting_id}
