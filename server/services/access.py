"""Who may do what, and see which workers and which of their fields: decided here only.

Every worker query goes through ``scope_workers``; every worker representation through
``redact``. Out-of-scope workers are answered as not found, so existence does not leak.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true

from server.domain.visibility import Viewer, visible_event_data, visible_worker
from server.errors import Forbidden
from server.models import (
    Batch,
    Change,
    Event,
    Fair,
    FairEmployer,
    QuarantinedEvent,
    Training,
    User,
    Worker,
)
from server.services.queries import awaiting_review, not_voided

STAFF = frozenset({"admin", "county", "workstation", "fair_staff", "greeter", "employer"})
COUNTY_SCOPED = frozenset({"county", "workstation", "fair_staff"})
STAFF_A_COUNTY_MAY_ENROLL = ("county", "workstation", "fair_staff")

PERMISSIONS = {
    "worker.read": STAFF | {"worker"},
    "worker.register": frozenset({"admin", "county", "workstation", "fair_staff"}),
    "worker.update": frozenset({"admin", "county", "workstation"}),
    "card.issue": frozenset({"admin", "county", "workstation", "fair_staff"}),
    "scan.verify": STAFF,
    "id.reveal": frozenset({"admin", "county", "workstation"}),
    "audit.read": frozenset({"admin"}),
    # whoever may reveal: the invitee's export holds the number
    "worker.invite": frozenset({"admin", "county", "workstation"}),
    "users.manage": frozenset({"admin"}),  # tokens for others, revoking a person, blocking devices
    "fair.read": frozenset({"admin", "county", "workstation", "fair_staff", "employer"}),
    "fair.manage": frozenset({"admin", "county", "workstation"}),
    "posting.manage": frozenset({"admin", "county", "workstation", "employer"}),
    "batch.read": frozenset({"admin", "county", "workstation", "fair_staff", "greeter"}),
    "batch.manage": frozenset({"admin", "county", "workstation"}),
    "batch.handover": frozenset({"admin", "county", "workstation", "greeter"}),
    "review.decide": frozenset({"admin", "county", "workstation"}),
    "worker.import": frozenset({"admin", "county", "workstation"}),
    "site.read": frozenset({"admin", "county", "workstation", "employer"}),
    "site.manage": frozenset({"admin", "workstation", "employer"}),
    # the day's code is evidence that pays (a worker's own confirmation): those who post it only
    "site.code": frozenset({"admin", "workstation", "employer"}),
    "training.read": frozenset({"admin", "county", "workstation", "fair_staff", "employer"}),
    "training.manage": frozenset({"admin", "county", "workstation"}),
    "payout.read": frozenset({"admin", "county", "workstation"}),
    # a worker: their own (scope_workers)
    "eligibility.read": frozenset({"admin", "county", "workstation", "worker"}),
    # recompute, approve, pay, reject: the HR bureau's finance
    "payout.manage": frozenset({"admin", "county"}),
    "policy.manage": frozenset({"admin"}),
    "target.read": frozenset({"admin", "county", "workstation"}),
    "target.manage": frozenset({"admin"}),  # the city's plan, broken down by county
    # the program's regions: which prefectures and counties it covers
    "programme.manage": frozenset({"admin"}),
    # a county office: its own workstation only
    "workstation.manage": frozenset({"admin", "county"}),
    "report.read": frozenset({"admin", "county", "workstation"}),
    # the calls due after a fair: those who hold the fair and the county's people
    "follow_up.read": frozenset({"admin", "county", "workstation", "fair_staff"}),
    # the requests for help of the county's people (its workstation answers them)
    "help.read": frozenset({"admin", "county", "workstation"}),
}

# Who may record which event type, on a phone or through the push (credential.* are the server's).
_ORIGIN = frozenset({"admin", "county", "workstation", "fair_staff"})
_OFFICE = frozenset({"admin", "county", "workstation"})
RECORDABLE_BY = {
    "worker.registered": _ORIGIN,
    "worker.updated": _OFFICE,
    "fair.checked_in": _ORIGIN,
    "fair.intent_signed": _ORIGIN,
    "batch.assigned": _OFFICE,
    "batch.departed": _OFFICE,
    "station.arrived": _OFFICE | {"greeter"},
    "employer.onboarded": frozenset({"admin", "employer", "workstation"}),
    # a worker: by a workplace code
    "employment.confirmed": frozenset({"admin", "employer", "workstation", "worker"}),
    "employment.reassigned": _OFFICE,
    "employment.ended": frozenset({"admin", "employer", "workstation"}),
    "training.attended": _OFFICE | {"employer"},
    "event.voided": _OFFICE,
    # the county calls its own people after a fair (an id names them: they are in its scope)
    "intention.followed_up": _ORIGIN,
    # a worker about their own month's pay (or the workstation, taking their call)
    "pay.answered": _OFFICE | {"worker"},
    # a worker asks their county's workstation (or the office writes down a call); it answers
    "help.requested": _OFFICE | {"worker"},
    "help.answered": _OFFICE,
    "help.closed": _OFFICE,
}

# A scan names its worker by a scanned card; which may name a bare worker id instead (a temporary
# pass counts as one: it is the id in an unsigned QR code), and for whom. Knowing an id must grant
# nothing, so an id alone is taken only where the worker is already the scanner's to act for:
#   scope   the worker is in the role's scope, which no event widens (county staff: their own
#           county's people, wherever the scan happened)
#   own     an employer's own worker (an onboarding of theirs that counts; the scope rule
#           checks it)
#   self    a worker, for themselves (with the workplace code of the day)
#   roster  a greeter: someone on a batch due at its station
#   review  kept for a reviewer (quarantine ``keyed_onboarding``): nothing counts, no scope,
#           until accepted
# A role or type not listed needs the card (quarantine ``card_required``).
ID_ALONE = {
    **{role: {type: "scope" for type, roles in RECORDABLE_BY.items() if role in roles}
       for role in _ORIGIN},
    "greeter": {"station.arrived": "roster"},
    "employer": {"employer.onboarded": "review", "employment.confirmed": "own",
                 "employment.ended": "own", "training.attended": "own"},
    "worker": {"employment.confirmed": "self", "pay.answered": "self", "help.requested": "self"},
}

def require(user: User, action: str) -> None:
    """Raise ``Forbidden`` unless the user's role may do ``action``."""
    if user.role not in PERMISSIONS[action]:
        raise Forbidden()


