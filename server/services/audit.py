"""The audit trail: append-only, every entry chained to the previous one by SHA-256.

``hash = SHA-256(prev_hash ‖ canonical JSON of the entry)``: changing or deleting a row in the
database breaks the chain at that row, which ``verify_chain`` reports. Appends are serialised
(an advisory lock on PostgreSQL, the write lock on SQLite) so the chain never forks. Deleting the
last rows leaves a chain that still holds: its signed head, published outside the database after
each commit (``audit_head``), shows the cut.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, User
from server.models.types import utcnow
from server.services import access, audit_head
from server.services.queries import Page, hold_ordering_lock, paginate

GENESIS = "0" * 64
_LOCK_KEY = 7_357_002


def record(
    action: str, *, actor: User | None = None, target: str | None = None, **details
) -> AuditEntry:
    """Append an entry in the current transaction (it lasts if the transaction commits)."""
    hold_ordering_lock(db.session, _LOCK_KEY)
    previous = (
        db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
        or GENESIS
    )
    entry = AuditEntry(at=utcnow(), actor_id=actor.id if actor else None, action=action,
                       target=target, details=details, prev_hash=previous)
    entry.hash = entry_hash(entry, previous)
    db.session.add(entry)
    db.session.flush()
    audit_head.note_append(db.session)
    return entry


def list_entries(user: User, args: dict) -> Page:
    """Entries newest first, filtered by action, target or actor (admins only)."""
    access.require(user, "audit.read")
    query = select(AuditEntry)
    for arg in ("action", "target", "actor_id"):
        if args.get(arg) is not None:
            query = query.where(getattr(AuditEntry, arg) == args[arg])
    return paginate(query.order_by(AuditEntry.id.desc()), args)


def entry_hash(entry: AuditEntry, previous: str) -> str:
    content = json.dumps({"at": entry.at.isoformat(), "actor_id": entry.actor_id,
                          "action": entry.action,
                          "target": entry.target, "details": entry.details}, sort_keys=True,
                         ensure_ascii=False)
    return hashlib.sha256((previous + content).encode()).hexdigest()


def verify_chain() -> int | None:
    """The id of the first entry that does not follow from the one before it, or ``None``."""
    previous = GENESIS
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if entry.prev_hash != previous or entry_hash(entry, previous) != entry.hash:
            return entry.id
        previous = entry.hash
    return None
