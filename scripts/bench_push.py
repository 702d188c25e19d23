#!/usr/bin/env python3
"""The cost of one push of 50 events, without HTTP or other requests in the way: the app called
in-process (Flask's test client) against a database of its own, 5,000 workers registered before,
then pushes of fair check-ins (a registration among them now and then, as load_test makes them).
Prints per push: wall time (median, p95), the CPU time of this process (the app, and making the
events, a small part), and the SQL statements sent — twice: pushed with a Bearer token from a phone
without a key, and as the app pushes, from a phone whose key signs each push (the clerk signed in
on it with a passkey; what the server adds is one ECDSA P-256 check and the phone's members).
What load_test measures under contention starts from these figures. Asserts nothing.

    .venv/bin/python scripts/bench_push.py [--database sqlite|postgres|both] [--pushes 60]
                                           [--registrations 0.1]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# tests.phones: a phone with its key and passkeys
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from deployment import Deployment, check_in, registration  # noqa: E402
from sqlalchemy import event  # noqa: E402

from server import create_app  # noqa: E402
from server.domain.device_keys import push_message, signature_valid  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import User  # noqa: E402
from tests.phones import Phone as SignedPhone  # noqa: E402
from tests.phones import p1363  # noqa: E402

SIZE = 50


def run(database: str, pushes: int, registrations: float) -> None:
    site = Deployment(database, name="laborpass_bench_push")
    try:
        site.cli("create-user", "tongwei-fair", "--role", "fair_staff", "--county", "621121")
        staff = {
            "Authorization": "Bearer "
            + site.cli("create-token", "tongwei-fair").strip().splitlines()[-1]
        }
        app = create_app({"SQLALCHEMY_DATABASE_URI": site.url,
                          "LABORPASS_INSTANCE_DIR": str(site.folder),
                          "LABORPASS_LOG_LEVEL": "WARNING"})
        client = app.test_client()
        fair, workers = prepare(client, {"Authorization": f"Bearer {site.token}"})
        statements = [0]
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute",
                         lambda *args: statements.__setitem__(0, statements[0] + 1))
            signed = SignedPhone(app, "bench-signed-phone")
            signed.sign_in(db.session.scalar(db.select(User).where(User.name == "tongwei-fair")))
        medians = {}
        variants = (("Bearer token, phone without a key", bearer(client, staff)),
                    ("signed by the phone", signed.push))
        for n, (label, send) in enumerate(variants):
            phone = Phone(send, fair, workers, registrations, numbers_from=1_000_000 * (n + 1))
            for _ in range(5):  # warm: caches, prepared statements
                phone.push()
            statements[0] = 0
            cpu = time.process_time()
            times = sorted(phone.push() for _ in range(pushes))
            cpu = (time.process_time() - cpu) / pushes
            p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
            medians[label] = statistics.median(times)
            print(f"{database}: push of {SIZE} events ({registrations:.0%} registrations), "
                  f"{pushes} pushes, {label}:"
                  f" median {medians[label] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
                  f" CPU {cpu * 1000:.0f} ms, {statements[0] / pushes:.0f} SQL statements a push")
        first, second = medians.values()
        print(f"{database}: the signed push takes {second / first:.2f}× the Bearer push's median;"
              f" one signature check alone: {signature_check_ms(signed):.3f} ms")
    finally:
        site.discard()


def prepare(client, admin: dict) -> tuple[str, list[str]]:
    response = client.post("/api/fairs", headers=admin, json={
        "name": "通渭县春季招聘会", "county_code": "621121", "township": "平襄镇",
        "venue": "平襄镇广场",
        "date": dt.date.today().isoformat(), "starts_at": "09:00", "ends_at": "16:00",
        "organiser": "通渭县人社局"})
    assert response.status_code == 201, response.json
    fair, workers = response.json["id"], []
    for start in range(0, 5000, 500):
        events = [registration(n + 1, n) for n in range(start, start + 500)]
        workers.extend(event["worker_id"] for event in events)
        response = client.post("/api/sync/push", headers=admin,
                               json={"device_id": "setup", "events": events})
        assert response.status_code == 200, response.json
    return fair, workers


def bearer(client, headers: dict):
    return lambda *events: client.post("/api/sync/push", headers=headers,
                                       json={"device_id": "bench-phone", "events": list(events)})


def signature_check_ms(phone: SignedPhone, times: int = 2000) -> float:
    body = b'{"device_id": "x", "events": []}' * 300
    message = push_message(phone.device_id, 1, body)
    signature = p1363(phone.key, message)
    started = time.perf_counter()
    for _ in range(times):
        assert signature_valid(phone.public_key, message, signature)
    return (time.perf_counter() - started) / times * 1000


class Phone:
    def __init__(self, send, fair: str, workers: list[str], registrations: float,
                 numbers_from: int):
        self.send = send
        self.fair = fair
        self.workers = workers
        self.numbers_from = numbers_from
        self.registrations = registrations
        self.seq = 0
        self.random = random.Random(1)

    def push(self) -> float:
        events = []
        for _ in range(SIZE):
            self.seq += 1
            if self.random.random() < self.registrations:
                events.append(registration(self.seq, self.numbers_from + self.seq))
            else:
                events.append(check_in(self.seq, self.random.choice(self.workers), self.fair))
        started = time.perf_counter()
        response = self.send(*events)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and {r["status"] for r in response.json["results"]} == {
            "accepted"
        }
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pushes", type=int, default=60)
    parser.add_argument("--registrations", type=float, default=0.1,
                        help="share of registrations among the events")
    args = parser.parse_args()
    for database in (["sqlite", "postgres"] if args.database == "both" else [args.database]):
        run(database, args.pushes, args.registrations)


if __name__ == "__main__":
    main()
