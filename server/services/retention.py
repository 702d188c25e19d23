"""The retention rule carried out: erase the people who left the program long ago.

Erasing a worker removes their personal data everywhere it is kept — the record, the data of
every event (the one change the event log allows, see migration 0004), the card texts, their
own sign-in — and tells every device to drop them. The record stays, anonymous, for the
statistics: county, township, status, milestones, dates, employer. Old quarantine entries,
which hold raw envelopes, go too.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from server.domain import calendar
from server.domain.retention import erasure_cutoff, redact
from server.extensions import db
from server.models import ApiToken, Credential, Event, Passkey, QuarantinedEvent, User, Worker
from server.models.types import utcnow
from server.services import audit
from server.services.changes import stage_change
from server.services.events import refold
from server.services.unit_of_work import use_case


@dataclass
class RetentionReport:
    cutoff: dt.date
    workers: int = 0
    by_county: Counter = field(default_factory=Counter)
    events: int = 0
    quarantine_entries: int = 0

    def lines(self) -> list[str]:
        counties = ", ".join(f"{county}: "
                             f"{n}" for county, n in sorted(self.by_county.items())) or "none"
        return [f"last activity before {self.cutoff.isoformat()}",
                f"workers: {self.workers} ({counties})",
                f"events redacted: {self.events}",
                f"quarantine entries removed: {self.quarantine_entries}"]


@use_case
def apply_retention(years: int, *, today: dt.date | None = None, dry_run: bool = False,
                    actor: User | None = None) -> RetentionReport:
    """Erase every worker with no activity for ``years`` years; with ``dry_run`` only count them.
    """
    cutoff = erasure_cutoff(today or calendar.today(), years)
    cutoff_at = calendar.start_of(cutoff)  # the programme's day begins in Beijing
    report = RetentionReport(cutoff)
    due = db.session.scalars(select(Worker).where(Worker.erased_at.is_(None),
                                                  Worker.last_event_at < cutoff_at)
                             .order_by(Worker.id)).all()
    old_quarantine = QuarantinedEvent.received_at < cutoff_at
    report.quarantine_entries = db.session.scalar(select(func.count()).where(old_quarantine))
    for worker in due:
        report.workers += 1
        report.by_county[worker.home_county_code] += 1
        if dry_run:
            report.events += db.session.scalar(
                select(func.count()).where(Event.worker_id == worker.id)
            )
        else:
            report.events += erase_worker(worker, actor=actor)
    if dry_run:
        db.session.rollback()
        return report
    db.session.execute(delete(QuarantinedEvent).where(old_quarantine))
    audit.record("retention.applied", actor=actor, years=years, cutoff=cutoff.isoformat(),
                 workers=report.workers,
                 events=report.events, quarantine_entries=report.quarantine_entries)
    return report


def erase_worker(worker: Worker, *, actor: User | None = None) -> int:
    """Remove ``worker``'s personal data (in the current transaction); answer how many events were
    redacted."""
    now = utcnow()
    events = db.session.scalars(
        select(Event).where(Event.worker_id == worker.id, Event.redacted_at.is_(None))
    ).all()
    for event in events:
        event.data = redact(event.type, event.data or {})
        event.raw_code = None
        event.redacted_at = now
    for credential in db.session.scalars(
        select(Credential).where(Credential.worker_id == worker.id)
    ):
        credential.qr = ""  # the card text names the person
        if credential.revoked_at is None:
            credential.revoked_at = now
            credential.revoked_reason = "erased under the retention rule"
            stage_change(db.session, "revocation", credential.serial)
    for user in db.session.scalars(select(User).where(User.worker_id == worker.id)):
        user.active = False
        user.name = f"erased-{user.id}"
        user.webauthn_handle = None
        db.session.execute(update(Passkey).where(Passkey.user_id == user.id,
                                                 Passkey.revoked_at.is_(None))
                           .values(revoked_at=now))
        db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                                  ApiToken.revoked_at.is_(None))
                           .values(revoked_at=now))
    db.session.flush()
    refold(worker)  # the record now folds from the redacted events: no name, no ID number
    worker.erased_at = now
    stage_change(db.session, "worker", worker.id, op="delete", county_code=worker.home_county_code)
    audit.record("worker.erased", actor=actor, target=f"worker:{worker.id}", events=len(events))
    return len(events)
