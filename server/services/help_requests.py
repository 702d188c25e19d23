"""The workstations' services (娘家人): the requests for help of the county's people, open ones
first, for the workstation to answer, act on and close; and a worker's own requests with each
step, for their phone. Requests, answers and closings are events (``domain.help``), pushed like
scans; here they are read.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from server.domain.help import HelpRequest, requests_of
from server.domain.visibility import Viewer
from server.extensions import db
from server.models import Event, User, Worker
from server.services import access
from server.services.events import facts_of
from server.services.queries import Page
from server.services.workers import view_worker


@dataclass(frozen=True)
class HelpLine:
    """An open request on the workstation's list (``schemas.help`` shapes it)."""

    worker: Worker
    request: HelpRequest
    viewer: Viewer


def open_requests(user: User, args: dict) -> Page:
    """The requests in ``user``'s scope not closed yet, the oldest first."""
    access.require(user, "help.read")
    shown = load_only(Worker.id, Worker.name, Worker.phone, Worker.status, Worker.home_county_code,
                      Worker.home_township, Worker.current_employer_id)
    workers = {w.id: w for w in db.session.scalars(
        access.scope_workers(select(Worker).options(shown), user).where(Worker.help_open > 0))}
    facts = facts_of(workers)
    found = [(workers[worker_id], request) for worker_id, worker_facts in facts.items()
             for request in requests_of(worker_facts) if request.status != "closed"]
    found.sort(key=lambda row: (row[1].requested_at, row[1].id))
    page, per_page = args.get("page", 1), args.get("per_page", 100)
    viewer = access.viewer_of(user)
    lines = [HelpLine(worker, request, viewer)
             for worker, request in found[(page - 1) * per_page:page * per_page]]
    return Page(lines, len(found), page, per_page)


def requests_for(worker_id: str, user: User) -> list[HelpRequest]:
    """A worker's requests, newest first: for the worker, or for the office in scope (audited as a
    look at the record). Never an employer's to read: a request may be about it."""
    if not access.acts_for_self(user):
        access.require(user, "help.read")
    worker = view_worker(worker_id, user, "help")
    return list(reversed(requests_of(facts_of([worker.id])[worker.id])))


def requesters(user: User) -> list[str]:
    """The workers in scope who ever asked for help (for the reports)."""
    asked = select(Event.worker_id).where(Event.type == "help.requested")
    return list(db.session.scalars(access.scope_workers(select(Worker.id), user)
                                   .where(Worker.id.in_(asked))))
