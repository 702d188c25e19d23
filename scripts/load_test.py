#!/usr/bin/env python3
"""Fifty phones and office screens at once against gunicorn (4 workers by default) for 60 s, on
SQLite and on PostgreSQL, each with a database of its own on 127.0.0.1. The mix a fair day makes:
fair staff pushing 1-50 scans at a time (check-ins, a registration now and then) and pulling their
county's changes with their cursor, county staff searching workers by name and reading the funnel.
Each device waits --think seconds between requests (default 0.5-4.5, about the pace of a busy fair
desk's phone, which syncs after every scan; 0-1 is a stress test far beyond a fair day), and starts
after such a pause too. Devices start synced, as phones at a fair were the day before: a pull
brings what changed since; --first-sync makes every phone download its county from nothing during
the run instead (50 first downloads in the same minute: a morning of new phones). Prints
throughput, p50/p95/p99 latency per endpoint and the errors; the goal: no error, p95 < 300 ms for
pushes of 50 events on PostgreSQL. Asserts nothing.

    .venv/bin/python scripts/load_test.py [--devices 50] [--seconds 60] [--think 0.5-4.5]
        [--database sqlite|postgres|both] [--app-workers 4] [--first-sync]
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deployment import Deployment, check_in, http_json, registration  # noqa: E402

SURNAMES = "张王李赵刘陈杨黄周吴"


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()

    def add(self, endpoint: str, seconds: float, status: int | str, body) -> None:
        bad = status != 200 or (endpoint.startswith("push") and any(
            r["status"] == "rejected" for r in body.get("results", [])))
        with self.lock:
            self.times[endpoint].append(seconds)
            if bad:
                self.errors[(endpoint, status if status != 200 else "rejected")] += 1


class Device(threading.Thread):
    def __init__(self, number: int, site: Deployment, tokens: dict, fair_id: str,
                 workers: list[str],
                 results: Results, until: float, think: tuple[float, float], cursor: str):
        super().__init__(daemon=True)
        self.think = think
        self.number = number
        self.site = site
        self.tokens = tokens
        self.fair_id = fair_id
        self.workers = workers
        self.results = results
        self.until = until
        self.device_id = f"load-phone-{number}"
        self.seq = 0
        self.cursor = cursor
        self.random = random.Random(number)

    def run(self):
        # phones are not switched on at the same instant
        time.sleep(self.random.uniform(*self.think))
        while time.monotonic() < self.until:
            roll = self.random.random()
            if roll < 0.5:
                self.push()
            elif roll < 0.75:
                self.pull()
            elif roll < 0.9:
                self.call("search", "GET", "/api/workers?" + urllib.parse.urlencode(
                    {"q": self.random.choice(SURNAMES), "per_page": 20}), "county")
            else:
                self.call("funnel", "GET", "/api/reports/funnel?by=township", "county")
            time.sleep(self.random.uniform(*self.think))

    def push(self):
        size = self.random.randint(1, 50)
        events = []
        for _ in range(size):
            self.seq += 1
            if self.random.random() < 0.1:
                events.append(registration(self.seq, 1_000_000 + self.number * 100_000 + self.seq))
            else:
                events.append(check_in(self.seq, self.random.choice(self.workers), self.fair_id))
        bucket = "push 1-10" if size <= 10 else "push 11-40" if size <= 40 else "push 41-50"
        self.call(bucket, "POST", "/api/sync/push", "fair_staff",
                  {"device_id": self.device_id, "events": events})

    def pull(self):
        path = "/api/sync/pull?" + urllib.parse.urlencode({"device_id": self.device_id,
                                                           "cursor": self.cursor, "limit": 500})
        body = self.call("pull", "GET", path, "fair_staff")
        if isinstance(body, dict) and "cursor" in body:
            self.cursor = body["cursor"]

    def call(self, endpoint: str, method: str, path: str, role: str, payload=None):
        started = time.perf_counter()
        try:
            status, body = http_json(method, self.site.base + path, payload,
                                     token=self.tokens[role], timeout=30)
        except OSError as error:
            status, body = type(error).__name__, {}
        self.results.add(endpoint, time.perf_counter() - started, status, body)
        return body


def prepare(site: Deployment, people: int) -> tuple[dict, str, list[str], str]:
    """Users of the two roles with tokens, a fair today, ``people`` registered workers, and the
    cursor of a fair phone that has pulled all of it."""
    tokens = {"admin": site.token}
    for name, role in (("tongwei-fair", "fair_staff"), ("tongwei", "county")):
        site.cli("create-user", name, "--role", role, "--county", "621121")
        tokens[role] = site.cli("create-token", name).strip().splitlines()[-1]
    status, fair = http_json("POST", f"{site.base}/api/fairs", {
        "name": "通渭县春季招聘会", "county_code": "621121", "township": "平襄镇",
        "venue": "平襄镇广场",
        "date": dt.date.today().isoformat(), "starts_at": "09:00", "ends_at": "16:00",
        "organiser": "通渭县人社局"},
        token=site.token)
    assert status == 201, fair
    workers, seq = [], 0
    for start in range(0, people, 500):
        events = []
        for n in range(start, min(start + 500, people)):
            seq += 1
            events.append(registration(seq, n, name=random.choice(SURNAMES) + "秀英"))
            workers.append(events[-1]["worker_id"])
        status, body = http_json("POST", f"{site.base}/api/sync/push",
                                 {"device_id": "setup", "events": events},
                                 token=site.token, timeout=300)
        assert status == 200, body
    cursor, more = "", True
    while more:
        status, body = http_json("GET", f"{site.base}/api/sync/pull?" + urllib.parse.urlencode(
            {"device_id": "load-setup", "cursor": cursor, "limit": 1000}),
            token=tokens["fair_staff"], timeout=300)
        assert status == 200, body
        cursor, more = body["cursor"], body["more"]
    return tokens, fair["id"], workers, cursor


def run(database: str, devices: int, seconds: int, people: int, think: tuple[float, float],
        app_workers: int, first_sync: bool = False) -> None:
    site = Deployment(database, workers=app_workers, name="laborpass_load")
    site.start()
    try:
        tokens, fair_id, workers, cursor = prepare(site, people)
        results = Results()
        until = time.monotonic() + seconds
        threads = [Device(n, site, tokens, fair_id, workers, results, until, think,
                          "" if first_sync else cursor)
                   for n in range(devices)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        site.discard()
    report(f"{database}: {devices} devices waiting {think[0]}-{think[1]} s, for {elapsed:.0f} s "
           "against gunicorn"
           f" -w {app_workers}, {people} workers registered before, phones starting"
           f" {'with nothing' if first_sync else 'synced'}", elapsed, results)


def report(title: str, elapsed: float, results: Results) -> None:
    total = sum(len(times) for times in results.times.values())
    print(f"\n{title}: {total} requests, {total / elapsed:.1f} a second")
    columns = [("requests", 9), ("per s", 8), ("p50 ms", 9), ("p95 ms", 9), ("p99 ms", 9),
               ("max ms", 9)]
    print(f"{'endpoint':<12}" + "".join(f"{name:>{size}}" for name, size in columns))
    for endpoint in sorted(results.times):
        times = sorted(results.times[endpoint])
        cuts = (
            statistics.quantiles(times, n=100, method="inclusive")
            if len(times) > 1
            else times * 99
        )
        print(f"{endpoint:<12}{len(times):>9}{len(times) / elapsed:>8.1f}{cuts[49] * 1000:>9.0f}"
              f"{cuts[94] * 1000:>9.0f}{cuts[98] * 1000:>9.0f}{times[-1] * 1000:>9.0f}")
    print(f"errors: {dict(results.errors) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--people", type=int, default=5000,
                        help="workers registered before the run")
    parser.add_argument("--think", default="0.5-4.5",
                        help="seconds between a device's requests, from-to")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--app-workers", type=int, default=4, help="gunicorn -w")
    parser.add_argument("--first-sync", action="store_true",
                        help="phones start with nothing and download it all")
    args = parser.parse_args()
    think = tuple(float(part) for part in args.think.split("-"))
    for database in (["sqlite", "postgres"] if args.database == "both" else [args.database]):
        run(database, min(args.devices, 200), min(args.seconds, 600), args.people, think,
            args.app_workers, args.first_sync)


if __name__ == "__main__":
    main()
