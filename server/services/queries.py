"""What several services do with the database: a page of a query, an ordering lock, leaving
voided events out, and the events waiting for a reviewer."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from server.domain.lifecycle import REVIEW_FLAGS
from server.extensions import db
from server.models import Event, ReviewDecision


@dataclass(frozen=True)
class Page:
    """One page of a list, and how many there are in all pages (``schemas.paging.page_of`` shapes
    it)."""

    items: list
    total: int
    page: int
    per_page: int

    def with_items(self, items: list) -> Page:
        """The same page holding ``items`` instead (what a view or a service made of them)."""
        return replace(self, items=items)


def paginate(query, args: dict, *, rows: bool = False) -> Page:
    """The page ``args`` ask for (``page``, ``per_page``: ``schemas.paging.PageArgsSchema``) of
    ``query``, already ordered: its first entity, or whole rows (``rows``) when it selects several.
    """
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    window = query.offset((page - 1) * per_page).limit(per_page)
    items = (
        [tuple(row) for row in db.session.execute(window)]
        if rows
        else list(db.session.scalars(window))
    )
    return Page(items, total, page, per_page)


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
