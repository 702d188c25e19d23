"""The quarantine: envelopes the server could not apply, kept with their reason until a reviewer
re-applies them (with corrections, under the reviewer's authority) or dismisses them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.domain.credentials import CardClaims, CredentialError, claims_unverified
from server.domain.evidence import DOUBTS
from server.domain.reasons import Reason
from server.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleRefused
from server.extensions import db
from server.models import (
    Batch,
    Device,
    Employer,
    Event,
    Fair,
    QuarantinedEvent,
    ReviewDecision,
    Training,
    User,
    Worker,
)
from server.models.types import utcnow
from server.services import access, audit, keyring
from server.services.events import refold
from server.services.privacy import require_fresh_passkey
from server.services.queries import Page, paginate
from server.services.sync.devices import PushAuthority, bound_members
from server.services.sync.envelopes import (
    CardVerifier,
    check_envelope,
    quarantine_binding,
    unsealed,
)
from server.services.sync.push import PushApplier
from server.services.unit_of_work import use_case


def list_quarantine(user: User, args: dict) -> Page:
    """Quarantined envelopes in ``user``'s scope (admins: all; county staff: their county's)."""
    query = access.scope_quarantine(select(QuarantinedEvent), user)
    if args.get("status", "open") != "all":
        query = query.where(QuarantinedEvent.status == args.get("status", "open"))
    for arg in ("reason", "device_id"):
        if args.get(arg):
            query = query.where(getattr(QuarantinedEvent, arg) == args[arg])
    page = paginate(query.order_by(QuarantinedEvent.id.desc()), args)
    return page.with_items(describe_entries(user, page.items))


def describe_entries(user: User, entries: list[QuarantinedEvent]) -> list[QuarantinedEvent]:
    """``entries`` with a ``summary`` for a reviewer to read them by: who pushed (and whom the
    phone named as scanner), who settled it, the worker named by id when ``user`` may see them
    (masked ID only), what the scanned card itself says (unverified: a forged card says what its
    maker wrote), and the names of the fair, batch, employer and training in its context. A few
    queries a page."""
    envelopes = [entry.envelope if isinstance(entry.envelope, dict) else {} for entry in entries]
    contexts = [e.get("context") if isinstance(e.get("context"), dict) else {} for e in envelopes]
    people = _by_id(User,
                    {entry.user_id for entry in entries} | {entry.resolved_by for entry in entries}
                    | {e.get("scanned_by") for e in envelopes})
    worker_ids = {e["worker_id"] for e in envelopes if isinstance(e.get("worker_id"), str)}
    workers = (
        {
            w.id: w
            for w in db.session.scalars(
                access.scope_workers(select(Worker), user).where(Worker.id.in_(worker_ids))
            )
        }
        if worker_ids
        else {}
    )
    named = {model: _by_id(model, {c.get(key) for c in contexts}, label)
             for model, key, label in _CONTEXT_NAMES}
    for entry, envelope, context in zip(entries, envelopes, contexts, strict=True):
        worker = workers.get(envelope.get("worker_id"))
        entry.summary = EntrySummary(
            pushed_by=people.get(entry.user_id),
            scanner=people.get(envelope.get("scanned_by"))
            if envelope.get("scanned_by") != entry.user_id else None,
            resolver=people.get(entry.resolved_by),
            worker=worker if worker is not None and worker.id_last4 else None,
            card=_card_says(envelope.get("credential")),
            places={key: named[model].get(context.get(key)) for model, key, _ in _CONTEXT_NAMES
                    if named[model].get(context.get(key))} | (
                {"station": context["station"]} if isinstance(context.get("station"), str)
                else {}))
    return entries


@dataclass(frozen=True)
class EntrySummary:
    """What a reviewer reads a quarantine entry by (``schemas.sync`` shapes it): who pushed, whom
    the phone named as scanner, who settled it, the worker named by id when the reviewer may see
    them, what the card says (unchecked), the names of the places in its context."""

    pushed_by: User | None
    scanner: User | None
    resolver: User | None
    worker: Worker | None
    card: CardClaims | None
    places: dict


_CONTEXT_NAMES = ((Fair, "fair_id", "name"), (Batch, "batch_id", "name"),
                  (Employer, "employer_id", "name"), (Training, "training_id", "title"))


def _by_id(model, ids: set, label: str | None = None) -> dict:
    """Rows of ``model`` by id (``label``: just that column), for the ids of the right type."""
    kind = int if model is User else str
    wanted = {i for i in ids if isinstance(i, kind) and not isinstance(i, bool)
              and (kind is str or 0 < i < 2**31)}
    if not wanted:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(wanted)))
    return {row.id: getattr(row, label) if label else row for row in rows}


def _card_says(text) -> CardClaims | None:
    """What a scanned card carries, signature unchecked (anyone with a phone reads as much off the
    QR); None for what is not a card."""
    if not isinstance(text, str):
        return None
    try:
        return claims_unverified(text)
    except (CredentialError, ValueError, IndexError):
        return None


@use_case
def reapply_quarantined(
    user: User, entry_id: int, corrections: dict, note: str | None
) -> QuarantinedEvent:
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
        raise InvalidInput({"corrections": ["id, device_seq and scanned_by say which scan and "
                                            "whose: they cannot be corrected"]})
    device = db.session.get(Device, entry.device_id)
    checked = check_envelope(
        unsealed(entry.envelope, quarantine_binding(entry.device_id, entry.event_id)) | corrections
    )
    cards = CardVerifier(keyring.trusted_keys())
    pusher = db.session.get(User, entry.user_id)
    # As the push itself could: the pusher's scans, and if the phone signed it, those of the people
    # bound to the phone by then (not of someone who signed in on it later).
    vouched = {pusher.id: pusher} | (bound_members(device.id, by=entry.received_at)
                                     if entry.signed else {})
    authority = PushAuthority(device, pusher, signed=entry.signed, vouched=vouched)
    [result] = PushApplier(authority, cards, reviewer=user).run([checked])
    if result.status == "rejected":
        db.session.rollback()
        raise RuleRefused(result.reason, result.message)
    entry.status = "reapplied"
    entry.resolved_by = user.id
    entry.resolved_at = utcnow()
    entry.resolution = note or "re-applied" + (f" with corrections to {', '.join(corrections)}"
                                               if corrections else "")
    entry.resolved_event_id = result.id
    if result.status == "accepted" and set(result.flags) & set(DOUBTS) and not corrections:
        stored = db.session.scalar(select(Event).where(Event.id == result.id))
        if user.id not in (entry.user_id, stored.actor_id, stored.pushed_by):  # four eyes
            db.session.add(ReviewDecision(event_id=result.id, outcome="accepted",
                                          note=entry.resolution, decided_by=user.id))
            db.session.flush()
            refold(db.session.get(Worker, result.worker_id))
    audit.record("quarantine.reapplied", actor=user, target=f"worker:{result.worker_id}",
                 entry=entry.id, reason=entry.reason)
    return describe_entries(user, [entry])[0]


@use_case
def reveal_quarantined_id_number(user: User, entry_id: int, reason: str, *, assertion_at) -> str:
    """The full ID number a quarantined registration carried, by the reveal rule: a role that may
    reveal, a passkey sign-in minutes old, a reason; audited like a worker's reveal."""
    access.require(user, "id.reveal")
    entry = db.session.scalar(
        access.scope_quarantine(select(QuarantinedEvent), user).where(
            QuarantinedEvent.id == entry_id
        )
    )
    data = (entry.envelope or {}).get("data") if entry is not None else None
    if not isinstance(data, dict) or "id_number_enc" not in data:
        raise NotFound("quarantine_entry")
    require_fresh_passkey(assertion_at, "查看|reveal")
    number = unsealed(entry.envelope, quarantine_binding(entry.device_id, entry.event_id))["data"][
        "id_number"
    ]
    audit.record("id.revealed", actor=user, target=f"quarantine:{entry.id}", role=user.role,
                 reason=reason)
    return number


