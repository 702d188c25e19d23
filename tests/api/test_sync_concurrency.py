
"""Eight devices pushing at once while another device pulls without pause: no push fails with
"database is locked", and the puller's cursor never passes a change that committed late."""
import threading
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Worker
from server.services.events import rebuild_all_records
from tests.api.sync_helpers import envelope
from tests.conftest import http_json, person

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

WRITERS, PUSHES, PER_PUSH = 8, 6, 5


def test_concurrent_pushers_lose_nothing_and_the_puller_skips_nothing(live_server, auth):
    token = auth.tokens["admin"]
    registered, failures = [], []
    pulled: set[str] = set()
    done = threading.Event()

    def writer(number: int):
        device = f"writer-{number}"
        for push_number in range(PUSHES):
            events = []
            for i in range(PER_PUSH):
                n = 10_000 + number * 1000 + push_number * PER_PUSH + i
                events.append(envelope("worker.registered", push_number * PER_PUSH + i + 1,
                                       worker_id=str(uuid.uuid4()), data=person(n)))
            status, body = http_json("POST", f"{live_server}/api/sync/push",
                                     {"device_id": device, "events": events}, token=token)
            if status != 200 or any(r["status"] != "accepted" for r in body["results"]):
                failures.append((status, body))
            else:
                registered.extend(r["worker_id"] for r in body["results"])

    def pull_once(cursor: str) -> tuple[str, bool]:
        status, body = http_json("GET",
                                 f"{live_server}/api/sync/pull?device_id=puller&limit=7&cursor={cursor}",
                                 token=token)
        assert status == 200, body
        pulled.update(c["id"] for c in body["changes"] if c["kind"] == "worker")
        return body["cursor"], body["more"]

    def puller():
        cursor = ""
        while not done.is_set():
            cursor, _ = pull_once(cursor)
        more = True
        while more:
            cursor, more = pull_once(cursor)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    pull_thread = threading.Thread(target=puller)
    pull_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    pull_thread.join()

    assert failures == []
    assert len(registered) == WRITERS * PUSHES * PER_PUSH
    assert db.session.scalar(select(func.count()).select_from(Worker)) == len(registered)
    assert set(registered) <= pulled, f"the cursor skipped {len(set(registered) - pulled)} workers"


def test_phones_scanning_the_same_people_at_once_leave_each_record_equal_to_its_events(
    live_server, auth, register
):
    # Each push re-folds the workers it touches from their events: two pushes folding the same
    # worker at once must not write a record that misses the other's event.
    workers = [register(n=n)["id"] for n in range(3)]
    db.session.rollback()
    failures = []

    def phone(number: int):
        for push_number in range(10):
            events = [envelope("fair.checked_in", push_number * 6 + i + 1,
                               worker_id=workers[(number + i) % 3],
                               context={"fair_id": "f"}) for i in range(6)]
            status, body = http_json("POST", f"{live_server}/api/sync/push",
                                     {"device_id": f"phone-{number}",
                                     "events": events}, token=auth.tokens["fair_staff"])
            if status != 200 or any(r["status"] != "accepted" for r in body["results"]):
                failures.append((status, body))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.expire_all()
    counts = {w.id: w.event_count
              for w in db.session.scalars(select(Worker).where(Worker.id.in_(workers)))}
    assert sum(counts.values()) == 3 + 6 * 10 * 6  # each registration, and every check-in
    assert rebuild_all_records(check_only=True) == []


def test_one_phones_queue_pushed_twice_at_once_is_kept_once(live_server, auth):
    """The app's triggers (a scan, the timer, the network back) can send the same queue twice at
    the same moment: each envelope is stored — or quarantined — once, never twice."""
    from server.models import Event, QuarantinedEvent

    token = auth.tokens["greeter"]
    refused = [envelope("fair.checked_in", n, worker_id="nobody", context={"fair_id": "f"})
               for n in range(1, 6)]
    registered = [envelope("worker.registered", n, worker_id=str(uuid.uuid4()),
                           data=person(500 + n))
                  for n in range(6, 9)]  # a greeter registers no one: refused too
    body = {"device_id": "twice", "events": refused + registered}
    assert (
        http_json(
            "POST",
            f"{live_server}/api/sync/push",
            {"device_id": "twice", "events": []},
            token=token,
        )[0]
        == 200
    )
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        http_json("POST", f"{live_server}/api/sync/push", body, token=token))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 4, answers
    db.session.rollback()
    entries = db.session.scalars(
        select(QuarantinedEvent).where(QuarantinedEvent.device_id == "twice")
    ).all()
    assert sorted(e.device_seq for e in entries) == list(range(1, 9))
    assert {e.times_received for e in entries} == {4}
    assert (
        db.session.scalar(
            select(func.count()).select_from(Event).where(Event.device_id == "twice")
        )
        == 0
    )
    db.session.rollback()
