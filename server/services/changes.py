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

from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
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
    position = session.scalar(select(func.coalesce(func.max(Change.position), 0)))
    now = utcnow()
    rows = [{"kind": kind, "entity_id": entity_id, "county_code": county, "op": op,
             "position": position + offset, "device_id": device_id, "changed_at": now}
            for offset,
            ((kind, entity_id, county), (op, device_id)) in enumerate(staged.items(), start=1)]
    # One upsert: a thing changed before gets its row moved to the new position. New positions
    # are all above the old maximum: no clash with the ones they replace.
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(Change.__table__)
    statement = insert.on_conflict_do_update(
        index_elements=["kind", "entity_id", "county_code"],
        set_={column: insert.excluded[column]
              for column in ("op", "position", "device_id", "changed_at")})
    for chunk in _chunks(rows, 500):
        session.execute(statement, chunk)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
