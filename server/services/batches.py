"""Transfer batches: the roster, team leaders, departure, the arrival board and the hand-over.

The roster is the workers whose latest ``batch.assigned`` names the batch; departure and
arrival are ``batch.departed`` and ``station.arrived`` events. So whatever a phone scanned
offline counts the same as what an office typed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from schemas.batches import BATCH_FIELDS
from server.domain import calendar
from server.domain.batches import Member, arrival_board, townships_needing_leader
from server.domain.reasons import Reason
from server.errors import InvalidInput, NotFound, RuleRefused
from server.extensions import db
from server.models import Batch, BatchEmployer, Employer, Event, Handover, TeamLeader, User, Worker
from server.models.types import utcnow
from server.services import access, audit, places
from server.services.changes import stage_change
from server.services.events import record_event
from server.services.fairs import get_fair
from server.services.queries import Page, not_voided, paginate
from server.services.unit_of_work import use_case
from server.services.workers import get_worker

# a scan at the station this long before departure is not this trip
ARRIVAL_LEEWAY = dt.timedelta(hours=12)


# ---------------------------------------------------------------- batches


@use_case
def create_batch(data: dict, user: User) -> Batch:
    access.require(user, "batch.manage")
    county_code = places.origin_county(data.get("origin_county_code") or user.county_code, user,
                                       "origin_county_code")
    batch = Batch(**{k: data.get(k) for k in BATCH_FIELDS} | {"origin_county_code": county_code},
                  created_by=user.id)
    _check_times(batch.departs_at, batch.expected_arrival_at)
    db.session.add(batch)
    db.session.flush()
    _add_employers(batch, data.get("employer_ids") or [])
    audit.record("batch.created", actor=user, target=f"batch:{batch.id}", name=batch.name)
    _publish(batch)
    return batch


@use_case
def update_batch(batch_id: str, changes: dict, user: User) -> Batch:
    access.require(user, "batch.manage")
    batch = get_batch(batch_id, user)
    if "origin_county_code" in changes:
        changes = changes | {
            "origin_county_code": places.origin_county(
                changes["origin_county_code"], user, "origin_county_code"
            )
        }
    _check_times(changes.get("departs_at", batch.departs_at),
                 changes.get("expected_arrival_at", batch.expected_arrival_at))
    for key in BATCH_FIELDS:
        if key in changes:
            setattr(batch, key, changes[key])
    _add_employers(batch, changes.get("employer_ids") or [])
    audit.record("batch.updated", actor=user, target=f"batch:{batch.id}", fields=sorted(changes))
    _publish(batch)
    return batch


def get_batch(batch_id: str, user: User) -> Batch:
    access.require(user, "batch.read")
    batch = db.session.scalar(
        access.scope_batches(select(Batch), user).where(Batch.id == batch_id)
    )
    if batch is None:
        raise NotFound("batch")
    return batch


def list_batches(user: User, args: dict) -> Page:
    """Batches in scope (a greeter: those due at its station), the next departure first."""
    access.require(user, "batch.read")
    query = access.scope_batches(select(Batch), user)
    for arg, column in (("status", Batch.status),
                        ("destination_station", Batch.destination_station),
                        ("origin_county_code", Batch.origin_county_code)):
        if args.get(arg):
            query = query.where(column == args[arg])
    if args.get("date_from"):
        # Beijing's days
        query = query.where(Batch.expected_arrival_at >= calendar.start_of(args["date_from"]))
    if args.get("date_to"):
        query = query.where(
            Batch.departs_at < calendar.start_of(args["date_to"] + dt.timedelta(days=1))
        )
    return paginate(query.order_by(Batch.departs_at.desc()), args)


def _check_times(departs_at: dt.datetime, arrives_at: dt.datetime) -> None:
    if arrives_at <= departs_at:
        raise InvalidInput({"expected_arrival_at": ["到达时间须晚于出发时间。 The arrival must be "
                                                    "after the departure."]})


def _add_employers(batch: Batch, employer_ids: list[str]) -> None:
    for employer_id in dict.fromkeys(employer_ids):
        if db.session.get(Employer, employer_id) is None:
            raise InvalidInput({"employer_ids": [f"没有编号为 {employer_id} 的用工企业。 No "
                                                 f"employer {employer_id}."]})
        if db.session.get(BatchEmployer, (batch.id, employer_id)) is None:
            db.session.add(BatchEmployer(batch_id=batch.id, employer_id=employer_id))
    db.session.flush()
    db.session.expire(batch, ["employers"])


def _publish(batch: Batch) -> None:
    stage_change(db.session, "batch", batch.id, county_code=batch.origin_county_code)


@dataclasses.dataclass(frozen=True)
class ShownBatch:
    """A batch with who is on it and who has been handed over (``schemas.batches`` shapes it)."""

    batch: Batch
    members: list[Member]
    handed_over: dict[str, str]


def shown_batch(batch: Batch) -> ShownBatch:
    """The batch with its roster and hand-overs, for its page and for the greeters' phones."""
    return ShownBatch(batch, roster(batch), handed_over(batch))


