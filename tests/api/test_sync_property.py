"""Whatever the network does — interleaved devices, retries, duplicate sends, lost responses,
out-of-order delivery — the records equal the fold of each unique event applied once.

Two oracles: for fixed scenarios, the record and the report columns a person expects, written out
by hand from the programme's rules (they would catch a bug in the fold itself); for random
scenarios, the fold of the unique events (a bug in applying them one push at a time)."""
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server.domain.record import fold
from server.extensions import db
from server.models import Event, Worker
from server.services.events import to_fact
from tests.api.sync_helpers import TZ, envelope

# its scans name the fair "f", the batch "b", the training "t"
pytestmark = pytest.mark.usefixtures("fair", "batch", "training")

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
    "scans": st.lists(st.lists(st.sampled_from(range(len(SCANS))), min_size=1, max_size=8),
                      min_size=1, max_size=3),
    "devices": st.integers(min_value=1, max_value=3),
    "network": st.randoms(use_true_random=False),
})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
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
            event = envelope(type, len(queues[device]) + 1, worker_id=worker_id, context=context,
                             at=at, data=data[0] if data else None)
            queues[device].append(event)
            generated.append(event)

    # The network: chunks in random order across devices, some sent twice, some answered never.
    sends = []
    for device, queue in queues.items():
        rnd.shuffle(queue)  # offline devices send in whatever order their outbox gives
        cut = (
            sorted(rnd.sample(range(1, len(queue)), k=min(len(queue) - 1, rnd.randint(0, 3))))
            if len(queue) > 1
            else []
        )
        for chunk in (queue[a:b] for a, b in zip([0, *cut], [*cut, len(queue)], strict=True)):
            sends += [(device, chunk)] * rnd.choice((1, 1, 2, 3))
    rnd.shuffle(sends)
    for device, chunk in sends:
        body = client.post("/api/sync/push", json={"device_id": device, "events": chunk},
                           headers=auth.headers()).json
        assert {r["status"] for r in body["results"]} <= {"accepted", "duplicate"}, body

    stored_ids = db.session.scalars(
        select(Event.id).where(Event.id.in_([e["id"] for e in generated]))
    ).all()
    assert sorted(stored_ids) == sorted(e["id"] for e in generated)  # each exactly once
    db.session.expire_all()
    for worker_id in workers:
        worker = db.session.get(Worker, worker_id)
        registration = db.session.scalars(
            select(Event).where(Event.worker_id == worker_id, Event.type == "worker.registered")
        ).one()
        mine = [e for e in generated if e["worker_id"] == worker_id]
        expected = fold([to_fact(registration)] + [
            to_fact(Event(id=e["id"], type=e["type"],
                          occurred_at=dt.datetime.fromisoformat(e["occurred_at"]),
                          occurred_offset_minutes=480, recorded_at=registration.recorded_at,
                          context=e["context"], data=e["data"]))
            for e in mine])
        assert (worker.status, worker.milestones, worker.current_employer_id,
                worker.employed_since,
                worker.employment_ended_on, worker.last_confirmed_on, worker.event_count) == (
            expected.status or "registered", expected.milestones, expected.current_employer_id,
            expected.employed_since, expected.employment_ended_on, expected.last_confirmed_on,
            expected.event_count)


def beijing(day: str, hh_mm: str = "09:00") -> str:
    return dt.datetime.fromisoformat(f"2026-{day}T{hh_mm}:00+08:00").isoformat()


# (type, context, data, when): the employer "E" and the other employer "O" are filled in.
JOURNEY = [
    ("fair.checked_in", {"fair_id": "f"}, {}, beijing("03-01")),
    ("fair.intent_signed", {"fair_id": "f", "employer_id": "E"}, {}, beijing("03-01", "10:30")),
    ("batch.assigned", {"batch_id": "b"}, {}, beijing("03-02")),
    ("batch.departed", {"batch_id": "b"}, {}, beijing("03-05", "08:00")),
    # 00:40 in Beijing on 6 March, sent as UTC: 16:40 on the 5th. The day is Beijing's.
    ("station.arrived", {"station": "福州站", "batch_id": "b"}, {}, "2026-03-05T16:40:00+00:00"),
    ("employer.onboarded", {"employer_id": "E"}, {}, beijing("03-07")),
    ("employment.confirmed", {"employer_id": "E"}, {}, beijing("04-07")),
]
BACK_WITHIN_15_DAYS = [
    *JOURNEY[:6],
    ("employment.ended", {"employer_id": "E"}, {"reason": "homesick"}, beijing("03-20")),
    # 12 days later: employment goes on
    ("employer.onboarded", {"employer_id": "O"}, {}, beijing("04-01")),
]
GONE_FOR_GOOD = [
    *JOURNEY[:6],
    ("employment.ended", {"employer_id": "E"}, {"reason": "pay"}, beijing("03-20")),
    # no employment: no change
    ("employment.ended", {"employer_id": "E"}, {"reason": "pay"}, beijing("03-25")),
    # a second check-in the same day
    ("fair.checked_in", {"fair_id": "f"}, {}, beijing("03-01", "09:05")),
]
LATER_SCANS_FIRST = [  # an arrival with no batch and nothing before it but the registration
    ("station.arrived", {"station": "福州南站"}, {}, beijing("03-06")),
    ("employer.onboarded", {"employer_id": "E"}, {"start_date": "2026-03-09"}, beijing("03-10")),
]

