"""After arrival: the review queue of odd facts, and the morning's list of workers at risk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import load_only

from server.domain import calendar
from server.domain.evidence import DOUBTS
from server.domain.help import OPEN_DAYS_AT_RISK
from server.domain.lifecycle import (
    EARLY_END_DAYS,
    NO_CONFIRMATION_DAYS,
    REASSIGNMENTS_AT_RISK,
    risk_reasons,
)
from server.domain.pay import LOW_PAY_MONTHS
from server.domain.reasons import Reason
from server.domain.visibility import Viewer
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import Employer, Event, ReviewDecision, User, Worker
from server.models.types import utcnow
from server.services import access, audit
from server.services.events import record_event, refold
from server.services.queries import Page, paginate, review_flagged
from server.services.unit_of_work import use_case


def list_reviews(user: User, args: dict) -> Page:
    """Flagged events about workers in ``user``'s scope, as (event, worker, decision or None) rows;
    open ones unless ``status`` says otherwise."""
    access.require(user, "review.decide")
    query = (
        select(Event, Worker, ReviewDecision)
        .join(Worker, Worker.id == Event.worker_id)
        .outerjoin(ReviewDecision, ReviewDecision.event_id == Event.id)
        .where(review_flagged(flags=DOUBTS))
    )
    query = access.scope_workers(query, user)
    status = args.get("status", "open")
    if status == "open":
        query = query.where(ReviewDecision.event_id.is_(None))
    elif status == "decided":
        query = query.where(ReviewDecision.event_id.is_not(None))
    if args.get("reason"):
        query = query.where(func.cast(Event.flags, db.String).contains(f'"{args["reason"]}"'))
    return paginate(query.order_by(Event.recorded_at.desc()), args, rows=True)


@use_case
def decide(user: User, event_id: str, outcome: str, note: str) -> ReviewDecision:
    """Settle a flagged event: it stands (``accepted``) or is cancelled (``voided``: an
    ``event.voided`` is recorded, and the record re-folds without it)."""
    access.require(user, "review.decide")
    row = db.session.execute(
        access.scope_workers(
            select(Event, Worker).join(Worker, Worker.id == Event.worker_id), user
        ).where(Event.id == event_id, review_flagged(flags=DOUBTS))
    ).first()
    if row is None:
        raise NotFound("review")
    event, worker = row
    if db.session.get(ReviewDecision, event.id):
        raise Conflict(Reason.ALREADY_DECIDED, "这条记录已处理。 This one was already decided.")
    # four eyes: what pays is never its maker's to clear
    if user.id in (event.actor_id, event.pushed_by):
        raise Forbidden("不能审核自己记录的事项，请由另一位审核员处理。"
                        " You recorded this yourself: another reviewer decides it.")
    if outcome not in ("accepted", "voided"):
        raise InvalidInput({"outcome": ["accepted 或 voided。 accepted or voided."]})
    decision = ReviewDecision(event_id=event.id, outcome=outcome, note=note, decided_by=user.id,
                              decided_at=utcnow())
    db.session.add(decision)
    db.session.flush()
    if outcome == "voided":
        record_event(worker, "event.voided", actor=user,
                     data={"event_id": event.id, "reason": note})
    else:
        refold(worker)  # accepted evidence counts toward payouts from the next recompute
    audit.record("review.decided", actor=user, target=f"worker:{worker.id}", event_id=event.id,
                 outcome=outcome)
    return decision


def at_risk(user: User, args: dict, *, today: dt.date | None = None) -> Page:
    """Workers in scope at risk of leaving, with why, as (worker, reasons): no confirmation for 35
    days, ended within 30 days of arrival, re-assigned twice, paid under 2,800 yuan two months
    running, a request for help open more than 3 days. The ones unseen the longest first."""
    access.require(user, "worker.read")
    today = today or calendar.today()
    moved = Worker.reassignments
    silent_since = today - dt.timedelta(days=NO_CONFIRMATION_DAYS)
    # Still employed and unseen for 35 days, or moved twice: exactly what risk_reasons says of
    # them, so the database counts, orders and pages these (thousands, on a big program)...
    still_employed = (Worker.status == "employed") & or_(
        moved >= REASSIGNMENTS_AT_RISK, Worker.low_pay_months >= LOW_PAY_MONTHS, and_(
        or_(Worker.last_confirmed_on.is_not(None), Worker.employed_since.is_not(None)),
        or_(Worker.last_confirmed_on.is_(None), Worker.last_confirmed_on < silent_since),
        or_(Worker.employed_since.is_(None), Worker.employed_since < silent_since)))
    # ... and the few who left in the last 30 days are checked here for leaving within 30 days of
    # arriving.
    left_lately = (Worker.status == "ended") & (
        Worker.employment_ended_on >= today - dt.timedelta(days=EARLY_END_DAYS)
    )
    # ... and whoever has asked for help and waited more than 3 days (few, whatever their status),
    # for those who read the requests: an employer is told nothing of them
    sees_help = user.role in access.PERMISSIONS["help.read"]
    waiting = (Worker.help_open_since < today - dt.timedelta(days=OPEN_DAYS_AT_RISK - 1)
               if sees_help else false())
    shown = load_only(Worker.id, Worker.name, Worker.phone, Worker.status,
                      Worker.current_employer_id, Worker.home_county_code,
                      Worker.home_township, Worker.milestones, Worker.employed_since,
                      Worker.employment_ended_on, Worker.last_confirmed_on,
                      Worker.low_pay_months, Worker.pay, Worker.pay_claimed,
                      Worker.help_open_since)  # not the whole row

    def joined(*columns):
        return access.scope_workers(select(*columns, moved), user)

    page, per_page = args.get("page", 1), args.get("per_page", 100)
    # from the start to the page's end (merged with the others below), with how many there are in
    # all: ids only, read from an index (migrations 0013, 0014); then the page's workers themselves
    head = db.session.execute(
        joined(Worker.id)
        .add_columns(func.count().over())
        .where(still_employed)
        .order_by(func.coalesce(Worker.last_confirmed_on, Worker.employed_since), Worker.id)
        .limit(page * per_page)
    ).all()
    employed_total = head[0][2] if head else 0
    workers = {w.id: w for w in db.session.scalars(select(Worker).options(shown).where(
        Worker.id.in_([worker_id for worker_id, _, _ in head])))} if head else {}
    rows = [(workers[worker_id], n) for worker_id, n, _ in head]
    rows += list(db.session.execute(joined(Worker).options(shown).where(
        or_(left_lately, waiting) & ~still_employed)))
    found = [(worker, reasons) for worker,
             reasons in ((w, _reasons(w, n, today, sees_help)) for w, n in rows) if reasons]
    found.sort(key=lambda item: (item[0].last_confirmed_on or item[0].employed_since
                                 or dt.date.min, item[0].id))
    head_ids = {worker_id for worker_id, _, _ in head}
    left_total = sum(1 for worker, _ in found if worker.id not in head_ids)
    return Page(found[(page - 1) * per_page: page * per_page], employed_total + left_total, page,
                per_page)




@dataclass(frozen=True)
class AtRiskLine:
    """A line of the at-risk list: the worker, why, whom to call at the employer, and who looks
    (``schemas.lifecycle`` shapes it; a greeter sees no phone, no employer)."""

    worker: Worker
    reasons: list[str]
    employer_name: str | None
    viewer: Viewer


def at_risk_lines(page: Page, user: User) -> Page:
    """The page of ``at_risk`` as its lines, the employers' names in one query for the page."""
    employer_ids = {worker.current_employer_id for worker, _ in page.items
                    if worker.current_employer_id}
    names = dict(db.session.execute(select(Employer.id, Employer.name)
                                    .where(Employer.id.in_(employer_ids))).all()
                 ) if employer_ids else {}
    viewer = access.viewer_of(user)
    return page.with_items([AtRiskLine(worker, reasons, names.get(worker.current_employer_id),
                                       viewer) for worker, reasons in page.items])


def _reasons(worker: Worker, reassignments: int, today: dt.date, sees_help: bool) -> list[str]:
    arrived = worker.milestones.get("arrived") if worker.milestones else None
    return risk_reasons(status=worker.status, today=today, employed_since=worker.employed_since,
                        last_confirmed_on=worker.last_confirmed_on,
                        employment_ended_on=worker.employment_ended_on,
                        arrived_on=dt.date.fromisoformat(arrived) if arrived else None,
                        reassignments=reassignments, low_pay_months=worker.low_pay_months,
                        help_open_since=worker.help_open_since if sees_help else None)