def may_record(user: User, type: str) -> bool:
    return user.role in RECORDABLE_BY.get(type, ())


def id_alone(user: User, type: str) -> str | None:
    """What a scan of ``type`` by ``user`` needs to name its worker by id alone (see ``ID_ALONE``);
    ``None``: it needs the card."""
    return ID_ALONE.get(user.role, {}).get(type)


def own_county(user: User) -> str | None:
    """The county a county-scoped role acts for (its lists hold that county's only); else ``None``.
    """
    return user.county_code if user.role in COUNTY_SCOPED else None


def sees_others_imports(user: User) -> bool:
    """Roster imports are their uploader's; admins see everyone's."""
    return user.role == "admin"


def may_enroll(issuer: User | None, role: str, county_code: str | None) -> bool:
    """Admins (and the server's command line, ``None``) enroll anyone; a county officer its own
    county's county, workstation and fair staff."""
    if issuer is None or issuer.role == "admin":
        return True
    return (
        issuer.role == "county"
        and role in STAFF_A_COUNTY_MAY_ENROLL
        and county_code == issuer.county_code
    )


def scope_users(query, viewer: User):
    """``query`` (a select of User) restricted to the accounts ``viewer`` may enroll or revoke: the
    rule of ``may_enroll`` (and of ``users.manage``, admins only, for revoking) as a query."""
    if viewer.role == "admin":
        return query
    if viewer.role == "county":
        if not viewer.county_code:
            return query.where(false())
        return query.where(User.role.in_(STAFF_A_COUNTY_MAY_ENROLL),
                           User.county_code == viewer.county_code)
    raise Forbidden("只有管理员和县级用户可以管理账号。 Only an admin or a county officer manages "
                    "accounts.")


def own_employer(user: User) -> str | None:
    """The employer an employer's staff act for (every scan of theirs is for it); else ``None``."""
    return user.employer_id if user.role == "employer" else None


def acts_for_self(user: User) -> bool:
    """A worker's account acts for that worker only."""
    return user.role == "worker"


def greets_batch(user: User, batch: Batch) -> bool:
    """Is ``batch`` due at the station ``user`` greets at?"""
    return (
        user.role == "greeter" and bool(user.station) and batch.destination_station == user.station
    )


def sees_every_device(user: User) -> bool:
    return user.role == "admin"


def require_county(user: User, county_code: str) -> None:
    """A county-scoped role acts only for workers of its own county."""
    if user.role in COUNTY_SCOPED and user.county_code != county_code:
        raise Forbidden(
            f"您只能登记本县（{user.county_code}）的务工人员。"
            f" You may only act for workers of your own county ({user.county_code})."
        )


def scope_workers(query, user: User):
    """``query`` (a select of Worker) restricted to the workers ``user`` may see; erased people
    are no one's to see (their anonymous rows serve the statistics only)."""
    query = query.where(Worker.erased_at.is_(None))
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Worker.home_county_code == user.county_code)
    if user.role == "employer":
        onboarded = counted_events(Event.type == "employer.onboarded",
                                   Event.employer_id == user.employer_id)
        return query.where(Worker.id.in_(onboarded))
    if user.role == "greeter":
        # The rosters of batches due at the station, and whoever was met there.
        due = counted_events(Event.type == "batch.assigned",
                             Event.batch_id.in_(scope_batches(select(Batch.id), user)))
        met = counted_events(Event.type == "station.arrived",
                             Event.context["station"].as_string() == user.station)
        return (
            query.where(Worker.id.in_(due) | Worker.id.in_(met))
            if user.station
            else query.where(false())
        )
    if user.role == "worker":
        return query.where(Worker.id == user.worker_id)
    return query.where(false())


