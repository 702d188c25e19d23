"""A server killed with SIGKILL in the middle of a push of 500 events: after a restart and the
device's retry, every event is stored exactly once and every record equals a fresh fold."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Event
from server.services.events import rebuild_all_records
from tests.api.sync_helpers import envelope
from tests.conftest import http_json, person

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(app, port: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "LABORPASS_INSTANCE_DIR": app.config["LABORPASS_INSTANCE_DIR"]}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout",
         "120", "server:create_app()"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http_json("GET", f"http://127.0.0.1:{port}/api/health", timeout=2)[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.05, 0.7, 1.5])
def test_sigkill_mid_push_then_retry_stores_each_event_once(app, auth, kill_after):
    port, token = free_port(), auth.tokens["admin"]
    url = f"http://127.0.0.1:{port}/api/sync/push"
    batch = {"device_id": "crash-phone", "events": [
        envelope("worker.registered", i + 1, worker_id=str(uuid.uuid4()), data=person(30_000 + i))
        for i in range(500)]}

    server = start_server(app, port)
    outcome = {}

    def send():
        try:
            outcome["first"] = http_json("POST", url, batch, token=token)
        except OSError as exc:  # the connection dies with the server
            outcome["first"] = exc

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(kill_after)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    sender.join()

    server = start_server(app, port)
    try:
        status, body = http_json("POST", url, batch, token=token)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert status == 200, body
    assert {r["status"] for r in body["results"]} <= {"accepted", "duplicate"}
    assert len({r["worker_id"] for r in body["results"]}) == 500
    db.session.expire_all()
    ids = [e["id"] for e in batch["events"]]
    assert (
        db.session.scalar(select(func.count()).select_from(Event).where(Event.id.in_(ids))) == 500
    )
    assert rebuild_all_records(check_only=True) == []
