#!/usr/bin/env python3
"""Sync throughput: events/s accepted through POST /api/sync/push against gunicorn (2 workers),
with one client and with eight; the raw ceiling of the same work done straight in one process
(signatures verified, rows inserted with SQLAlchemy Core executemany); and the time to pull a
50,000-worker scope. Prints the figures; asserts nothing. Everything runs on 127.0.0.1 in a
scratch instance folder with its own SQLite database.

    .venv/bin/python scripts/bench_sync.py [--workers 2000] [--batches 8] [--pull-workers 50000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from server import create_app  # noqa: E402
from server.domain.credentials import verify_credential  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Change, Event, User, Worker  # noqa: E402
from server.services import keyring  # noqa: E402
from server.services.auth import create_token  # noqa: E402
from server.services.credentials import ensure_credentials  # noqa: E402
from server.services.demo import numbered_person  # noqa: E402
from server.services.registration import register_worker  # noqa: E402

BATCH = 500
TZ = dt.timezone(dt.timedelta(hours=8))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000, help="workers with cards to scan")
    parser.add_argument("--batches", type=int, default=8, help="batches of 500 per client")
    parser.add_argument("--pull-workers", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        config = {"LABORPASS_INSTANCE_DIR": scratch,
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.db"}
        app = create_app(config)
        with app.app_context():
            flask_migrate.upgrade()
            token, cards = seed(args.workers)
            print(f"SQLite (WAL), {os.cpu_count()} cores; {args.workers} workers with cards; "
                  f"batches of {BATCH} scans")
            with gunicorn(config, workers=2) as base:
                one = push_clients(base, token, cards, clients=1, batches=args.batches)
                print(f"push, 1 client:   {one:8.0f} events/s accepted")
                eight = push_clients(base, token, cards, clients=8,
                                     batches=max(1, args.batches // 2))
                print(f"push, 8 clients:  {eight:8.0f} events/s accepted   (gunicorn, 2 workers)")
            ceiling = raw_ceiling(cards)
            print(f"raw ceiling:      {ceiling:8.0f} events/s   (verify + Core executemany insert,"
                  " one process)")
            print(f"API / ceiling:    {one / ceiling:8.0%} with 1 client, {eight / ceiling:.0%} "
                  "with 8")
            seed_pull_scope(args.pull_workers)
            with gunicorn(config, workers=2) as base:
                seconds, count = pull_everything(base, token)
            print(f"pull:             {seconds:8.2f} s for a full copy of {count} workers (limit "
                  "5000 a page)")


def seed(count: int) -> tuple[str, list[str]]:
    admin = User(name="bench-admin", role="admin")
    db.session.add(admin)
    db.session.commit()
    started = time.perf_counter()
    workers = [register_worker(numbered_person(i), admin)[0] for i in range(count)]
    cards = [c.qr for c in ensure_credentials(workers, admin)]
    token = create_token(admin, "bench")
    db.session.commit()
    print(f"seeded {count} workers and cards in {time.perf_counter() - started:.1f} s")
    return token, cards


def batches_for(cards: list[str], device: str, count: int, offset: int) -> list[dict]:
    """``count`` batches of 500 arrival scans, each of 500 different workers."""
    out, seq = [], 0
    for b in range(count):
        events = []
        for i in range(BATCH):
            seq += 1
            card = cards[(offset + b * BATCH + i) % len(cards)]
            at = dt.datetime(2026, 3, 1, 8, tzinfo=TZ) + dt.timedelta(seconds=offset + seq)
            events.append({"id": str(uuid.uuid4()), "type": "station.arrived", "device_seq": seq,
                           "occurred_at": at.isoformat(), "credential": card,
                           "context": {"station": "福州站"}})
        out.append({"device_id": device, "events": events})
    return out


def push_clients(base: str, token: str, cards: list[str], *, clients: int, batches: int) -> float:
    plans = [batches_for(cards, f"bench-{clients}-{c}", batches, c * 7919) for c in range(clients)]
    accepted = [0] * clients

    def client(number: int):
        for body in plans[number]:
            status, answer = request("POST", f"{base}/api/sync/push", body, token)
            if status != 200:
                raise SystemExit(f"push failed: {status} {answer}")
            accepted[number] += sum(r["status"] == "accepted" for r in answer["results"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(accepted) / elapsed


def raw_ceiling(cards: list[str]) -> float:
    """The same envelopes' signatures verified and rows inserted, nothing else."""
    keys = keyring.trusted_keys()
    envelopes = batches_for(cards, "ceiling", 4, 104_729)
    started = time.perf_counter()
    for body in envelopes:
        rows = []
        for e in body["events"]:
            claims, _ = verify_credential(e["credential"], keys, today=dt.date(2026, 3, 1))
            rows.append({"id": e["id"], "type": e["type"],
                         "worker_id": worker_of(claims.serial.hex()),
                         "occurred_at": dt.datetime.fromisoformat(e["occurred_at"]),
                         "occurred_offset_minutes": 480,
                         "recorded_at": dt.datetime.now(dt.UTC), "device_id": "ceiling",
                         "device_seq": e["device_seq"],
                         "context": e["context"], "data": {}, "raw_code": e["credential"],
                         "flags": []})
        db.session.execute(insert(Event), rows)
        db.session.commit()
    return sum(len(b["events"]) for b in envelopes) / (time.perf_counter() - started)


