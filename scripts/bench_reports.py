#!/usr/bin/env python3
"""Report and eligibility timings on a generated program (scripts/gen_dataset.py): every
dashboard request through the API in-process (query, rules, serialisation), one worker's
eligibility with its explanation, everyone's eligibility as of a date, the ledger's recompute,
and the monthly bulletin. Prints the figures against the goals; asserts nothing.

    .venv/bin/python scripts/bench_reports.py --database-url sqlite:////tmp/program.db
    .venv/bin/python scripts/bench_reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Goals (issue 7): each dashboard request < 2 s on SQLite and < 1 s on PostgreSQL; everyone's
eligibility < 60 s; one worker's eligibility with explanation < 50 ms. The recompute writes the
ledger (payouts) into the database it is given.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Event, Payout, Target, User, Worker  # noqa: E402
from server.services import subsidies  # noqa: E402
from server.services.auth import create_token  # noqa: E402

CHINA = dt.timezone(dt.timedelta(hours=8))
COUNTY = "621121"
RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--no-recompute", action="store_true", help="leave the ledger alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                          "LABORPASS_INSTANCE_DIR": instance})
        with app.app_context():
            flask_migrate.upgrade()
            subsidies.install_presets()  # as ``laborpass init-db`` does
            db.session.commit()
            bench(app, args)


def bench(app, args) -> None:
    dialect = db.engine.dialect.name
    goal = 2.0 if dialect == "sqlite" else 1.0
    workers = db.session.scalar(select(func.count()).select_from(Worker))
    events = db.session.scalar(select(func.max(Event.seq)))
    today = dt.datetime.now(CHINA).date()
    print(f"{dialect}: {workers:,} workers, {events:,} events; as of {today}; median of {RUNS} "
          "runs (first run)")
    admin, county = _users()
    admin_id = admin.id
    client = app.test_client()
    headers = {who: {"Authorization": f"Bearer {create_token(user, 'bench')}"} for who, user in
               (("admin", admin), ("county", county))}
    db.session.commit()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    requests = [("admin", f"/api/reports/funnel?by={by}") for by in
                ("county", "township", "fair", "employer", "poor_household")]
    requests += [("county", "/api/reports/funnel?by=township"),
                 ("admin", "/api/reports/retention"),
                 ("county", "/api/reports/retention"), ("admin", "/api/reports/subsidies"),
                 ("admin", f"/api/targets?year={today.year}"),
                 ("county", "/api/at-risk?per_page=100"), ("admin", "/api/at-risk?per_page=100"),
                 ("admin", "/api/reports/follow-ups?by=fair"),
                 ("admin", "/api/reports/pay?by=employer"),
                 ("admin", "/api/reports/help"), ("county", "/api/reports/help"),
                 ("county", "/api/help-requests?per_page=100"),
                 ("admin", "/api/reports/pay?by=job_type"),
                 ("county", "/api/reports/pay?by=employer"),
                 ("county", "/api/reports/follow-ups?by=township"),
                 ("county", "/api/follow-ups?per_page=100"),
                 ("admin", "/api/follow-ups?per_page=100"),
                 ("county",
                  f"/api/reports/bulletin?county={COUNTY}&month={last_month}&format=pdf"),
                 ("county",
                  f"/api/reports/bulletin?county={COUNTY}&month={last_month}&format=xlsx")]
    print(f"\n{'dashboard request':68} {'median':>8} {'first':>8}  goal < {goal:.0f} s")
    for who, url in requests:
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url, headers=headers[who])
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} "
                                 f"{response.get_data(as_text=True)[:300]}")
            db.session.remove()
        print(_line(f"{who:7} GET {url}", times, goal))

    sample = random.Random(7).sample(list(db.session.scalars(
        select(Worker.id).where(Worker.onboarded_on.is_not(None)).limit(5000))), 20)
    times = []
    for worker_id in sample:
        started = time.perf_counter()
        response = client.get(f"/api/workers/{worker_id}/eligibility", headers=headers["admin"])
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.json
        db.session.remove()
    print(f"\n{'one worker eligibility with explanation (20 workers)':68} "
          f"{_ms(statistics.median(times))} "
          f"{_ms(max(times))}  (max) goal < 50 ms {'ok' if max(times) < 0.05 else 'MISSED'}")

    started = time.perf_counter()
    found = subsidies.everyone_eligible(today)
    seconds = time.perf_counter() - started
    print(f"{'everyone eligible as of today (items computed)':68} {seconds:7.1f} s  "
          f"{len(found):,} items, "
          f"goal < 60 s {'ok' if seconds < 60 else 'MISSED'}")
    db.session.remove()
    if not args.no_recompute:
        for run in ("first", "again"):
            started = time.perf_counter()
            counts = subsidies.recompute(db.session.get(User, admin_id), today)
            print(f"{'recompute into the ledger (' + run + ')':68} "
                  f"{time.perf_counter() - started:7.1f} s  {counts}")
            db.session.remove()
        print("payouts in the ledger: "
              f"{db.session.scalar(select(func.count()).select_from(Payout)):,}")


def _users() -> tuple[User, User]:
    admin = db.session.scalar(select(User).where(User.name == "bench-admin")) or User(
        name="bench-admin", role="admin"
    )
    county = db.session.scalar(select(User).where(User.name == "bench-county")) or User(
        name="bench-county", role="county", county_code=COUNTY)
    db.session.add_all([admin, county])
    year = dt.datetime.now(CHINA).year
    if db.session.get(Target, (COUNTY, year)) is None:
        db.session.add(Target(county_code=COUNTY, year=year, transfers=10_000, arrivals=9_000,
                              stable_3_months=6_000))
    db.session.commit()
    return admin, county


def _line(label: str, times: list[float], goal: float) -> str:
    median = statistics.median(times)
    return (
        f"{label[:68]:68} {median:7.2f}s {times[0]:7.2f}s  {'ok' if median < goal else 'MISSED'}"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f}ms"


if __name__ == "__main__":
    main()