# ---------------------------------------------------------------- roster


def roster(batch: Batch) -> list[Member]:
    """Who is on the batch: their latest assignment names it. ``departed`` if they left with it."""
    candidates = select(Event.worker_id).where(Event.type == "batch.assigned",
                                               Event.batch_id == batch.id)
    latest: dict[str, str] = {}
    for worker_id, batch_id in db.session.execute(
            select(Event.worker_id, Event.batch_id).where(Event.type == "batch.assigned",
                                                          Event.worker_id.in_(candidates),
                                                          not_voided())
            .order_by(Event.occurred_at, Event.recorded_at, Event.id)):
        latest[worker_id] = batch_id
    on_board = [w for w, b in latest.items() if b == batch.id]
    departed = set(db.session.scalars(select(Event.worker_id).where(
        Event.type == "batch.departed", Event.batch_id == batch.id, not_voided())))
    people = _people(on_board)
    return sorted((Member(w, *people[w], departed=w in departed) for w in on_board if w in people),
                  key=lambda m: (m.township or "", m.name or ""))


@use_case
def add_to_roster(batch_id: str, user: User, *, worker_ids: list[str] = (),
                  from_fair_id: str | None = None, employer_id: str | None = None) -> dict:
    """Put workers on the batch (by id, or everyone who signed an intention at a fair and is on no
    batch since); each is a ``batch.assigned`` event. Answers who was added and who already was."""
    access.require(user, "batch.manage")
    batch = _planned(get_batch(batch_id, user))
    wanted = list(dict.fromkeys(worker_ids))
    if from_fair_id:
        fair = get_fair(from_fair_id, user)
        signed = select(Event.worker_id).where(Event.fair_id == fair.id,
                                               Event.type == "fair.intent_signed", not_voided())
        if employer_id:
            signed = signed.where(Event.employer_id == employer_id)
        for worker in db.session.scalars(
            select(Worker).where(Worker.id.in_(signed)).order_by(Worker.id)
        ):
            if (worker.milestones or {}).get("assigned", "") < fair.date.isoformat():
                wanted.append(worker.id)
    already = {m.worker_id for m in roster(batch)}
    unknown = []
    workers = []
    for worker_id in dict.fromkeys(wanted):
        try:
            workers.append(get_worker(worker_id, user))
        except NotFound:
            unknown.append(worker_id)
    if unknown:
        raise InvalidInput({"worker_ids": [f"不在您的范围内或不存在： {', '.join(unknown)}。 Not "
                                           "found in your scope."]})
    added = [w for w in workers if w.id not in already]
    for worker in added:
        record_event(worker, "batch.assigned", actor=user, context={"batch_id": batch.id})
    if added:
        audit.record("batch.roster_added", actor=user, target=f"batch:{batch.id}",
                     workers=len(added))
        _publish(batch)
    return {"added": [w.id for w in added],
            "already_on_roster": [w.id for w in workers if w.id in already]}


