"""The hostile QR corpus (``tests/hostile_qr.py``) through the server: ``/api/scan/verify`` answers
each with its reason, and a push of scans made with them stores nothing but one quarantine
entry each — no event, no worker touched."""
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Event, QuarantinedEvent, Worker
from tests.api.sync_helpers import envelope, push
from tests.hostile_qr import corpus


@pytest.fixture
def cards(client, auth, register):
    texts = []
    for n in (1, 2):
        worker = register(n)
        response = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers())
        texts.append(response.json["qr"])
    return texts


def test_scan_verify_answers_each_hostile_text_with_its_reason(client, auth, cards):
    answers = {label: client.post("/api/scan/verify", json={"qr": text},
                                  headers=auth.headers("greeter"))
               for label, text, _reason in corpus(*cards)}
    assert {label: (r.status_code, r.json["code"]) for label, r in answers.items()} == {
        label: (422, reason) for label, _text, reason in corpus(*cards)}
    assert (
        client.post(
            "/api/scan/verify", json={"qr": cards[0]}, headers=auth.headers("greeter")
        ).status_code
        == 200
    )
    too_long = client.post("/api/scan/verify", json={"qr": "LP1:" + "A" * 5000},
                           headers=auth.headers("greeter"))
    assert too_long.status_code == 422 and "qr" in too_long.json["errors"]


def test_pushed_scans_with_hostile_texts_are_quarantined_and_change_nothing(client, auth, cards):
    events_before = db.session.scalar(select(func.count()).select_from(Event))
    workers_before = [(w.id, w.status, w.updated_at)
                      for w in db.session.scalars(select(Worker).order_by(Worker.id))]
    # a text longer than any card (400 characters) fails the envelope's schema before the card is
    # read
    hostile = [(label, text, reason if len(text) <= 400 else "invalid_envelope") for label, text,
               reason in corpus(*cards)]
    body = push(client, auth, "greeter", "prank-phone",
                *(envelope(credential=text, seq=n + 1) for n,
                  (_label, text, _reason) in enumerate(hostile)))
    assert [(r["status"], r["reason"]) for r in body["results"]] == [("rejected", reason) for _l,
                                                                     _t, reason in hostile]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == events_before
    assert [
        (w.id, w.status, w.updated_at)
        for w in db.session.scalars(select(Worker).order_by(Worker.id))
    ] == workers_before
    kept = db.session.scalars(select(QuarantinedEvent).order_by(QuarantinedEvent.id)).all()
    assert [entry.reason for entry in kept] == [reason for _l, _t, reason in hostile]