_WORKER_OF: dict[str, str] = {}


def worker_of(serial: str) -> str:
    if not _WORKER_OF:
        from server.models import Credential

        _WORKER_OF.update(dict(db.session.query(Credential.serial, Credential.worker_id)))
    return _WORKER_OF[serial]


def seed_pull_scope(count: int) -> None:
    """Workers and their change-log rows written straight in: registering 50,000 people one by
    one would take minutes and measure registration, not pull."""
    existing = db.session.query(Worker).count()
    position = db.session.query(db.func.max(Change.position)).scalar() or 0
    now = dt.datetime.now(dt.UTC)
    for start in range(existing, count, 5000):
        workers, changes = [], []
        for i in range(start, min(count, start + 5000)):
            worker_id = str(uuid.uuid4())
            position += 1
            workers.append({"id": worker_id, "id_number_enc": "v1:bench",
                            "id_number_bidx": f"bench-{i}",
                            "id_last4": f"{i % 10000:04d}", "id_region_code": "621121",
                            "name": "李建国",
                            "gender": "male", "birth_date": dt.date(1980, 1, 1),
                            "home_county_code": "621121",
                            "home_township": "平襄镇", "poor_household": False, "skills": [],
                            "desired_jobs": [],
                            "status": "registered", "milestones": {}, "event_count": 1,
                            "created_at": now, "updated_at": now})
            changes.append({"kind": "worker", "entity_id": worker_id, "county_code": "621121",
                            "op": "upsert", "position": position, "changed_at": now})
        db.session.execute(insert(Worker), workers)
        db.session.execute(insert(Change), changes)
        db.session.commit()


def pull_everything(base: str, token: str) -> tuple[float, int]:
    started, cursor, workers = time.perf_counter(), "", 0
    while True:
        status, body = request("GET",
                               f"{base}/api/sync/pull?device_id=bench-puller&limit=5000&cursor={cursor}",
                               None, token)
        if status != 200:
            raise SystemExit(f"pull failed: {status} {body}")
        workers += sum(c["kind"] == "worker" for c in body["changes"])
        cursor = body["cursor"]
        if not body["more"]:
            return time.perf_counter() - started, workers


def request(method: str, url: str, body, token: str) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class gunicorn:  # noqa: N801 - used as a context manager, like open()
    def __init__(self, config: dict, *, workers: int):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = os.environ | {"DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
                            "LABORPASS_INSTANCE_DIR": config["LABORPASS_INSTANCE_DIR"]}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "300", "server:create_app()"], cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def __enter__(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=2)
                return base
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait()


if __name__ == "__main__":
    main()
