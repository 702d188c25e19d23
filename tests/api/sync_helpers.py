"""Envelopes as a device makes them, and a push helper that keeps tests short (pretix's _redeem
idea)."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import time_machine

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 2, 20, 9, 0, tzinfo=TZ)


def envelope(type="station.arrived", seq=1, *, credential=None, worker_id=None, context=None,
             data=None, at: dt.datetime | None = None, id=None, **extra) -> dict:
    body = {
        "id": id or str(uuid.uuid4()), "type": type, "device_seq": seq,
        "occurred_at": (at or T0 + dt.timedelta(minutes=seq)).isoformat(),
        "context": context if context is not None
        else ({"station": "福州站"} if type == "station.arrived" else {}), "data": data or {},
    }
    if credential:
        body["credential"] = credential
    if worker_id:
        body["worker_id"] = worker_id
    return body | extra


def push(client, auth, who, device, *events, status=200, received_at: dt.datetime | None = None,
         prompt=True):
    """Push as a phone that syncs at once: the server's clock travels to a minute after the
    batch's latest scan (``received_at``: to that moment; ``prompt=False``: stays now). A scan that
    reached the server more than a week after its day is ``late`` evidence: the tests that replay
    a history send it as it happened unless they test lateness."""
    if received_at is None and prompt:
        times = [dt.datetime.fromisoformat(e["occurred_at"]) for e in events
                 if isinstance(e, dict) and isinstance(e.get("occurred_at"), str)
                 and _parses(e["occurred_at"])]
        received_at = max(times) + dt.timedelta(minutes=1) if times else None
    with time_machine.travel(received_at, tick=True) if received_at else contextlib.nullcontext():
        response = client.post("/api/sync/push",
                               json={"device_id": device, "events": list(events)},
                               headers=auth.headers(who))
    assert response.status_code == status, response.json
    return response.json


def _parses(text: str) -> bool:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return moment.tzinfo is not None and dt.datetime(
        2001, 1, 1, tzinfo=dt.UTC
    ) < moment < dt.datetime(2098, 1, 1, tzinfo=dt.UTC)


def statuses(body) -> list[tuple]:
    return [(r["status"], r["reason"]) for r in body["results"]]


def onboard_reviewed(
    client, auth, onboarding: dict, *, employer="employer", device=None, reviewer="workstation"
) -> dict:
    """An employer's onboarding keyed in by id, as a test's set-up needs it to count: the push
    keeps it for a reviewer (``keyed_onboarding``), and the county's workstation accepts it, so the
    event is stored as the employer sent it (its id, time, data and actor), reviewed. Answers the
    stored result. (Onboardings scanned from the card after an arrival need none of this.)"""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import QuarantinedEvent

    body = push(client, auth, employer, device or f"{employer}-phone", onboarding)
    assert statuses(body) == [("rejected", "keyed_onboarding")], body
    entry = db.session.scalar(
        select(QuarantinedEvent.id).where(QuarantinedEvent.event_id == onboarding["id"])
    )
    with time_machine.travel(
        dt.datetime.fromisoformat(onboarding["occurred_at"]) + dt.timedelta(minutes=2), tick=True
    ):
        reviewed = client.post(f"/api/sync/quarantine/{entry}/reapply",
                               json={"note": "单位核实在岗"}, headers=auth.headers(reviewer))
    assert reviewed.status_code == 200, reviewed.json
    return {"id": onboarding["id"], "status": "accepted",
            "worker_id": reviewed.json["envelope"].get("worker_id")}


def void_reviewed(
    client, auth, void: dict, *, by="county", device="county-laptop", reviewer="workstation"
) -> dict:
    """A void of someone else's scan, as it must go: ``by`` pushes it, it waits in quarantine
    (``void_needs_review``), and a second reviewer re-applies it. Answers the re-applied entry."""
    from server.extensions import db
    from server.models import QuarantinedEvent

    assert statuses(push(client, auth, by, device, void)) == [("rejected", "void_needs_review")]
    entry = db.session.query(QuarantinedEvent.id).filter_by(event_id=void["id"]).scalar()
    reviewed = client.post(f"/api/sync/quarantine/{entry}/reapply", json={"note": "核实后作废"},
                           headers=auth.headers(reviewer))
    assert reviewed.status_code == 200, reviewed.json
    return reviewed.json


def quarantine(client, auth, who="admin", **args) -> dict:
    """A page of the quarantine as ``who`` sees it (``args``: its query)."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    response = client.get(f"/api/sync/quarantine?{query}", headers=auth.headers(who))
    assert response.status_code == 200, response.json
    return response.json


def quarantined(client, auth, event_id: str, who: str = "admin") -> dict:
    """The one quarantine entry of ``event_id`` that ``who`` sees."""
    [entry] = [e for e in quarantine(client, auth, who)["items"] if e["event_id"] == event_id]
    return entry
