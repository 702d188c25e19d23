"""What a phone keeps offline of each thing it pulls (``GET /api/sync/pull``: a change's ``data``),
as JSON values: enough to scan with no network, never the full ID number, phone or poverty status
of a worker."""
from __future__ import annotations

import datetime as dt

from schemas.batches import represent_batch
from server.domain.id_numbers import mask_from_parts
from server.domain.visibility import Viewer, visible_worker


def worker(row, viewer: Viewer) -> dict:
    """A worker (a row of the pull's own columns) as ``viewer`` may see them."""
    return visible_worker({
        "id": row.id, "name": row.name,
        "id_masked": mask_from_parts(row.id_region_code, row.id_last4),
        "id_last4": row.id_last4, "gender": row.gender,
        "home": {"county_code": row.home_county_code, "township": row.home_township},
        "status": row.status, "card_serial": row.card_serial,
        "current_employer_id": row.current_employer_id,
    }, viewer)


def key(signing_key) -> dict:
    return {"kid": signing_key.kid, "alg": "Ed25519", "public_key": signing_key.public_key,
            "status": signing_key.status}


def revocation(credential) -> dict:
    return {"serial": credential.serial, "revoked_at": credential.revoked_at.isoformat()}


def event(recorded) -> dict:
    """One of the phone's own events, as the server took it."""
    return {"id": recorded.id, "type": recorded.type, "worker_id": recorded.worker_id,
            "occurred_at": recorded.local_occurred_at.isoformat(),
            "recorded_at": recorded.recorded_at.isoformat(), "device_seq": recorded.device_seq,
            "context": recorded.context, "flags": recorded.flags}


def fair(held, employer_id: str | None) -> dict:
    """Enough to pick the fair, and the employers and jobs to sign for (an employer's own)."""
    return {
        "id": held.id, "name": held.name, "county_code": held.county_code,
        "township": held.township, "village": held.village, "venue": held.venue,
        "date": held.date.isoformat(),
        "starts_at": held.starts_at.isoformat(timespec="minutes"),
        "ends_at": held.ends_at.isoformat(timespec="minutes"),
        "employers": [{"id": e.id, "name": e.name} for e in held.employers
                      if employer_id in (None, e.id)],
        "postings": [{"id": p.id, "employer_id": p.employer_id, "job_type": p.job_type,
                      "title": p.title, "openings": p.openings, "wage_min": p.wage_min,
                      "wage_max": p.wage_max, "wage_basis": p.wage_basis, "housing": p.housing,
                      "food": p.food}
                     for p in held.postings if employer_id in (None, p.employer_id)],
    }


def batch(shown) -> dict:
    """What a greeter's phone keeps to run the board (``services.batches.ShownBatch``)."""
    represented = represent_batch(shown)
    return represented | {key: value.isoformat() for key, value in represented.items()
                          if isinstance(value, dt.datetime)}


def training(session) -> dict:
    return {"id": session.id, "title": session.title, "skill": session.skill,
            "place": session.place, "county_code": session.county_code,
            "starts_on": session.starts_on.isoformat(), "ends_on": session.ends_on.isoformat(),
            "hours": session.hours}
