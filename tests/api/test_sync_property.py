"""Whatever the network does — interleaved devices, retries, duplicate sends, lost responses,
out-of-order delivery — the records equal the fold of each unique event applied once."""
import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server.domain.record import fold
from server.extensions import db
from server.models import Event, Worker
from server.services.events import to_fact
from tests.api.sync_helpers import TZ, envelope

SCANS = [
    ("fair.checked_in", {"fair_id": "f"}),
    ("fair.intent_signed", {"fair_id": "f", "employer_id": None}),
    ("batch.assigned", {"batch_id": "b"}),
    ("batch.departed", {"batch_id": "b"}),
    ("station.arrived", {"station": "福州站", "batch_id": "b"}),
    ("station.arrived", {"station": "福州南站"}),
    ("employer.onboarded", {"employer_id": None}),
    ("employment.confirmed", {"employer_id": None}),
    ("employment.ended", {"employer_id": None}, {"reason": "homesick"}),
    ("employer.onboarded", {"employer_id": None}),
    ("training.attended", {"training_id": "t"}),
]
_people = itertools.count(1)

scenario = st.fixed_dictionaries({
    "scans": st.lists(st.lists(st.sampled_from(range(len(SCANS))), min_size=1, max_size=8), min_size=1, max_size=3),
    "devices": st.integers(min_value=1, max_value=3),
    "network": st.randoms(use_true_random=False),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(scenario)
def test_records_equal_the_fold_of_unique_events(client, auth, register, case):
    rnd = case["network"]
    employer_id = auth.employer_id()
    workers = [register(next(_people))["id"] for _ in case["scans"]]
    devices = [f"prop-{next(_people)}" for _ in range(case["devices"])]
    queues: dict[str, list[dict]] = {d: [] for d in devices}
    minute = itertools.count(1)
    generated = []
    for worker_id, picks in zip(workers, case["scans"], strict=True):
        for pick in picks:
            type, context, *data = SCANS[pick]
            device = rnd.choice(devices)
            context = {k: v or employer_id for k, v in context.items()}
            at = dt.datetime(2026, 3, 1, tzinfo=TZ) + dt.timedelta(minutes=next(minute) * 7)
            event = envelope(type, len(queues[device]) + 1, worker_id=worker_id, context=context, at=at,
                             data=data[0] if data else None)
            queues[device].append(event)
            generated.append(event)

    # The network: chunks in random order across devices, some sent twice, some answered never.
    sends = []
    for device, queue in queues.items():
        rnd.shuffle(queue)  # offline devices send in whatever order their outbox gives
        cut = sorted(rnd.sample(range(1, len(queue)), k=min(len(queue) - 1, rnd.randint(0, 3)))) if len(queue) > 1 else []
        for chunk in (queue[a:b] for a, b in zip([0, *cut], [*cut, len(queue)], strict=True)):
            sends += [(device, chunk)] * rnd.choice((1, 1, 2, 3))
    rnd.shuffle(sends)
    for device, chunk in sends:
        body = client.post("/api/sync/push", json={"device_id": device, "events": chunk},
                           headers=auth.headers()).json
        assert {r["status"] for r in body["results"]} <= {"accepted", "duplicate"}, body

    stored_ids = db.session.scalars(select(Event.id).where(Event.id.in_([e["id"] for e in generated]))).all()
    assert sorted(stored_ids) == sorted(e["id"] for e in generated)  # each exactly once
    db.session.expire_all()
    for worker_id in workers:
        worker = db.session.get(Worker, worker_id)
        registration = db.session.scalars(select(Event).where(Event.worker_id == worker_id,
                                                              Event.type == "worker.registered")).one()
        mine = [e for e in generated if e["worker_id"] == worker_id]
        expected = fold([to_fact(registration)] + [
            to_fact(Event(id=e["id"], type=e["type"], occurred_at=dt.datetime.fromisoformat(e["occurred_at"]),
                          occurred_offset_minutes=480, recorded_at=registration.recorded_at,
                          context=e["context"], data=e["data"]))
            for e in mine])
        assert (worker.status, worker.milestones, worker.current_employer_id, worker.employed_since,
                worker.employment_ended_on, worker.last_confirmed_on, worker.event_count) == (
            expected.status or "registered", expected.milestones, expected.current_employer_id,
            expected.employed_since, expected.employment_ended_on, expected.last_confirmed_on, expected.event_count)