# What the record and the report columns say afterwards, from the programme's rules: the status is
# the furthest stage of the current cycle and each milestone the day (in Beijing) it was reached;
# a new job within 15 days of the last one's end keeps ``employed_since``; an end with no
# employment changes nothing; the report columns keep the first day each stage (or one past it)
# was reached, and the employer counted is the first onboarding's.
REGISTERED = "2025-06-02"
EXPECTED = {
    "journey": (JOURNEY, dict(
        status="employed", employer="E", employed_since="2026-03-07", ended_on=None,
        confirmed="2026-04-07",
        milestones={"registered": REGISTERED, "at_fair": "2026-03-01", "intent": "2026-03-01",
                    "assigned": "2026-03-02", "departed": "2026-03-05", "arrived": "2026-03-06",
                    "employed": "2026-03-07"},
        columns={"fair_on": "2026-03-01", "intent_on": "2026-03-01", "assigned_on": "2026-03-02",
                 "departed_on": "2026-03-05", "arrived_on": "2026-03-06",
                 "onboarded_on": "2026-03-07"},
        counted="E", events=8)),
    "back within 15 days": (BACK_WITHIN_15_DAYS, dict(
        status="employed", employer="O", employed_since="2026-03-07", ended_on=None,
        confirmed=None,
        milestones={"registered": REGISTERED, "at_fair": "2026-03-01", "intent": "2026-03-01",
                    "assigned": "2026-03-02", "departed": "2026-03-05", "arrived": "2026-03-06",
                    "employed": "2026-04-01", "ended": "2026-03-20"},
        columns={"fair_on": "2026-03-01", "arrived_on": "2026-03-06",
                 "onboarded_on": "2026-03-07"},
        counted="E", events=9)),
    "gone for good": (GONE_FOR_GOOD, dict(
        status="ended", employer=None, employed_since="2026-03-07", ended_on="2026-03-20",
        confirmed=None,
        milestones={"registered": REGISTERED, "at_fair": "2026-03-01", "intent": "2026-03-01",
                    "assigned": "2026-03-02", "departed": "2026-03-05", "arrived": "2026-03-06",
                    "employed": "2026-03-07", "ended": "2026-03-20"},
        columns={"fair_on": "2026-03-01", "onboarded_on": "2026-03-07"},
        counted="E", events=10)),
    "later scans first": (LATER_SCANS_FIRST, dict(
        status="employed", employer="E", employed_since="2026-03-09", ended_on=None,
        confirmed=None,
        milestones={"registered": REGISTERED, "arrived": "2026-03-06", "employed": "2026-03-10"},
        # whoever arrived came to a fair, signed, was assigned and departed: on or before that day
        columns={"fair_on": "2026-03-06", "intent_on": "2026-03-06", "assigned_on": "2026-03-06",
                 "departed_on": "2026-03-06", "arrived_on": "2026-03-06",
                 "onboarded_on": "2026-03-10"},
        counted="E", events=3)),
}
DELIVERIES = {
    "in order, one push": lambda events: [events],
    "newest first, one by one, each sent twice": lambda events: [[e] for e in reversed(events)
                                                                 for _ in (1, 2)],
    "two phones interleaved, the second's first": lambda events: [events[1::2], events[0::2],
                                                                  events[1::2]],
}


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize("scenario", EXPECTED)
def test_the_record_is_what_the_rules_say_however_the_scans_arrive(client, auth, register,
                                                                   scenario, delivery):
    steps, expected = EXPECTED[scenario]
    employers = {"E": auth.employer_id(), "O": auth.employer_id("other_employer"), None: None}
    worker_id = register(0)["id"]
    events = [envelope(type, 0, worker_id=worker_id,
                       context={k: employers.get(v, v) for k, v in context.items()},
                       data=data, at=dt.datetime.fromisoformat(when)) for type, context, data,
              when in steps]
    for phone, chunk in enumerate(DELIVERIES[delivery](events)):
        for event in chunk:  # a phone numbers what it sends; a resent event keeps its number
            event["device_seq"] = event["device_seq"] or next(_people)
        body = client.post("/api/sync/push",
                           json={"device_id": f"oracle-{phone % 2}", "events": chunk},
                           headers=auth.headers()).json
        assert {r["status"] for r in body["results"]} <= {"accepted", "duplicate"}, body
    db.session.expire_all()
    worker = db.session.get(Worker, worker_id)
    day = lambda value: value and value.isoformat()  # noqa: E731
    assert (worker.status, worker.current_employer_id, day(worker.employed_since),
            day(worker.employment_ended_on),
            day(worker.last_confirmed_on), worker.milestones, worker.event_count) == (
        expected["status"], employers[expected["employer"]], expected["employed_since"],
        expected["ended_on"], expected["confirmed"], expected["milestones"], expected["events"])
    assert day(worker.registered_on) == REGISTERED
    assert {column: day(getattr(worker, column)) for column in expected["columns"]} == expected[
        "columns"
    ]
    assert worker.counted_employer_id == employers[expected["counted"]]
