"""The pull: what a phone needs to work offline, as changes after an opaque cursor."""
from __future__ import annotations

import base64

from sqlalchemy import and_, case, select

from schemas import offline
from server.domain.reasons import Reason
from server.errors import InvalidInput
from server.extensions import db
from server.models import (
    Batch,
    Change,
    Credential,
    Event,
    Fair,
    SigningKey,
    Training,
    User,
    Worker,
)
from server.services import access
from server.services.batches import shown_batch
from server.services.queries import in_chunks
from server.services.sync.devices import is_member

CURSOR_PREFIX = "p1:"
_SUMMARY_COLUMNS = (Worker.id, Worker.name, Worker.id_region_code, Worker.id_last4, Worker.gender,
                    Worker.home_county_code, Worker.home_township, Worker.status,
                    Worker.card_serial, Worker.current_employer_id)


def pull(user: User, device_id: str, cursor: str, limit: int) -> dict:
    """Changes after ``cursor`` that ``user`` may see, oldest first; an empty cursor pulls
    everything. The events a device recorded go to its members only. A pull writes nothing: it
    joins no device."""
    after = decode_cursor(cursor)
    own_device = device_id if is_member(user, device_id) else None
    # the scope test is wrapped in a CASE so that no index can serve it: the database then walks
    # the position index in order and stops at the limit, instead of sorting every candidate
    page = (
        select(Change.kind, Change.entity_id, Change.op, Change.position)
        .where(Change.position > after,
               case((access.pullable_changes(user, own_device), 1), else_=0) == 1)
        .order_by(Change.position).limit(limit + 1).subquery()
    )
    # Core rows: no ORM bookkeeping for tens of thousands of them
    rows = db.session.connection().execute(
        # Workers, most of any pull, come in the same query as their change rows: joined to the
        # page only, whatever plan the database picks for the page.
        select(page, *_SUMMARY_COLUMNS)
        .outerjoin(Worker, and_(page.c.kind == "worker", page.c.op == "upsert",
                                Worker.id == page.c.entity_id))
        .order_by(page.c.position)
    ).all()
    more, rows = len(rows) > limit, rows[:limit]
    changes = describe_changes(rows, user)
    db.session.rollback()  # a read: end it (on SQLite every transaction holds the write lock)
    return {"changes": changes, "cursor": encode_cursor(rows[-1].position if rows else after),
            "more": more}


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text_value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text_value.startswith(CURSOR_PREFIX):
            raise ValueError
        return int(text_value[len(CURSOR_PREFIX):])
    except ValueError:
        raise InvalidInput({"cursor": ["游标无效，请从头同步。 Not a cursor from this server: "
                                       "pull again without one."]},
                           code=Reason.INVALID_CURSOR) from None


def describe_changes(rows: list, user: User) -> list[dict]:
    """Each change with the current state of its thing (``None`` for deletions), as the phone
    keeps it (``schemas.offline``)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.op == "upsert" and row.kind != "worker":
            wanted.setdefault(row.kind, set()).add(row.entity_id)
    loaded = {kind: _LOADERS[kind](ids, user) for kind, ids in wanted.items()}
    viewer = access.viewer_of(user)
    loaded["worker"] = {row.entity_id: offline.worker(row, viewer)
                        for row in rows if row.kind == "worker" and row.id is not None}
    return [
        {"kind": row.kind, "id": row.entity_id, "op": row.op,
         "data": loaded[row.kind].get(row.entity_id) if row.op == "upsert" else None}
        for row in rows
    ]


def _load_keys(ids, user):
    keys = select(SigningKey).where(SigningKey.id.in_([int(i) for i in ids]))
    return {str(k.id): offline.key(k) for k in db.session.scalars(keys)}


def _load_revocations(ids, user):
    return {c.serial: offline.revocation(c)
            for c in db.session.scalars(select(Credential).where(Credential.serial.in_(ids)))}


def _load_events(ids, user):
    return {e.id: offline.event(e) for e in in_chunks(Event, Event.id, ids)}


def _load_fairs(ids, user):
    employer_id = access.own_employer(user)
    return {f.id: offline.fair(f, employer_id) for f in in_chunks(Fair, Fair.id, ids)}


def _load_batches(ids, user):
    return {b.id: offline.batch(shown_batch(b)) for b in in_chunks(Batch, Batch.id, ids)}


def _load_trainings(ids, user):
    return {t.id: offline.training(t) for t in in_chunks(Training, Training.id, ids)}


_LOADERS = {"key": _load_keys, "revocation": _load_revocations, "event": _load_events,
            "fair": _load_fairs, "batch": _load_batches, "training": _load_trainings}
