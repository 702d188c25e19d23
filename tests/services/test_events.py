"""The stored record always equals the fold of the worker's events, whatever order they came in."""
import datetime as dt
import random

from sqlalchemy import select

from server.domain.record import fold
from server.extensions import db
from server.models import Event, Worker
from server.services.events import rebuild_all_records, record_event, to_fact

TZ = dt.timezone(dt.timedelta(hours=8))


def scans(employer_id):
    start = dt.datetime(2026, 2, 10, 9, tzinfo=TZ)
    return [
        ("fair.checked_in", start, {"fair_id": "fair-1"}),
        ("fair.intent_signed", start + dt.timedelta(hours=2),
         {"fair_id": "fair-1", "employer_id": employer_id}),
        ("batch.assigned", start + dt.timedelta(days=2), {"batch_id": "batch-1"}),
        ("batch.departed", start + dt.timedelta(days=9), {"batch_id": "batch-1"}),
        ("station.arrived", start + dt.timedelta(days=11),
         {"station": "福州站", "batch_id": "batch-1"}),
        ("employer.onboarded", start + dt.timedelta(days=11, hours=6),
         {"employer_id": employer_id}),
        ("employment.confirmed", start + dt.timedelta(days=40), {"employer_id": employer_id}),
    ]


def snapshot(worker):
    return {c.key: getattr(worker, c.key) for c in Worker.__table__.columns
            if c.key not in ("id", "created_at", "updated_at", "id_number_enc", "id_number_bidx",
                             "id_last4", "id_region_code", "birth_date", "gender", "phone",
                             "last_event_at", "stability_facts", "spells")}


def test_late_offline_scans_give_the_same_record_as_scans_in_order(register, auth):
    admin, employer_id = auth.users["admin"], auth.employer_id()
    in_order = db.session.get(Worker, register(1)["id"])
    shuffled = db.session.get(Worker, register(2)["id"])
    events = scans(employer_id)
    for type, at, context in events:
        record_event(in_order, type, actor=admin, occurred_at=at, context=context)
    for type, at, context in random.Random(7).sample(events, len(events)):
        record_event(shuffled, type, actor=admin, occurred_at=at, context=context)
    db.session.commit()

    assert shuffled.status == in_order.status == "employed"
    assert snapshot(shuffled) == snapshot(in_order)
    # the same employment events, in the same order (their ids and recording times differ)
    assert [f[1:3] for f in shuffled.stability_facts] == [f[1:3] for f in in_order.stability_facts]
    assert [evidence[:2] for evidence in shuffled.spells[0][4]] == [
        evidence[:2] for evidence in in_order.spells[0][4]
    ]
    assert shuffled.onboarded_on == shuffled.arrived_on == dt.date(2026, 2, 21)
    assert shuffled.employed_since == dt.date(2026, 2, 21)
    assert shuffled.milestones["arrived"] == "2026-02-21"
    stored = db.session.scalars(select(Event).where(Event.worker_id == shuffled.id)).all()
    assert fold(map(to_fact, stored)).status == "employed"


def test_event_keeps_the_device_offset_and_context_columns(register, auth):
    worker = db.session.get(Worker, register()["id"])
    at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=TZ)  # 15:30 UTC: still 1 March in Fuzhou
    event = record_event(worker, "station.arrived", actor=auth.users["greeter"], occurred_at=at,
                         context={"station": "福州站", "batch_id": "b-9"}, device_id="pixel-3")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Event, event.seq)
    assert stored.local_occurred_at.isoformat() == "2026-03-01T23:30:00+08:00"
    assert (
        stored.batch_id == "b-9"
        and stored.device_id == "pixel-3"
        and stored.actor_id == auth.users["greeter"].id
    )
    assert worker.milestones["arrived"] == "2026-03-01"


def test_rebuild_check_finds_no_difference_after_normal_use(register, auth):
    worker = db.session.get(Worker, register()["id"])
    record_event(worker, "employer.onboarded", actor=auth.users["admin"],
                 context={"employer_id": auth.employer_id()})
    db.session.commit()
    assert rebuild_all_records(check_only=True) == []
    db.session.execute(Worker.__table__.update().values(status="ended"))  # a record tampered with
    db.session.commit()
    assert rebuild_all_records(check_only=True) == [worker.id]
    assert rebuild_all_records() == [worker.id]
    db.session.commit()
    assert rebuild_all_records(check_only=True) == []
