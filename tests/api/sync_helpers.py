"""Envelopes as a device makes them, and a push helper that keeps tests short (pretix's _redeem idea)."""
from __future__ import annotations

import datetime as dt
import uuid

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 2, 20, 9, 0, tzinfo=TZ)


def envelope(type="station.arrived", seq=1, *, credential=None, worker_id=None, context=None, data=None,
             at: dt.datetime | None = None, id=None, **extra) -> dict:
    body = {
        "id": id or str(uuid.uuid4()), "type": type, "device_seq": seq,
        "occurred_at": (at or T0 + dt.timedelta(minutes=seq)).isoformat(),
        "context": context if context is not None else ({"station": "福州站"} if type == "station.arrived" else {}),
        "data": data or {},
    }
    if credential:
        body["credential"] = credential
    if worker_id:
        body["worker_id"] = worker_id
    return body | extra


def push(client, auth, who, device, *events, status=200):
    response = client.post("/api/sync/push", json={"device_id": device, "events": list(events)},
                           headers=auth.headers(who))
    assert response.status_code == status, response.json
    return response.json


def statuses(body) -> list[tuple]:
    return [(r["status"], r["reason"]) for r in body["results"]]
