"""The quarantine: envelopes the server could not apply, kept with their reason until a reviewer
re-applies them (with corrections, under the reviewer's authority) or dismisses them."""
from __future__ import annotations

from sqlalchemy import select

from server.domain.evidence import DOUBTS
from server.errors import Conflict, InvalidInput, NotFound, RuleRefused
from server.extensions import db
from server.models import Device, Event, QuarantinedEvent, ReviewDecision, User, Worker
from server.models.types import utcnow
from server.services import access, audit, keyring
from server.services.events import refold_worker
from server.services.queries import paginate
from server.services.registry import require_fresh_passkey
from server.services.sync.devices import PushAuthority, bound_members
from server.services.sync.envelopes import CardVerifier, check_envelope, quarantine_binding, unsealed
from server.services.sync.push import PushApplier


def list_quarantine(user: User, args: dict) -> tuple[list[QuarantinedEvent], int]:
    """Quarantined envelopes in ``user``'s scope (admins: all; county staff: their county's)."""
    query = access.scope_quarantine(select(QuarantinedEvent), user)
    if args.get("status", "open") != "all":
        query = query.where(QuarantinedEvent.status == args.get("status", "open"))
    for arg in ("reason", "device_id"):
        if args.get(arg):
            query = query.where(getattr(QuarantinedEvent, arg) == args[arg])
    return paginate(query.order_by(QuarantinedEvent.id.desc()), args.get("page", 1), args.get("per_page", 50))


def reapply_quarantined(user: User, entry_id: int, corrections: dict, note: str | None) -> QuarantinedEvent:
    """Apply a quarantined envelope again, with corrections, under the reviewer's authority.

    The event keeps its id, device and scanning user; the reviewer is recorded on the entry, and
    the reviewer's look counts as the review of the event's review flags and doubts as evidence (a
    keyed-in onboarding accepted so gives the employer its worker) — unless the reviewer made or
    pushed the scan, or corrected it (what the correction says no second person has seen): then it
    waits in the review queue for another reviewer (four eyes). An envelope stored meanwhile (a
    duplicate) is not decided here. Raises a 422 ``DomainError`` with the reason when it is still
    refused.
    """
    entry = _open_entry(user, entry_id)
    if {"id", "device_seq", "scanned_by"} & set(corrections):
        raise InvalidInput({"corrections": ["id, device_seq and scanned_by say which scan and whose: they cannot be"
                                            " corrected"]})
    device = db.session.get(Device, entry.device_id)
    checked = check_envelope(unsealed(entry.envelope, quarantine_binding(entry.device_id, entry.event_id)) | corrections)
    cards = CardVerifier(keyring.trusted_keys())
    pusher = db.session.get(User, entry.user_id)
    # As the push itself could: the pusher's scans, and if the phone signed it, those of the people
    # bound to the phone by then (not of someone who signed in on it later).
    vouched = {pusher.id: pusher} | (bound_members(device.id, by=entry.received_at) if entry.signed else {})
    authority = PushAuthority(device, pusher, signed=entry.signed, vouched=vouched)
    [result] = PushApplier(authority, cards, reviewer=user).run([checked])
    if result.status == "rejected":
        db.session.rollback()
        raise RuleRefused(result.reason, result.message)
    entry.status, entry.resolved_by, entry.resolved_at = "reapplied", user.id, utcnow()
    entry.resolution = note or "re-applied" + (f" with corrections to {', '.join(corrections)}" if corrections else "")
    entry.resolved_event_id = result.id
    if result.status == "accepted" and set(result.flags) & set(DOUBTS) and not corrections:
        stored = db.session.scalar(select(Event).where(Event.id == result.id))
        if user.id not in (entry.user_id, stored.actor_id, stored.pushed_by):  # four eyes
            db.session.add(ReviewDecision(event_id=result.id, outcome="accepted", note=entry.resolution,
                                          decided_by=user.id))
            db.session.flush()
            refold_worker(db.session.get(Worker, result.worker_id))
    audit.record("quarantine.reapplied", actor=user, target=f"worker:{result.worker_id}", entry=entry.id,
                 reason=entry.reason)
    db.session.commit()
    return entry


def reveal_quarantined_id_number(user: User, entry_id: int, reason: str, *, assertion_at) -> str:
    """The full ID number a quarantined registration carried, by the reveal rule: a role that may
    reveal, a passkey sign-in minutes old, a reason; audited like a worker's reveal."""
    access.require(user, "id.reveal")
    entry = db.session.scalar(access.scope_quarantine(select(QuarantinedEvent), user).where(QuarantinedEvent.id == entry_id))
    data = (entry.envelope or {}).get("data") if entry is not None else None
    if not isinstance(data, dict) or "id_number_enc" not in data:
        raise NotFound("quarantine_entry")
    require_fresh_passkey(assertion_at, "查看|reveal")
    number = unsealed(entry.envelope, quarantine_binding(entry.device_id, entry.event_id))["data"]["id_number"]
    audit.record("id.revealed", actor=user, target=f"quarantine:{entry.id}", role=user.role, reason=reason)
    db.session.commit()
    return number


def dismiss_quarantined(user: User, entry_id: int, reason: str) -> QuarantinedEvent:
    """Close a quarantined envelope without applying it; the reason is kept."""
    entry = _open_entry(user, entry_id)
    entry.status, entry.resolved_by, entry.resolved_at, entry.resolution = "dismissed", user.id, utcnow(), reason
    db.session.commit()
    return entry


def _open_entry(user: User, entry_id: int) -> QuarantinedEvent:
    entry = db.session.scalar(access.scope_quarantine(select(QuarantinedEvent), user).where(QuarantinedEvent.id == entry_id))
    if entry is None:
        raise NotFound("quarantine_entry")
    if entry.status != "open":
        raise Conflict("already_resolved", f"这条记录已处理（{entry.status}）。 This entry was already {entry.status}.")
    return entry
