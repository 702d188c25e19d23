"""The full ID number and the person's own rights over their record: a number revealed or
searched for (a passkey sign-in minutes old, a reason, audited), the worker's export of everything
kept about them, and who looked."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from schemas.workers import represent
from server.domain import calendar
from server.domain.id_numbers import parse_id_number
from server.domain.visibility import SECRET_KEYS
from server.errors import Forbidden
from server.extensions import db
from server.models import AuditEntry, Event, User, Worker
from server.models.types import utcnow
from server.services import access, audit
from server.services.protection import blind_index, decrypt_field
from server.services.unit_of_work import use_case
from server.services.workers import get_worker, own_worker, shown_one

REVEAL_ASSERTION_AGE = dt.timedelta(minutes=5)


def require_fresh_passkey(assertion_at: dt.datetime | None, then: str) -> None:
    """A full ID number is shown only after a passkey sign-in minutes old (a Bearer token never
    carries one): ``Forbidden`` otherwise, saying to sign in again and ``then`` (what to do next).
    """
    if assertion_at is None or utcnow() - assertion_at > REVEAL_ASSERTION_AGE:
        zh, en = then.split("|")
        raise Forbidden(f"请先用通行密钥重新验证身份，再{zh}。 Confirm with your passkey first "
                        f"(sign in again), then {en}.")


@use_case
def reveal_id_number(
    worker_id: str, user: User, reason: str, *, assertion_at: dt.datetime | None
) -> str:
    """The full ID number, for an officer who signed in with a passkey minutes ago and says why.

    Every reveal is an audit entry (who, role, which worker, why). Raises ``Forbidden`` for
    other roles and for a stale or missing passkey assertion (Bearer tokens never reveal).
    """
    access.require(user, "id.reveal")
    worker = get_worker(worker_id, user)
    require_fresh_passkey(assertion_at, "查看|reveal")
    number = decrypt_field(worker.id, "id_number", worker.id_number_enc)
    audit.record("id.revealed", actor=user, target=f"worker:{worker.id}", role=user.role,
                 reason=reason)
    return number


@use_case
def find_by_id_number(id_number: str, user: User) -> list[Worker]:
    """The worker with this ID number, if in ``user``'s scope; the search is an audit entry."""
    access.require(user, "worker.read")
    bidx = blind_index(parse_id_number(id_number, today=calendar.today()).number)
    found = db.session.scalars(
        access.scope_workers(select(Worker), user).where(Worker.id_number_bidx == bidx)
    ).all()
    audit.record("id.searched", actor=user, target=f"worker:{found[0].id}" if found else None,
                 role=user.role)
    return list(found)


@use_case
def export_own_record(user: User, *, assertion_at: dt.datetime | None) -> dict:
    """Everything kept about the signed-in worker, for them to keep (PIPL art. 45); audited. It
    holds the full ID number, so like a reveal it needs a passkey sign-in minutes old."""
    worker = own_worker(user)
    require_fresh_passkey(assertion_at, "导出|export")
    events = db.session.scalars(
        select(Event).where(Event.worker_id == worker.id).order_by(Event.occurred_at)
    ).all()
    audit.record("record.exported", actor=user, target=f"worker:{worker.id}", role=user.role)
    return {
        "record": represent(shown_one(worker, user)) | {
            "id_number": decrypt_field(worker.id, "id_number", worker.id_number_enc)},
        "events": [{"id": e.id, "type": e.type, "occurred_at": e.local_occurred_at.isoformat(),
                    "context": e.context,
                    "data": {k: v for k, v in e.data.items() if k not in SECRET_KEYS}}
                   for e in events],
        "record_views": record_views(user),
    }


def record_views(user: User) -> list[dict]:
    """Who looked at the signed-in worker's own record, newest first."""
    own_worker(user)
    entries = db.session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.details, User.name, User.role)
        .join(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target == f"worker:{user.worker_id}",
               AuditEntry.action.in_(("record.viewed", "id.revealed", "id.searched",
                                      "passkey.revoked")))
        .order_by(AuditEntry.id.desc()).limit(500))
    return [{"at": e.at, "action": e.action, "what": e.details.get("what"),
             "reason": e.details.get("reason"),
             "by_name": e.name, "by_role": e.role} for e in entries]