def counted_events(*where):
    """The worker ids of events matching ``where`` that count for scope: neither voided nor
    waiting for a reviewer. (An onboarding a reviewer has not yet looked at gives no access.)"""
    return select(Event.worker_id).where(*where, not_voided(), ~awaiting_review(Event))


def scope_quarantine(query, user: User):
    """``query`` (a select of QuarantinedEvent) restricted to the entries ``user`` reviews: admins
    all, county office and workstation their county's; others none (``Forbidden``)."""
    if user.role == "admin":
        return query
    if user.role in ("county", "workstation"):
        return query.where(QuarantinedEvent.county_code == user.county_code)
    raise Forbidden()


def scope_fairs(query, user: User):
    """``query`` (a select of Fair) restricted to the fairs ``user`` may see: county staff their
    county's, an employer the fairs it takes part in."""
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Fair.county_code == user.county_code)
    if user.role == "employer":
        return query.where(
            Fair.id.in_(
                select(FairEmployer.fair_id).where(FairEmployer.employer_id == user.employer_id)
            )
        )
    return query.where(false())


def scope_batches(query, user: User):
    """``query`` (a select of Batch) restricted to the batches ``user`` may see: county staff
    their county's, a greeter those due at its station."""
    if user.role == "admin":
        return query
    if user.role in COUNTY_SCOPED:
        return query.where(Batch.origin_county_code == user.county_code)
    if user.role == "greeter" and user.station:
        return query.where(Batch.destination_station == user.station)
    return query.where(false())


def scope_trainings(query, user: User):
    """Trainings for ``user``'s county (county staff); every training for admins and employers,
    who train the people they took on whatever county they came from."""
    if user.role in COUNTY_SCOPED:
        return query.where(Training.county_code == user.county_code)
    if user.role in ("admin", "employer"):
        return query
    return query.where(false())


def pullable_changes(user: User, device_id: str | None):
    """The change-log rows a device of ``user`` receives: keys and revocations for every scanner,
    the fairs, batches and trainings in scope (with employers, jobs, rosters), the workers in scope
    (county roles by the county the change was for, so a worker who moved away arrives as a
    deletion), and the device's own events (``device_id``: a device ``user`` is a member of, else
    ``None``)."""
    if user.role == "admin":
        workers = fairs = batches = trainings = true()
    elif user.role in COUNTY_SCOPED:
        workers = fairs = batches = trainings = Change.county_code == user.county_code
    else:
        workers = Change.entity_id.in_(scope_workers(select(Worker.id), user))
        fairs = Change.entity_id.in_(scope_fairs(select(Fair.id), user))
        batches = Change.entity_id.in_(scope_batches(select(Batch.id), user))
        trainings = true() if user.role == "employer" else false()
    public = Change.kind.in_(("key", "revocation")) if user.role in STAFF else false()
    return or_(public, and_(Change.kind == "worker", workers), and_(Change.kind == "fair", fairs),
               and_(Change.kind == "batch", batches), and_(Change.kind == "training", trainings),
               and_(Change.kind == "event", Change.device_id == device_id) if device_id
               else false())


def scan_refusal(user: User, county_code: str, type: str, context: dict, earlier: list, *,
                 current_employer: str | None = None) -> str | None:
    """Why ``user`` may not record this event about a worker of ``county_code``, or ``None``.

    A scanned card proves the worker stood there, so greeters and employers need no read
    scope to record a scan; they are held to their station and their own employer.
    ``earlier`` are the worker's events (``EventFact``) that count: neither voided nor waiting
    for a reviewer (``domain.lifecycle.counted``); ``current_employer`` the employer those make
    current: while another employer is, a former one records nothing more about the worker.
    """
    if user.role == "admin":
        return None
    if user.role in COUNTY_SCOPED:
        return None if county_code == user.county_code else "out_of_scope"
    if user.role == "employer":
        if context.get("employer_id") != user.employer_id:
            return "out_of_scope"
        if type == "employer.onboarded":
            return None
        ours = any(e.type == "employer.onboarded"
                   and e.context.get("employer_id") == user.employer_id for e in earlier)
        return None if ours and current_employer in (None, user.employer_id) else "out_of_scope"
    if user.role == "greeter":
        return (
            None if not user.station or context.get("station") == user.station else "out_of_scope"
        )
    return "out_of_scope"


def viewer_of(user: User) -> Viewer:
    """Who looks, as the visibility rules (``domain.visibility``) know people."""
    return Viewer(user.role, user.employer_id)


def redact(representation: dict, user: User) -> dict:
    """The worker representation with only the fields ``user``'s role may see."""
    return visible_worker(representation, viewer_of(user))


def redact_event_data(data: dict, user: User) -> dict:
    """Event data as ``user`` may see it: never the ID ciphertext or index."""
    return visible_event_data(data, viewer_of(user))


def can_see_event(event: Event, user: User) -> bool:
    """Employers see only what concerns them in a worker's timeline."""
    if user.role != "employer":
        return True
    return event.employer_id == user.employer_id or event.actor_id == user.id
