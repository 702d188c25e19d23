#!/usr/bin/env python3
"""Faults in a real deployment (gunicorn, a database of its own), with devices pushing through
them as phones do: keep the outbox until the server answered accepted or duplicate, retry after
any error. Each prints what happened and what it checked; exit 1 if anything was lost.

    .venv/bin/python scripts/faults.py kill [--rounds 20] [--database sqlite|postgres]
        SIGKILL an app process at a random moment, 20 times (a worker, which gunicorn replaces,
        or the whole server, which is started again); then every event exactly once and
        ``laborpass rebuild-records --check`` finds no record that differs from a fresh fold.
    .venv/bin/python scripts/faults.py db-down [--seconds 30]      (root: pg_ctlcluster)
        PostgreSQL stopped for 30 s during the pushes: 503 with Retry-After meanwhile, nothing
        lost when it is back.
    .venv/bin/python scripts/faults.py disk-full                   (root: mount)
        the SQLite database on an 8 MB tmpfs that fills up: 503 storage_full, the file passes
        PRAGMA integrity_check, and every push acknowledged before is in it.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deployment import Deployment, http_json, person  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=8))


class Phone(threading.Thread):
    """A device with an outbox: registrations, each followed by a check-in at the fair."""

    def __init__(self, number: int, site: Deployment, fair_id: str, people: int,
                 first_person: int):
        super().__init__(daemon=True)
        self.site = site
        self.device = f"phone-{number}"
        self.outbox, seq = [], 0
        now = dt.datetime.now(TZ) - dt.timedelta(hours=1)
        for n in range(first_person, first_person + people):
            worker = str(uuid.uuid4())
            for kind in ("worker.registered", "fair.checked_in"):
                seq += 1
                self.outbox.append({
                    "id": str(uuid.uuid4()), "type": kind, "device_seq": seq, "worker_id": worker,
                    "occurred_at": (now + dt.timedelta(seconds=seq)).isoformat(),
                    "context": {"fair_id": fair_id} if kind == "fair.checked_in" else {},
                    "data": person(n) if kind == "worker.registered" else {}})
        self.sent = {event["id"] for event in self.outbox}
        self.answers = collections.Counter()
        self.stop_after: float | None = None

    def run(self):
        while self.outbox and (self.stop_after is None or time.monotonic() < self.stop_after):
            batch = self.outbox[: random.randint(1, 50)]
            try:
                status, body = http_json("POST", f"{self.site.base}/api/sync/push",
                                         {"device_id": self.device, "events": batch},
                                         token=self.site.token, timeout=30)
            except OSError:
                self.answers["connection error"] += 1
                time.sleep(0.2)
                continue
            self.answers[status] += 1
            if status != 200:
                time.sleep(min(float(_retry_after(body)), 1.0))
                continue
            done = {result["id"] for result in body["results"]
                    if result["status"] in ("accepted", "duplicate")}
            self.answers["events answered duplicate (stored before the answer was lost)"] += sum(
                result["status"] == "duplicate" for result in body["results"])
            rejected = [result for result in body["results"] if result["status"] == "rejected"]
            if rejected:
                raise SystemExit(f"{self.device}: rejected {rejected[:2]}")
            self.outbox = [event for event in self.outbox if event["id"] not in done]


def _retry_after(body: dict) -> int:
    return body.get("retry_after", 1) if isinstance(body, dict) else 1


def prepare(site: Deployment, phones: int, people: int) -> list[Phone]:
    status, fair = http_json("POST", f"{site.base}/api/fairs", {
        "name": "通渭县春季招聘会", "county_code": "621121", "township": "平襄镇",
        "venue": "平襄镇广场",
        "date": dt.date.today().isoformat(), "starts_at": "09:00", "ends_at": "16:00",
        "organiser": "通渭县人社局"},
        token=site.token)
    assert status == 201, fair
    return [Phone(n, site, fair["id"], people, n * people) for n in range(phones)]


def verify(site: Deployment, devices: list[Phone], started: float) -> bool:
    """Every event each phone made is stored exactly once; every record equals a fresh fold."""
    sent = set().union(*(phone.sent for phone in devices))
    stored = stored_event_ids(site)
    check = site.cli("rebuild-records", "--check").strip()
    answers = sum((phone.answers for phone in devices), collections.Counter())
    print(f"  events made by {len(devices)} phones: {len(sent)}; stored: {len(stored)}; "
          f"missing: {len(sent - stored)}; unexpected: {len(stored - sent)}")
    print(f"  push answers: {dict(sorted(answers.items(), key=str))}")
    print(f"  laborpass rebuild-records --check: {check}")
    print(f"  took {time.monotonic() - started:.1f} s")
    left = sum(len(phone.outbox) for phone in devices)
    ok = sent == stored and check.startswith("0 record(s)") and left == 0
    print("  OK: every event exactly once, every record a fresh fold" if ok
          else f"  FAILED ({left} still queued)")
    return ok


def stored_event_ids(site: Deployment) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(site.url)
    with engine.connect() as connection:
        ids = set(connection.execute(text("SELECT id FROM events WHERE type <> "
                                          "'card.issued'")).scalars())
        duplicates = connection.execute(text("SELECT count(*) - count(DISTINCT id) FROM "
                                             "events")).scalar()
    engine.dispose()
    assert duplicates == 0
    return ids


def kill(args) -> bool:
    site = Deployment(args.database, workers=2, name="laborpass_faults")
    site.start()
    phones = prepare(site, phones=6, people=300)
    started = time.monotonic()
    for phone in phones:
        phone.start()
    kills = collections.Counter()
    for round_ in range(args.rounds):
        time.sleep(random.uniform(0.1, 1.5))
        if round_ % 2:
            site.kill_one_worker()
            kills["a worker (gunicorn replaces it)"] += 1
        else:
            site.kill_all()
            kills["the whole server (started again)"] += 1
            time.sleep(random.uniform(0, 0.5))
            site.start()
    print(f"SIGKILL x{args.rounds} during pushes on {args.database}: {dict(kills)}")
    for phone in phones:
        phone.join()
    ok = verify(site, phones, started)
    site.discard()
    return ok


def db_down(args) -> bool:
    site = Deployment("postgres", workers=2, name="laborpass_faults")
    site.start()
    phones = prepare(site, phones=4, people=400)
    started = time.monotonic()
    for phone in phones:
        phone.start()
    time.sleep(1.0)
    subprocess.run(["pg_ctlcluster", args.cluster_version, "main", "stop", "-m", "fast"],
                   check=True)
    print(f"PostgreSQL stopped for {args.seconds} s during pushes")
    down_until = time.monotonic() + args.seconds
    seen = collections.Counter()
    while time.monotonic() < down_until:
        seen[probe(site)] += 1
        time.sleep(1)
    subprocess.run(["pg_ctlcluster", args.cluster_version, "main", "start"], check=True)
    print(f"  while down, answers to a probe: {dict(seen)}")
    for phone in phones:
        phone.join()
    ok = verify(site, phones, started)
    site.discard()
    return ok and all(key[0] == 503 for key in seen if isinstance(key, tuple))


def probe(site: Deployment) -> tuple | str:
    """An empty push: (status, code, Retry-After)."""
    request = urllib.request.Request(
        f"{site.base}/api/sync/push",
        method="POST",
        data=json.dumps({"device_id": "probe", "events": []}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {site.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, None, None
    except urllib.error.HTTPError as error:
        return (
            error.code,
            json.loads(error.read() or b"{}").get("code"),
            error.headers.get("Retry-After"),
        )
    except OSError as error:
        return type(error).__name__


def disk_full(args) -> bool:
    site = Deployment("sqlite", workers=2, name="laborpass_faults")
    disk = site.folder / "small-disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8M", "tmpfs", str(disk)], check=True)
    try:
        shutil.move(site.folder / "laborpass.db", disk / "laborpass.db")
        site.url = f"sqlite:///{disk / 'laborpass.db'}"
        site.env["DATABASE_URL"] = site.url
        site.start()
        phones = prepare(site, phones=2, people=3000)
        started = time.monotonic()
        for phone in phones:
            phone.stop_after = time.monotonic() + 60
            phone.start()
        for phone in phones:
            phone.join()
        answers = sum((phone.answers for phone in phones), collections.Counter())
        after = probe(site)
        site.stop()
        with sqlite3.connect(disk / "laborpass.db") as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            stored = set(connection.execute("SELECT id FROM events").fetchall())
        connection.close()
        acknowledged = set().union(*(phone.sent for phone in phones)) - {
            event["id"] for phone in phones for event in phone.outbox}
        kept = {row[0] for row in stored}
        print("SQLite on an 8 MB tmpfs, 2 phones pushing for up to 60 s "
              f"({time.monotonic() - started:.0f} s)")
        print(f"  push answers: {dict(sorted(answers.items(), key=str))}; a push now: {after}")
        print(f"  acknowledged events: {len(acknowledged)}, of them in the database: "
              f"{len(acknowledged & kept)}")
        print(f"  PRAGMA integrity_check: {integrity}")
        ok = integrity == "ok" and acknowledged <= kept and after[:2] == (503, "storage_full")
        print("  OK: every acknowledged push kept, the file intact, a clear 503" if ok
              else "  FAILED")
        return ok
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
        site.discard()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    killing = commands.add_parser("kill")
    killing.add_argument("--rounds", type=int, default=20)
    killing.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    down = commands.add_parser("db-down")
    down.add_argument("--seconds", type=int, default=30)
    down.add_argument("--cluster-version", default="15")
    commands.add_parser("disk-full")
    args = parser.parse_args()
    ok = {"kill": kill, "db-down": db_down, "disk-full": disk_full}[args.command](args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
