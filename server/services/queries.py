"""What several services do with the database: a page of a query, an ordering lock, leaving
voided events out, and the events waiting for a reviewer."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from server.domain.lifecycle import REVIEW_FLAGS
from server.extensions import db
from server.models import Event, ReviewDecision


def paginate(query, page: int, per_page: int) -> tuple[list, int]:
    """One page of ``query`` (already ordered) and the number of rows in all pages."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page))), total


def in_chunks(model, column, ids, size: int = 900):
    """Rows of ``model`` whose ``column`` is one of ``ids``, in statements of ``size`` ids at most
    (SQLite takes at most 999 parameters a statement)."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield from db.session.scalars(select(model).where(column.in_(ids[start:start + size])))


def hold_ordering_lock(session: Session, key: int) -> None:
    """Serialise this step with every other transaction doing it, until this one ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, the write lock that
    ``BEGIN IMMEDIATE`` took already serialises writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def review_flagged(event=Event, flags=REVIEW_FLAGS):
    """A filter on ``event``: it carries one of ``flags`` (a JSON list: matched as text, the same
    on both databases). The review flags by default; the review queue also holds doubtful
    evidence (``domain.evidence.DOUBTS``)."""
    text = func.cast(event.flags, db.String)
    return or_(*[text.contains(f'"{flag}"') for flag in flags])


def awaiting_review(event=Event):
    """A filter on ``event``: it carries a review flag and no reviewer has decided it yet (what
    gives no scope until decided; doubtful evidence still does)."""
    return and_(review_flagged(event), ~exists().where(ReviewDecision.event_id == event.id))


def not_voided():
    """A filter on ``Event``: leave out the events an ``event.voided`` cancelled."""
    voided = select(Event.data["event_id"].as_string()).where(Event.type == "event.voided")
    return Event.id.not_in(voided)
