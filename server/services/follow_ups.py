"""The follow-up of signed intentions: the county's worklist of calls due today
(``domain.follow_up.call_due``; what the calls found is ``services.reports.follow_ups``). A call
itself is an ``intention.followed_up`` event, queued on the phone like a scan and pushed
(``services.sync``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from server.domain import calendar
from server.domain.follow_up import Call, call_due
from server.domain.visibility import Viewer
from server.extensions import db
from server.models import Batch, Employer, Event, Fair, User, Worker
from server.services import access
from server.services.queries import Page, not_voided

SEASON_DAYS = 120  # an intention older than this is last season's: off the worklist
_ON_THEIR_WAY = ("departed", "arrived", "employed", "ended")


@dataclass(frozen=True)
class FollowUpLine:
    """A call due on the worklist (``schemas.follow_ups`` shapes it)."""

    worker: Worker
    call: Call
    fair: Fair | None
    employer_name: str | None
    departs_on: dt.date | None
    viewer: Viewer


def worklist(user: User, args: dict, *, today: dt.date | None = None) -> Page:
    """The calls due in ``user``'s scope today: the overdue first, then by due day and name. Of the
    season's intentions only (``SEASON_DAYS``), of people not on their way and not saying no."""
    access.require(user, "follow_up.read")
    today = today or calendar.today()
    shown = load_only(Worker.id, Worker.name, Worker.phone, Worker.status, Worker.home_county_code,
                      Worker.home_township, Worker.home_village, Worker.follow_up,
                      Worker.follow_up_intent_on, Worker.follow_up_coming,
                      Worker.follow_up_reason)
    query = access.scope_workers(select(Worker).options(shown), user).where(
        Worker.follow_up_intent_on >= today - dt.timedelta(days=SEASON_DAYS),
        Worker.status.not_in(_ON_THEIR_WAY),
        Worker.follow_up_coming.is_not(False))
    if args.get("fair_id"):
        query = query.where(Worker.follow_up["fair_id"].as_string() == args["fair_id"])
    workers = list(db.session.scalars(query))
    departures = _departures(workers, today)
    due = []
    for worker in workers:
        departs_on = departures.get(worker.id)
        call = call_due(worker.follow_up, intent_on=worker.follow_up_intent_on,
                        status=worker.status, coming=worker.follow_up_coming,
                        departs_on=departs_on, today=today)
        if call is not None and call.opens_on <= today:
            due.append((worker, call, departs_on))
    due.sort(key=lambda row: (row[1].due_on, row[0].name or "", row[0].id))
    page, per_page = args.get("page", 1), args.get("per_page", 100)
    window = due[(page - 1) * per_page:page * per_page]
    fair_ids = {w.follow_up.get("fair_id") for w, _, _ in window} - {None}
    employer_ids = {w.follow_up.get("employer_id") for w, _, _ in window} - {None}
    fairs = {f.id: f for f in db.session.scalars(
        select(Fair).options(load_only(Fair.id, Fair.name, Fair.date))
        .where(Fair.id.in_(fair_ids)))} if fair_ids else {}
    names = dict(db.session.execute(select(Employer.id, Employer.name)
                                    .where(Employer.id.in_(employer_ids))).all()
                 ) if employer_ids else {}
    viewer = access.viewer_of(user)
    lines = [FollowUpLine(w, call, fairs.get(w.follow_up.get("fair_id")),
                          names.get(w.follow_up.get("employer_id")), departs_on, viewer)
             for w, call, departs_on in window]
    return Page(lines, len(due), page, per_page)


def _departures(workers: list[Worker], today: dt.date) -> dict[str, dt.date]:
    """The day each worker's batch leaves: the one an assignment that counts put them on, else
    their county's next (the call before it asks whether they are on it)."""
    assigned = [w.id for w in workers if w.status == "assigned"]
    on_batch = {}
    if assigned:
        latest = (select(Event.worker_id, Event.batch_id,
                         func.row_number().over(partition_by=Event.worker_id,
                                                order_by=Event.occurred_at.desc()).label("n"))
                  .where(Event.type == "batch.assigned", Event.worker_id.in_(assigned),
                         not_voided()).subquery())
        rows = db.session.execute(select(latest.c.worker_id, Batch.departs_at)
                                  .join(Batch, Batch.id == latest.c.batch_id)
                                  .where(latest.c.n == 1)).all()
        on_batch = {worker_id: calendar.day_of(departs) for worker_id, departs in rows}
    counties = {w.home_county_code for w in workers}
    since = calendar.start_of(today)
    next_of = {}
    if counties:
        for county, departs in db.session.execute(
                select(Batch.origin_county_code, func.min(Batch.departs_at))
                .where(Batch.origin_county_code.in_(counties), Batch.departs_at >= since)
                .group_by(Batch.origin_county_code)):
            next_of[county] = calendar.day_of(departs)
    return {w.id: on_batch.get(w.id) or next_of.get(w.home_county_code) for w in workers}
