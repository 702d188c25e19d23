"""A throw-away deployment for the fault and load scripts: its own instance folder, its own
database (a SQLite file, or a PostgreSQL database of its own next to ``test``), migrated with
``laborpass init-db``, an admin token, and gunicorn as production runs it, on 127.0.0.1."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.domain.id_numbers import check_character  # noqa: E402

CHINA = dt.timezone(dt.timedelta(hours=8))
POSTGRES_SERVER = os.environ.get("LABORPASS_TEST_POSTGRES_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Deployment:
    def __init__(self, database: str, workers: int = 4, name: str = "laborpass_scripts"):
        self.folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.name = name
        self.workers = workers
        if database == "sqlite":
            self.url = f"sqlite:///{self.folder / 'laborpass.db'}"
        else:
            self.url = _fresh_postgres_database(name)
        self.env = os.environ | {"DATABASE_URL": self.url,
                                 "LABORPASS_INSTANCE_DIR": str(self.folder),
                                 "LABORPASS_LOG_LEVEL": "WARNING"}
        self.cli("init-db")
        self.cli("create-user", "admin", "--role", "admin")
        self.token = self.cli("create-token", "admin").strip().splitlines()[-1]
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run([str(ROOT / ".venv/bin/laborpass"), *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"laborpass {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        self.server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(self.workers), "-b",
             f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning", "server:create_app()"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "gunicorn.log", "ab"))  # noqa: SIM115 (the child keeps it)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http_json("GET", f"{self.base}/api/health/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in found.split()]

    def kill_one_worker(self) -> int:
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()
        self.server = None

    def stop(self) -> None:
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait()
            self.server = None

    def discard(self) -> None:
        """Stop the server; remove the folder and the database."""
        self.stop()
        if self.url.startswith("postgresql"):
            _drop_postgres_database(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)


def http_json(
    method: str, url: str, body=None, *, token: str | None = None, timeout: float = 60
) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}


def person(n: int) -> dict:
    """A valid registration: a Tongwei ID number made distinct by ``n``."""
    first17 = (
        f"621121{dt.date(1975, 1, 1) + dt.timedelta(days=n // 900):%Y%m%d}{n % 900 + 100:03d}"
    )
    return {"name": f"务工{n}", "id_number": first17 + check_character(first17),
            "phone": f"13{n % 10**9:09d}",
            "home": {"county_code": "621121", "township": "平襄镇", "village": "西关村"},
            "poor_household": n % 3 == 0,
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}}


def registration(seq: int, n: int, worker_id: str | None = None, **data) -> dict:
    """A phone's envelope registering person ``n`` now (``data`` replaces fields of ``person(n)``).
    """
    return {"id": str(uuid.uuid4()), "type": "worker.registered", "device_seq": seq,
            "worker_id": worker_id or str(uuid.uuid4()),
            "occurred_at": dt.datetime.now(CHINA).isoformat(),
            "context": {}, "data": person(n) | data}


def check_in(seq: int, worker_id: str, fair_id: str) -> dict:
    """A phone's envelope checking a worker in at a fair now."""
    return {"id": str(uuid.uuid4()), "type": "fair.checked_in", "device_seq": seq,
            "worker_id": worker_id,
            "occurred_at": dt.datetime.now(CHINA).isoformat(), "context": {"fair_id": fair_id},
            "data": {}}


def _fresh_postgres_database(name: str) -> str:
    _drop_postgres_database(name, create=True)
    return POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres_database(name: str, create: bool = False) -> None:
    import psycopg

    with psycopg.connect(
        POSTGRES_SERVER.replace("postgresql+psycopg", "postgresql"), autocommit=True
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            connection.execute(f"CREATE DATABASE {name}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
