#!/usr/bin/env python3
"""A realistic synthetic program for the report benchmarks: workers over the seven origin
counties, employers, fairs, and their events with the drop-off of the real program at each step
(fair → intention → batch → departure → arrival → onboarding → months at work, with people who
leave, go silent, miss a month's check or move to another employer).

Every worker's row is the projection of its generated events by the server's own code
(``services.events.folded_columns``: the fold and the report columns), and its ID number is
encrypted and blind-indexed as a registration would; only the writing is bulk (Core inserts,
no change-log rows for device pulls, no batch rows: the reports read neither).

    .venv/bin/python scripts/gen_dataset.py --database-url sqlite:////tmp/program.db \\
        [--workers 1000000]
    .venv/bin/python scripts/gen_dataset.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database must be new (the script runs the migrations); a PostgreSQL database is created when
missing. Deterministic for a given ``--seed``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app  # noqa: E402
from server.domain.events import EventFact  # noqa: E402
from server.domain.id_numbers import check_character, parse_id_number  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Employer, Event, Fair, FairEmployer, Worker, current_programme  # noqa: E402
from server.models.types import utcnow  # noqa: E402
from server.services import subsidies  # noqa: E402
from server.services.events import folded_columns  # noqa: E402
from server.services.registration import identity_fields  # noqa: E402

CHINA = dt.timezone(dt.timedelta(hours=8))
CHUNK = 5000
TOWNSHIPS = ("城关镇", "平襄镇", "马营镇", "义岗镇", "华家岭镇", "陇川镇", "碧玉镇", "常家河镇",
             "襄南镇", "李店镇", "寺子川乡", "鸡川镇")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
            "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
            "贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "建国秀英玉兰桂芳志强海燕春梅永红丽娟小龙金花文静明亮德胜淑珍红霞国庆晓东子豪俊杰欣怡家乐"
JOB_DRAW = 0.55  # of fair-goers sign an intention
# why people who signed do not come, as often as the 2017 review found them (a draw each)
FOLLOW_UP_DRAW = ("pay", "pay", "pay", "farming_season", "farming_season", "family", "family",
                  "distance", "climate", "food", "left_elsewhere", "left_elsewhere", "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=300)
    parser.add_argument("--fairs", type=int, default=2000)
    parser.add_argument("--since", type=dt.date.fromisoformat, default=dt.date(2023, 1, 1))
    parser.add_argument("--until", type=dt.date.fromisoformat,
                        default=dt.datetime.now(CHINA).date())
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    _create_postgres_database(args.database_url)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                          "LABORPASS_INSTANCE_DIR": instance})
        with app.app_context():
            flask_migrate.upgrade()
            subsidies.install_presets()  # as ``laborpass init-db`` does
            db.session.commit()
            if db.session.scalar(select(func.count()).select_from(Worker)):
                raise SystemExit("the database already has workers: give a new one")
            generate(args)


def generate(args) -> None:
    rng = random.Random(args.seed)
    program = Program(rng, args.employers, args.fairs, args.since, args.until)
    started, counts = time.perf_counter(), Counter()
    for first in range(0, args.workers, CHUNK):
        workers, events = [], []
        for i in range(first, min(args.workers, first + CHUNK)):
            worker, worker_events = program.worker(i)
            workers.append(worker)
            events += worker_events
            counts.update(e["type"] for e in worker_events)
        db.session.execute(Worker.__table__.insert(), workers)
        db.session.execute(Event.__table__.insert(), events)
        db.session.commit()
        done = first + len(workers)
        elapsed = time.perf_counter() - started
        print(f"\r{done:>9,} workers, {sum(counts.values()):>11,} events, {elapsed:7.0f} s",
              end="", flush=True)
    print()
    for type, count in counts.most_common():
        print(f"  {type:24} {count:>11,}")
    db.session.commit()
    # the planner's statistics (and PostgreSQL's visibility map, for index-only scans), as a live
    # database would have them from autovacuum
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                                else "ANALYZE"))


class Program:
    def __init__(self, rng: random.Random, employers: int, fairs: int, since: dt.date,
                 until: dt.date):
        self.rng = rng
        self.since = since
        self.until = until
        self.counties = [c.code for c in current_programme().side_of("origin")]
        self.employers = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(employers)]
        db.session.execute(insert(Employer),
                           [{"id": e, "name": f"福州用工企业{n + 1:03d}", "created_at": utcnow()}
                                              for n, e in enumerate(self.employers)])
        span = (until - since).days
        self.fairs: dict[str, list] = {c: [] for c in self.counties}
        rows, links = [], []
        for n in range(fairs):
            county, township = rng.choice(self.counties), rng.choice(TOWNSHIPS)
            day = since + dt.timedelta(days=rng.randrange(span - 30))
            fair_id, hiring = (
                str(uuid.UUID(int=rng.getrandbits(128))),
                rng.sample(self.employers, rng.randint(3, 12)),
            )
            rows.append({"id": fair_id, "name": f"{township}招聘会 {n + 1}", "county_code": county,
                         "township": township,
                         "venue": f"{township}广场", "date": day, "starts_at": dt.time(9),
                         "ends_at": dt.time(16),
                         "organiser": "县人社局", "created_at": utcnow(), "updated_at": utcnow()})
            links += [{"fair_id": fair_id, "employer_id": e, "added_at": utcnow()} for e in hiring]
            self.fairs[county].append((fair_id, day, township, hiring))
        db.session.execute(insert(Fair), rows)
        db.session.execute(insert(FairEmployer), links)

    def worker(self, i: int) -> tuple[dict, list[dict]]:
        rng, worker_id = self.rng, str(uuid.UUID(int=self.rng.getrandbits(128)))
        county = rng.choice(self.counties)
        events = Events(worker_id, rng, self.until)
        fair = rng.choice(self.fairs[county]) if rng.random() < 0.88 else None
        day = (
            fair[1]
            if fair
            else self.since + dt.timedelta(days=rng.randrange((self.until - self.since).days))
        )
        township = fair[2] if fair and rng.random() < 0.7 else rng.choice(TOWNSHIPS)
        profile = self.profile(i, worker_id, county, township)
        events.add("worker.registered", day, data=profile)
        events.add("credential.issued", day, data={"serial": f"{i:08X}"})
        if rng.random() < 0.5:
            events.add("training.attended", day + dt.timedelta(days=rng.randint(1, 60)),
                       context={"training_id": f"training-{county}-{day.year}"}, data={"hours": 8})
        if fair:
            self.journey(events, fair, day)
        facts = events.facts()
        worker = {"id": worker_id, **folded_columns(facts), "created_at": utcnow(),
                  "updated_at": utcnow()}
        return worker, events.rows

    def journey(self, events: Events, fair, day: dt.date) -> None:
        rng = self.rng
        fair_id, _, _, hiring = fair
        events.add("fair.checked_in", day, context={"fair_id": fair_id})
        if rng.random() < 0.35:  # came to a second fair of the county later
            other = rng.choice(self.fairs[events.county])
            if other[1] > day:
                events.add("fair.checked_in", other[1], context={"fair_id": other[0]})
        if rng.random() > JOB_DRAW:
            return
        employer = rng.choice(hiring)
        expects = rng.choice((None, None, 3000, 3500, 4000, 4500))
        events.add("fair.intent_signed", day,
                   context={"fair_id": fair_id, "employer_id": employer},
                   data={"expected_pay": expects} if expects else None)
        goes = rng.random() <= 0.75
        self.follow_up(events, fair_id, day, goes)
        if not goes:
            return
        batch, leaves = f"batch-{fair_id[:8]}", day + dt.timedelta(days=rng.randint(7, 20))
        events.add("batch.assigned", day + dt.timedelta(days=rng.randint(1, 5)),
                   context={"batch_id": batch})
        if rng.random() > 0.9:
            return
        events.add("batch.departed", leaves, context={"batch_id": batch})
        if rng.random() > 0.97:
            return
        events.add("station.arrived", leaves + dt.timedelta(days=2),
                   context={"batch_id": batch, "station": "福州站"})
        if rng.random() > 0.95:
            return
        self.employment(events, employer, leaves + dt.timedelta(days=2))

    def follow_up(self, events: Events, fair_id: str, day: dt.date, goes: bool) -> None:
        """The county's calls after the fair (``domain.follow_up``): most are reached within 3
        days, some after a call no one answered; who does not go says why, pay first."""
        rng = self.rng
        if rng.random() < 0.2:  # never called
            return
        when = day + dt.timedelta(days=rng.randint(1, 3))
        if rng.random() < 0.25:  # no answer the first time
            events.add("intention.followed_up", when, context={"fair_id": fair_id},
                       data={"reached": False})
            when += dt.timedelta(days=1)
            if rng.random() < 0.3:
                return
        answer = {"reached": True, "coming": True}
        if not goes:
            answer = rng.choice(({"reached": True},
                                 *({"reached": True, "coming": False, "reason": reason}
                                   for reason in FOLLOW_UP_DRAW)))
            if answer.get("reason") == "other":
                answer["note"] = "家里有事"
        events.add("intention.followed_up", when, context={"fair_id": fair_id}, data=answer)

    def employment(self, events: Events, employer: str, start: dt.date) -> None:
        rng = self.rng
        events.add("employer.onboarded", start, context={"employer_id": employer},
                   data={"start_date": start.isoformat()})
        days = rng.randint(3, 30) if rng.random() < 0.15 else int(rng.expovariate(1 / 1000))
        end = start + dt.timedelta(days=days)
        check = start + dt.timedelta(days=rng.randint(27, 32))
        moved = rng.random() < 0.06
        # piece rates: the month's pay about a level that differs by person (some under 2,800)
        level = rng.gauss(3600, 500)
        while check < min(end, self.until):
            if rng.random() > 0.08:  # a month's check missed now and then
                month = check.strftime("%Y-%m")
                pay = max(1500, int(round(rng.gauss(level, 250), -1)))
                events.add("employment.confirmed", check, context={"employer_id": employer},
                           data={"month": month, "pay": pay})
                if rng.random() < 0.05:  # the worker says it was less
                    events.add("pay.answered", check + dt.timedelta(days=1),
                               data={"month": month, "agreed": False,
                                     "actual": pay - rng.choice((200, 500, 800))})
                if rng.random() < 0.01:  # asks the workstation for help
                    self.help(events, check)
            check += dt.timedelta(days=rng.randint(27, 33))
            if moved and check > start + dt.timedelta(days=120):  # moved to another employer
                moved, gap = False, rng.randint(0, 20)
                events.add("employment.ended", check, context={"employer_id": employer},
                           data={"end_date": check.isoformat(), "reason": "other"})
                employer, check = rng.choice(self.employers), check + dt.timedelta(days=gap)
                if check < self.until:
                    events.add("employment.reassigned", check, context={"employer_id": employer},
                               data={"start_date": check.isoformat()})
        if end < self.until and rng.random() < 0.7:  # the rest go silent: no end is ever scanned
            events.add("employment.ended", end, context={"employer_id": employer},
                       data={"end_date": end.isoformat(),
                             "reason": rng.choice(["pay", "food", "homesick", "family",
                                                   "climate"])})

    def help(self, events: Events, day: dt.date) -> None:
        """A request for help, mostly answered within a day or two and closed within a week; a
        few wait."""
        rng = self.rng
        request = events.add("help.requested", day, data={"category": rng.choice(
            ("unpaid_wages", "housing", "job_fit", "food", "injury", "going_home"))})
        if request is None or rng.random() < 0.1:
            return
        answered = day + dt.timedelta(days=rng.choice((1, 1, 2, 4)))
        events.add("help.answered", answered, data={"request_id": request, "action": "call_logged",
                                                    "text": "已联系企业"})
        if rng.random() < 0.85:
            events.add("help.closed", answered + dt.timedelta(days=rng.randint(1, 6)),
                       data={"request_id": request})

    def profile(self, i: int, worker_id: str, county: str, township: str) -> dict:
        rng = self.rng
        # with the sequence: unique for 12M people
        born = dt.date(1966, 1, 1) + dt.timedelta(days=i % 12000)
        first17 = f"{county}{born:%Y%m%d}{i // 12000 % 1000:03d}"
        resident = parse_id_number(first17 + check_character(first17), today=self.until)
        return {"name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                "phone": f"139{i:08d}",
                "home": {"county_code": county, "township": township, "village": None},
                "poor_household": rng.random() < 0.35, "skills": [], "desired_jobs": [],
                "education": None,
                "consent": {"notice_version": "2026-1", "channel": "paper"},
                **identity_fields(worker_id, resident)}


class Events:
    """One worker's generated events, as table rows and as the fold's facts."""

    def __init__(self, worker_id: str, rng: random.Random, until: dt.date):
        self.worker_id = worker_id
        self.rng = rng
        self.until = until
        self.rows = []
        self.county = None

    def add(
        self, type: str, day: dt.date, *, context: dict | None = None, data: dict | None = None
    ) -> str | None:
        """The event's id (``None``: after the period, left out)."""
        if day > self.until:
            return None
        at = dt.datetime.combine(day, dt.time(8), CHINA) + dt.timedelta(
            minutes=self.rng.randrange(600)
        )
        context = context or {}
        if type == "worker.registered":
            self.county = data["home"]["county_code"]
        event_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
        self.rows.append(
            {
                "id": event_id,
                "type": type,
                "worker_id": self.worker_id,
                "occurred_at": at,
                "occurred_offset_minutes": 480,
                "recorded_at": at + dt.timedelta(minutes=self.rng.randrange(3 * 24 * 60)),
                "fair_id": context.get("fair_id"),
                "batch_id": context.get("batch_id"),
                "employer_id": context.get("employer_id"),
                "context": context,
                "data": data or {},
                "flags": [],
            }
        )
        return event_id

    def facts(self) -> list[EventFact]:
        return [EventFact(r["id"], r["type"], r["occurred_at"], r["recorded_at"], r["context"],
                          r["data"])
                for r in self.rows]


def _create_postgres_database(url: str) -> None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": parsed.database}):
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    engine.dispose()


if __name__ == "__main__":
    main()
