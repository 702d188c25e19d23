"""Fixtures: a migrated database (SQLite file, or PostgreSQL when DATABASE_URL says so),
an app per test, users of every role with real Bearer tokens, and a valid-person factory."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import threading
import urllib.error
import urllib.request

import flask_migrate
import pytest
import time_machine
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from server import create_app
from server.domain.id_numbers import check_character, parse_id_number
from server.extensions import db
from server.logs import JsonFormatter
from server.models import Batch, Employer, Fair, FairEmployer, Training, User
from server.services import subsidies
from server.services.auth import create_token
from server.services.programme import install_shipped

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
USES_POSTGRES = POSTGRES_URL.startswith("postgresql")


ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# a token (server.services.auth.TOKEN_PREFIX)
SECRET = re.compile(r"lp_[A-Za-z0-9_-]{20,}|Bearer [A-Za-z0-9]")


def has_id_number(text: str) -> bool:
    """A valid resident ID number in ``text`` (not any 18 digits: a fuzzer's id in a path is none).
    """
    for candidate in ID_NUMBER.findall(text):
        try:
            parse_id_number(candidate, today=dt.date.today())
            return True
        except ValueError:
            continue
    return False


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        # the lines as production writes them, request fields included
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def no_id_numbers_in_logs(migrated_database):
    """Whatever the suite does, no resident ID number and no token reaches a log line. (After the
    migrations: Alembic's logging set-up replaces the root logger's handlers.)"""
    collector = _LogCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    previous_level = root.level
    root.setLevel(logging.DEBUG)
    yield collector
    root.removeHandler(collector)
    root.setLevel(previous_level)
    leaked = [line for line in collector.lines if has_id_number(line) or SECRET.search(line)]
    assert not leaked, leaked[:5]


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """Run the migrations once per session: on PostgreSQL into an emptied schema, on SQLite
    into a template file that each test copies."""
    instance = tmp_path_factory.mktemp("migrate-instance")
    if USES_POSTGRES:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "LABORPASS_INSTANCE_DIR": str(instance)})
    with app.app_context():
        flask_migrate.upgrade()
        # as ``laborpass init-db`` does: each SQLite test's copy has them
        subsidies.install_presets()
        install_shipped()
        db.session.commit()
        db.engine.dispose()  # SQLite folds its WAL into the file when the last connection closes
    return url


@pytest.fixture
def database_url(migrated_database, tmp_path):
    if USES_POSTGRES:
        engine = create_engine(migrated_database)
        with engine.begin() as connection:
            tables = connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
                "'alembic_version'"
            )).scalars().all()
            sequences = connection.execute(text(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = "
                "'public'")).scalars().all()
            if connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = "
                                       "current_user")).scalar():
                # Emptied as TRUNCATE … RESTART IDENTITY would, in a quarter of its time on tables
                # this small: no triggers (the append-only ones included), no foreign-key checks
                # while deleting.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))
                for sequence in sequences:
                    connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
            else:  # (only a superuser may switch the triggers off)
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return migrated_database
    path = tmp_path / "laborpass.db"
    shutil.copy(migrated_database.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


# LABORPASS_TEST_CLOCK=HH:MM runs each test with the server's clock at the next HH:MM UTC (ticking
# from there): scripts/test runs the date-dependent tests at 17:30 UTC (01:30 in Beijing, when the
# UTC day is still yesterday's) and at 15:30 UTC (23:30 in Beijing). The next one, never an earlier
# one: times a test module took from the clock as it loaded stay in the past.
TEST_CLOCK = os.environ.get("LABORPASS_TEST_CLOCK")


def clock_at(hhmm: str) -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    hour, minute = map(int, hhmm.split(":"))
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def server_clock():
    if not TEST_CLOCK:
        yield None
        return
    with time_machine.travel(clock_at(TEST_CLOCK), tick=True) as traveller:
        yield traveller


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LABORPASS_INSTANCE_DIR": str(tmp_path / "instance"),
    })
    with app.app_context():
        # what ``laborpass init-db`` puts in (emptied on PostgreSQL above)
        subsidies.install_presets()
        install_shipped()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    """Users of every role, each with a real Bearer token (flaskr's AuthActions idea)."""

    def __init__(self):
        self.employers = {name: Employer(name=name) for name in ("闽江纺织", "融侨电子")}
        db.session.add_all(self.employers.values())
        db.session.flush()
        minjiang, rongqiao = self.employers.values()
        self.users = {
            "admin": User(name="admin", role="admin"),
            "county": User(name="tongwei", role="county", county_code="621121"),
            "other_county": User(name="longxi", role="county", county_code="621122"),
            "workstation": User(name="tongwei-ws", role="workstation", county_code="621121"),
            "fair_staff": User(name="tongwei-fair", role="fair_staff", county_code="621121"),
            "greeter": User(name="greeter", role="greeter", station="福州站"),
            "employer": User(name="minjiang-hr", role="employer", employer_id=minjiang.id),
            "other_employer": User(name="rongqiao-hr", role="employer", employer_id=rongqiao.id),
        }
        db.session.add_all(self.users.values())
        db.session.flush()
        self.tokens = {key: create_token(user, "test") for key, user in self.users.items()}
        db.session.commit()

    def headers(self, who: str = "admin") -> dict:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def employer_id(self, who: str = "employer") -> str:
        return self.users[who].employer_id


@pytest.fixture
def auth(app):
    return Auth()


# The programme's places a test's scans name: asked for by the tests (or modules) that name them.
@pytest.fixture
def fair(auth) -> str:
    """A fair in Tongwei with both employers, for scans that name a fair (context fair_id "f")."""
    db.session.add(Fair(id="f", name="通渭县春季招聘会", county_code="621121", township="平襄镇",
                        venue="平襄镇广场",
                        date=dt.date(2026, 2, 1), starts_at=dt.time(9), ends_at=dt.time(16),
                        organiser="通渭县人社局"))
    db.session.flush()
    db.session.add_all(FairEmployer(fair_id="f", employer_id=e.id)
                       for e in auth.employers.values())
    db.session.commit()
    return "f"


@pytest.fixture
def batch(auth) -> str:
    """A batch from Tongwei due at 福州站 (context batch_id "b")."""
    db.session.add(Batch(id="b", name="通渭—福州 第1批", origin_county_code="621121",
                         departure_station="定西北站",
                         departs_at=dt.datetime(2026, 2, 10, 8, tzinfo=dt.UTC),
                         train_number="D2702",
                         destination_station="福州站",
                         expected_arrival_at=dt.datetime(2026, 2, 11, 6, tzinfo=dt.UTC)))
    db.session.commit()
    return "b"


@pytest.fixture
def training(auth) -> str:
    """A training in Tongwei (context training_id "t")."""
    db.session.add(Training(id="t", title="电子装配岗前培训", skill="electronics_assembly",
                            provider="通渭县职教中心",
                            place="平襄镇", county_code="621121", starts_on=dt.date(2026, 1, 10),
                            ends_on=dt.date(2026, 1, 12), capacity=40, hours=16))
    db.session.commit()
    return "t"


@pytest.fixture
def programme(fair, batch, training) -> tuple[str, str, str]:
    """The fair, the batch and the training together, for modules whose scans name all three."""
    return fair, batch, training


def make_id_number(
    region: str = "621121", birth: dt.date = dt.date(1985, 3, 7), sequence: int = 123
) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def person(n: int = 0, **overrides) -> dict:
    """A valid registration payload; ``n`` makes the ID number and phone distinct."""
    payload = {
        "name": "张秀英",
        "id_number": make_id_number(sequence=n % 1000,
                                    birth=dt.date(1980, 1, 1) + dt.timedelta(days=n // 1000)),
        "phone": f"139{n:08d}",
        "home": {"county_code": "621121", "township": "平襄镇", "village": "西关村"},
        "poor_household": True,
        "skills": ["缝纫"],
        "desired_jobs": ["纺织工"],
        "education": "junior_secondary",
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True},
    }
    return payload | overrides


@pytest.fixture
def register(client, auth):
    """``register(n=0, as_="admin", on=REGISTERED_AT, **overrides)`` -> the created worker's JSON.

    The office registers the person at ``on`` (the clock travels there for the request): a scan
    before a registration is refused, and tests replay histories that begin early in 2026.
    ``on=None``: now."""

    def _register(
        n: int = 0, as_: str = "admin", on: dt.datetime | None = REGISTERED_AT, **overrides
    ) -> dict:
        with time_machine.travel(on, tick=True) if on else contextlib.nullcontext():
            response = client.post("/api/workers", json=person(n, **overrides),
                                   headers=auth.headers(as_))
        assert response.status_code == 201, response.json
        return response.json

    return _register


REGISTERED_AT = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free port, many requests at once.

    Teardown waits for requests still being answered (a PWA syncs in the background): their
    database connections must be back in the pool before the test's engine is disposed."""
    busy = threading.Condition()
    in_flight = [0]

    def counted(environ, start_response):
        with busy:
            in_flight[0] += 1
        result = None
        try:
            result = app(environ, start_response)
            return list(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # as WSGI asks: files sent are closed here
            with busy:
                in_flight[0] -= 1
                busy.notify_all()

    server = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class LiveServer(str):
        def quiet(self, timeout: float = 30) -> None:
            """Wait until no request is being answered (a client has its answer a moment before the
            request's thread has given its database connection back)."""
            with busy:
                busy.wait_for(lambda: in_flight[0] == 0, timeout=timeout)

    address = LiveServer(f"http://127.0.0.1:{server.server_port}")
    yield address
    server.shutdown()
    thread.join()
    address.quiet()


def http_json(
    method: str, url: str, body=None, *, token: str | None = None, timeout: float = 60
) -> tuple[int, dict]:
    """A JSON request over real HTTP (stdlib only): answers the status and the decoded body."""
    request = urllib.request.Request(url, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
