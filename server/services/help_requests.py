"""The workstations' services (娘家人): the requests for help of the county's people, open ones
first, for the workstation to answer, act on and close; and a worker's own requests with each
step, for their phone. Requests, answers and closings are events (``domain.help``), pushed like
scans; here they are read.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from server.domain.help import TYPES as HELP_TYPES
from server.domain.help import HelpRequest, requests_of
from server.domain.visibility import Viewer
from server.extensions import db
from server.models import Event, User, Worker
from server.services import access
from server.services.events import fact_rows, to_fact
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
    found = [(workers[worker_id], request)
             for worker_id, requests in requests_by_worker(list(workers)).items()
             for request in requests if request.status != "closed"]
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
    return list(reversed(requests_by_worker([worker.id]).get(worker.id, [])))


def requests_by_worker(worker_ids) -> dict[str, list[HelpRequest]]:
    """Each worker's requests, read from their help events only (and the voids among their
    events), not their whole log: a report reads thousands of people's."""
    ids = list(dict.fromkeys(worker_ids))
    facts: dict[str, list] = {}
    for start in range(0, len(ids), 900):
        for row in db.session.execute(fact_rows(
                Event.worker_id.in_(ids[start:start + 900]),
                Event.type.in_((*HELP_TYPES, "event.voided")))):
            facts.setdefault(row.worker_id, []).append(to_fact(row))
    found = {}
    for worker_id, worker_facts in facts.items():
        voided = {f.data.get("event_id") for f in worker_facts if f.type == "event.voided"}
        kept = sorted((f for f in worker_facts if f.type != "event.voided" and f.id not in voided),
                      key=lambda f: f.sort_key)
        found[worker_id] = requests_of(kept)
    return found


def requesters(user: User) -> list[str]:
    """The workers in scope who ever asked for help (for the reports)."""
    asked = select(Event.worker_id).where(Event.type == "help.requested")
    return list(db.session.scalars(access.scope_workers(select(Worker.id), user)
                                   .where(Worker.id.in_(asked))))