@use_case
def dismiss_quarantined(user: User, entry_id: int, reason: str) -> QuarantinedEvent:
    """Close a quarantined envelope without applying it; the reason is kept, and audited. Not by
    whoever pushed or made the scan (four eyes: a forged card's scan is evidence, not its maker's
    to drop)."""
    entry = _open_entry(user, entry_id)
    scanned_by = entry.envelope.get("scanned_by") if isinstance(entry.envelope, dict) else None
    if user.id in (entry.user_id, scanned_by):
        raise Forbidden("您上传或扫描的记录，须由另一位审核员处理。 A scan you pushed or made is "
                        "for another reviewer to settle.")
    entry.status = "dismissed"
    entry.resolved_by = user.id
    entry.resolved_at = utcnow()
    entry.resolution = reason
    audit.record("quarantine.dismissed", actor=user, target=f"quarantine:{entry.id}",
                 reason=entry.reason)
    return describe_entries(user, [entry])[0]


def _open_entry(user: User, entry_id: int) -> QuarantinedEvent:
    entry = db.session.scalar(
        access.scope_quarantine(select(QuarantinedEvent), user).where(
            QuarantinedEvent.id == entry_id
        )
    )
    if entry is None:
        raise NotFound("quarantine_entry")
    if entry.status != "open":
        raise Conflict(Reason.ALREADY_RESOLVED,
                       f"这条记录已处理（{entry.status}）。 This entry was already "
                       f"{entry.status}.")
    return entry