@use_case
def remove_from_roster(batch_id: str, worker_id: str, reason: str, user: User) -> None:
    """Take a worker off a batch that has not left: their assignment is voided, with the reason."""
    access.require(user, "batch.manage")
    batch = _planned(get_batch(batch_id, user))
    if worker_id not in {m.worker_id for m in roster(batch)}:
        raise NotFound("roster_member")
    assignment = db.session.scalars(select(Event).where(
        Event.worker_id == worker_id, Event.type == "batch.assigned", Event.batch_id == batch.id,
        not_voided())
        .order_by(Event.occurred_at.desc(), Event.recorded_at.desc())).first()
    worker = db.session.get(Worker, worker_id)
    record_event(worker, "event.voided", actor=user, context={"batch_id": batch.id},
                 data={"event_id": assignment.id, "reason": reason})
    audit.record("batch.roster_removed", actor=user, target=f"batch:{batch.id}",
                 worker_id=worker_id)
    _publish(batch)


@use_case
def name_team_leader(batch_id: str, township: str, worker_id: str, user: User) -> TeamLeader:
    """The worker from ``township`` who travels with its people; they must be on the batch."""
    access.require(user, "batch.manage")
    batch = get_batch(batch_id, user)
    member = next((m for m in roster(batch) if m.worker_id == worker_id), None)
    if member is None:
        raise InvalidInput({"worker_id": ["领队须在本批次名单中。 The team leader must be on the "
                                          "batch's roster."]})
    if (member.township or "") != township:
        raise InvalidInput({"worker_id": [f"领队须来自{township}。 The team leader must come from "
                                          f"{township}."]})
    leader = db.session.get(TeamLeader, (batch.id, township)) or TeamLeader(batch_id=batch.id,
                                                                            township=township)
    leader.worker_id = worker_id
    leader.named_by = user.id
    leader.named_at = utcnow()
    db.session.add(leader)
    audit.record("batch.team_leader_named", actor=user, target=f"batch:{batch.id}",
                 township=township, worker_id=worker_id)
    _publish(batch)
    return leader


@use_case
def depart(
    batch_id: str, user: User, *, absent: list[str] = (), at: dt.datetime | None = None
) -> dict:
    """The roll-call at the origin station: everyone on the roster left, but ``absent``.

    Refused (``team_leader_required``) while a township with more than 20 people on the train
    has no team leader travelling with them."""
    access.require(user, "batch.manage")
    batch = _planned(get_batch(batch_id, user))
    members = roster(batch)
    on_roster = {m.worker_id for m in members}
    strangers = [w for w in absent if w not in on_roster]
    if strangers:
        raise InvalidInput({"absent": [f"不在名单中： {', '.join(strangers)}。 Not on the "
                                       "roster."]})
    present = [m for m in members if m.worker_id not in set(absent)]
    travelling = {m.worker_id for m in present}
    leaders = [leader.township for leader in batch.team_leaders if leader.worker_id in travelling]
    lacking = townships_needing_leader([m.township for m in present], leaders)
    if lacking:
        named = "、".join(f"{t}（{n}人）" for t, n in lacking.items())
        raise RuleRefused(Reason.TEAM_LEADER_REQUIRED,
                          f"{named}超过20人，出发前须指定同行领队。"
                          f" More than 20 people from {', '.join(lacking)} travel: name a team "
                          "leader who travels with"
                          " them before the batch departs.", townships=lacking)
    at = at or utcnow()
    for member in present:
        if not member.departed:  # scanned at the station already: that scan stands
            record_event(db.session.get(Worker, member.worker_id), "batch.departed", actor=user,
                         occurred_at=at,
                         context={"batch_id": batch.id}, data={"note": "点名出发 roll-call"})
    batch.status = "departed"
    batch.departed_at = at
    audit.record("batch.departed", actor=user, target=f"batch:{batch.id}", departed=len(present),
                 absent=len(absent))
    _publish(batch)
    return {"departed": len(present), "absent": list(absent)}


def _planned(batch: Batch) -> Batch:
    if batch.status != "planned":
        raise RuleRefused(Reason.BATCH_DEPARTED,
                          "该批次已出发，名单不能再改。 This batch has left: its roster is "
                          "closed.")
    return batch


# ---------------------------------------------------------------- arrival


def board(batch_id: str, user: User) -> dict:
    """The station's board: expected, arrived, missing and unexpected, by township with its leader.
    """
    batch = get_batch(batch_id, user)
    members = roster(batch)
    arrived, unexpected = _arrivals(batch, members)
    people = _people([leader.worker_id for leader in batch.team_leaders])
    leaders = {leader.township: {"worker_id": leader.worker_id,
                                 "name": people.get(leader.worker_id, (None, None, None))[0],
                                 "phone": people.get(leader.worker_id, (None, None, None))[2]}
               for leader in batch.team_leaders}
    return arrival_board(members, arrived, unexpected, departed=batch.status == "departed",
                         leaders=leaders)


