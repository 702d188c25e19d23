"""``laborpass backup`` taken while devices push, and ``laborpass restore``: the restored database
is consistent — whole pushes only, intact, every record equal to a fresh fold, the audit chain
whole — and devices pushing again afterwards store each event exactly once."""
import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Event
from tests.api.sync_helpers import envelope
from tests.conftest import http_json, person

PUSHES, PER_PUSH = 30, 20


@pytest.mark.slow
def test_a_backup_taken_during_pushes_restores_to_a_consistent_database(app, auth, live_server,
                                                                        runner, tmp_path):
    batches = [{"device_id": "backup-phone", "events": [
        envelope("worker.registered", n * PER_PUSH + i + 1, worker_id=str(uuid.uuid4()),
                 data=person(40_000 + n * PER_PUSH + i)) for i in range(PER_PUSH)]}
                 for n in range(PUSHES)]
    some_pushed = threading.Event()
    answers = []

    def push_all():
        for n, batch in enumerate(batches):
            answers.append(http_json("POST", f"{live_server}/api/sync/push", batch,
                                     token=auth.tokens["admin"]))
            if n == 2:
                some_pushed.set()

    pusher = threading.Thread(target=push_all)
    pusher.start()
    assert some_pushed.wait(60)
    target = tmp_path / "during-pushes.backup"
    taken = runner.invoke(args=["backup", str(target)])
    pusher.join()
    assert taken.exit_code == 0, taken.output
    assert [status for status, _ in answers] == [200] * PUSHES
    assert count_events() == PUSHES * PER_PUSH
    if target.read_bytes()[:16] == b"SQLite format 3\x00":
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copy.close()

    # the app is stopped for a restore: nothing of ours may hold the database
    db.session.rollback()
    live_server.quiet()
    restored = runner.invoke(args=["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    in_backup = count_events()
    # whole pushes only
    assert 3 * PER_PUSH <= in_backup < PUSHES * PER_PUSH and in_backup % PER_PUSH == 0
    assert runner.invoke(args=["rebuild-records", "--check"]).output.startswith("0 record(s) "
                                                                                "differ")
    assert runner.invoke(args=["audit", "verify"]).output.startswith("audit chain intact")

    db.session.remove()
    again = [http_json("POST", f"{live_server}/api/sync/push", batch, token=auth.tokens["admin"])
             for batch in batches]
    results = [result["status"] for _, body in again for result in body["results"]]
    assert (
        results.count("duplicate") == in_backup
        and results.count("accepted") == PUSHES * PER_PUSH - in_backup
    )
    assert count_events() == PUSHES * PER_PUSH


def test_restore_refuses_a_file_that_is_no_laborpass_database(runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("pg_restore judges its own dumps")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code == 1 and "not an intact LaborPass database" in result.output
    assert count_events() == 0  # the live database is untouched


def count_events() -> int:
    count = db.session.scalar(select(func.count()).select_from(Event))
    db.session.rollback()
    return count
