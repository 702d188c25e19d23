"""The pull change log: one row per pullable thing, its position given at commit, in commit order.

A writer stages changes during its transaction (``stage_change``); just before the commit
the staged rows get the next positions *while holding a lock that lasts until the commit*
(a transaction-scoped advisory lock on PostgreSQL; SQLite's write lock, taken by BEGIN
IMMEDIATE, already serialises writers). So positions become visible in the order they were
given: a puller that has seen position n has seen everything below n, even with several
app processes writing at once. A sequence number taken at insert time would not do: a
transaction could take 104, another take 105 and commit first, and a puller reading then
would move its cursor past 104 for good.
"""
from __future__ import annotations

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session

from server.models import Change
from server.models.types import utcnow
from server.services.queries import hold_ordering_lock

_STAGED = "laborpass_changes"
_LOCK_KEY = 7_357_001  # any constant: the one advisory lock that orders change positions


def stage_change(session: Session, kind: str, entity_id: str, *, op: str = "upsert",
                 county_code: str = "", device_id: str | None = None) -> None:
    """Record that ``entity_id`` of ``kind`` changed in this transaction (the last word wins)."""
    staged = session.info.setdefault(_STAGED, {})
    key = (kind, entity_id, county_code or "")
    staged.pop(key, None)  # re-staging moves it to the end: positions follow the order of staging
    staged[key] = (op, device_id)


def install(session_factory) -> None:
    """Give staged changes their positions at every commit of sessions from ``session_factory``."""
    if not event.contains(session_factory, "before_commit", _assign_positions):
        event.listen(session_factory, "before_commit", _assign_positions)
        event.listen(session_factory, "after_soft_rollback", _forget_staged)


def _forget_staged(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_STAGED, None)


def _assign_positions(session: Session) -> None:
    staged = session.info.pop(_STAGED, None)
    if not staged:
        return
    session.flush()
    hold_ordering_lock(session, _LOCK_KEY)
    keys = list(staged)
    existing = {}
    by_kind: dict[str, set[str]] = {}
    for kind, entity_id, _county in keys:
        by_kind.setdefault(kind, set()).add(entity_id)
    for kind, entity_ids in by_kind.items():  # kind = ? AND entity_id IN (…): the unique index serves it
        for chunk in _chunks(sorted(entity_ids), 500):
            existing.update({
                (row.kind, row.entity_id, row.county_code): row.id
                for row in session.execute(select(Change.id, Change.kind, Change.entity_id, Change.county_code)
                                           .where(Change.kind == kind, Change.entity_id.in_(chunk)))
            })
    position = session.scalar(select(func.coalesce(func.max(Change.position), 0)))
    now = utcnow()
    updates, inserts = [], []
    for key in keys:
        position += 1
        op, device_id = staged[key]
        values = {"op": op, "position": position, "device_id": device_id, "changed_at": now}
        if key in existing:
            updates.append({"id": existing[key], **values})
        else:
            inserts.append({"kind": key[0], "entity_id": key[1], "county_code": key[2], **values})
    if updates:  # new positions are all above the old maximum: no clash with the ones they replace
        columns = ("op", "position", "device_id", "changed_at")
        statement = (Change.__table__.update().where(Change.id == bindparam("b_id"))
                     .values({column: bindparam("b_" + column) for column in columns}))
        session.execute(statement, [{"b_" + k: v for k, v in u.items()} for u in updates])
    if inserts:
        session.execute(Change.__table__.insert(), inserts)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