def _arrivals(batch: Batch, members: list[Member]) -> tuple[set[str], list[Member]]:
    """Who of the roster arrived (scanned at a station since the train left, for any batch), and
    who was scanned for this batch without being on its roster."""
    on_roster = {m.worker_id for m in members}
    arrivals = db.session.execute(select(Event.worker_id, Event.batch_id).where(
        Event.type == "station.arrived", Event.occurred_at >= batch.departs_at - ARRIVAL_LEEWAY,
        not_voided(), (Event.worker_id.in_(on_roster)) | (Event.batch_id == batch.id))).all()
    strangers = _people([w for w, b in arrivals if b == batch.id and w not in on_roster])
    unexpected = [Member(w, *strangers[w])
                  for w in sorted(strangers, key=lambda w: (strangers[w][0] or "", w))]
    return {w for w, _ in arrivals if w in on_roster}, unexpected


@use_case
def hand_over(batch_id: str, user: User, *, employer_id: str, representative: str,
              worker_ids: list[str], representative_phone: str | None = None) -> Handover:
    """A group taken from the station by an employer's representative: one record of who, when,
    whom."""
    access.require(user, "batch.handover")
    batch = get_batch(batch_id, user)
    if db.session.get(BatchEmployer, (batch.id, employer_id)) is None:
        raise InvalidInput({"employer_id": ["该企业不接收本批次。 This employer does not receive "
                                            "this batch."]})
    arrived, unexpected = _arrivals(batch, roster(batch))
    here = arrived | {m.worker_id for m in unexpected}
    absent = [w for w in worker_ids if w not in here]
    if absent:
        raise InvalidInput({"worker_ids": [f"尚未到站，不能交接：{_names(absent)}。 Not arrived: "
                                           "cannot be handed over."]})
    earlier = handed_over(batch)
    twice = [w for w in worker_ids if w in earlier]
    if twice:
        raise InvalidInput({"worker_ids": [f"已经交接过：{_names(twice)}。 Already handed over: "
                                           f"{_names(twice)}."]})
    handover = Handover(batch_id=batch.id, employer_id=employer_id, representative=representative,
                        representative_phone=representative_phone,
                        worker_ids=list(dict.fromkeys(worker_ids)),
                        handed_by=user.id, handed_at=utcnow())
    db.session.add(handover)
    db.session.flush()
    audit.record("batch.handed_over", actor=user, target=f"batch:{batch.id}",
                 employer_id=employer_id, workers=len(handover.worker_ids))
    _publish(batch)  # the other greeters' phones learn who is gone with whom at their next sync
    return handover


def handed_over(batch: Batch) -> dict[str, str]:
    """Who of the batch has been handed over, and to which employer: worker id -> employer id."""
    return {worker_id: h.employer_id
            for h in db.session.scalars(select(Handover).where(Handover.batch_id == batch.id))
            for worker_id in h.worker_ids}


def _names(worker_ids: list[str]) -> str:
    """People by name (an id only where the record is gone), for a refusal a greeter can act on."""
    people = _people(worker_ids)
    return "、".join(people[w][0] if w in people and people[w][0] else w for w in worker_ids)


def handovers(batch_id: str, user: User) -> list[Handover]:
    batch = get_batch(batch_id, user)
    return list(
        db.session.scalars(
            select(Handover).where(Handover.batch_id == batch.id).order_by(Handover.id)
        )
    )


# ---------------------------------------------------------------- helpers


def _people(worker_ids) -> dict[str, tuple]:
    """worker id -> (name, township, phone), for the workers that exist and are not erased."""
    ids = list(worker_ids)
    rows = (
        db.session.execute(
            select(Worker.id, Worker.name, Worker.home_township, Worker.phone).where(
                Worker.id.in_(ids), Worker.erased_at.is_(None)
            )
        )
        if ids
        else []
    )
    return {row.id: (row.name, row.home_township, row.phone) for row in rows}
