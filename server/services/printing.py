"""Which card faces to print for whom: scope checks in front of ``cards`` rendering."""
from __future__ import annotations

from sqlalchemy import select

from server.errors import InvalidInput, NoCard
from server.extensions import db
from server.models import User, Worker
from server.services import access
from server.services.cards import CardFace, card_face, render_sheet
from server.services.credentials import active_credential, ensure_credentials
from server.services.workers import view_worker


def face_for(worker_id: str, user: User) -> CardFace:
    """The face of the worker's current card."""
    worker = view_worker(worker_id, user, "card")
    credential = active_credential(worker)
    if credential is None:
        raise NoCard()
    return card_face(worker, credential)


def sheet_for(worker_ids: list[str], user: User) -> bytes:
    """A4 sheets with the cards of these workers, in the order given (duplicates printed once)."""
    access.require(user, "card.issue")
    wanted = list(dict.fromkeys(worker_ids))
    found = {
        w.id: w
        for w in db.session.scalars(
            access.scope_workers(select(Worker), user).where(Worker.id.in_(wanted))
        )
    }
    missing = [worker_id for worker_id in wanted if worker_id not in found]
    if missing:
        raise InvalidInput({"worker_ids": ["未找到或无权查看 / unknown or outside your scope: "
                                           f"{', '.join(missing[:20])}"]})
    workers = [found[worker_id] for worker_id in wanted]
    credentials = ensure_credentials(workers, user)
    return render_sheet([card_face(w, c) for w, c in zip(workers, credentials, strict=True)])
