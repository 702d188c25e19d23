"""Faults a deployment meets: the database unreachable, the disk full. The server answers 503
with Retry-After, keeps nothing half-done, and takes the same push whole when it can again."""
import socket
import threading
import uuid

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db
from server.models import Event
from tests.api.sync_helpers import envelope
from tests.conftest import USES_POSTGRES, person


def registrations(count: int, first_seq: int = 1) -> dict:
    return {"device_id": "fault-phone", "events": [
        envelope("worker.registered", seq, worker_id=str(uuid.uuid4()), data=person(50_000 + seq))
        for seq in range(first_seq, first_seq + count)]}


def count_events() -> int:
    db.session.rollback()  # the test client's requests share this session: end what they left
    count = db.session.scalar(select(func.count()).select_from(Event))
    db.session.rollback()
    return count


@pytest.mark.skipif(USES_POSTGRES, reason="SQLite's own limit stands in for a full disk")
def test_a_full_disk_answers_503_and_leaves_the_database_intact(app, auth, client):
    """``PRAGMA max_page_count`` makes SQLite fail exactly as on a full disk (SQLITE_FULL)."""
    def cap(connection, _record):
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    db.engine.dispose()
    event.listen(db.engine, "connect", cap)
    push = registrations(300)
    refused = client.post("/api/sync/push", json=push, headers=auth.headers())
    assert refused.status_code == 503 and refused.json["code"] == "storage_full"
    assert (
        refused.headers["Retry-After"] == "300" and "nothing was saved" in refused.json["message"]
    )
    assert count_events() == 0
    assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    event.remove(db.engine, "connect", cap)
    db.engine.dispose()  # the administrator made room
    accepted = client.post("/api/sync/push", json=push, headers=auth.headers())
    assert accepted.status_code == 200 and {r["status"] for r in accepted.json["results"]} == {
        "accepted"
    }
    assert count_events() == 300


class Cable:
    """A TCP hop between the app and PostgreSQL that can be unplugged: open connections are cut,
    new ones closed at once, until it is plugged back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.plugged = True
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.plugged:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def unplug(self):
        self.plugged = False
        for connection in self.open:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self.open.clear()

    def close(self):
        self.unplug()
        self.listener.close()


@pytest.mark.skipif(not USES_POSTGRES, reason="SQLite has no server to lose")
def test_pushes_while_the_database_is_unreachable_answer_503_and_lose_nothing(app, auth, tmp_path):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    cable = Cable(url.host, url.port or 5432)
    proxied = create_app({"TESTING": True,
                          "LABORPASS_INSTANCE_DIR": app.config["LABORPASS_INSTANCE_DIR"],
                          "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=cable.port)
                          .render_as_string(hide_password=False)})
    client = proxied.test_client()
    try:
        first = client.post("/api/sync/push", json=registrations(5), headers=auth.headers())
        assert first.status_code == 200
        cable.unplug()
        push = registrations(200, first_seq=6)
        for _ in range(3):
            down = client.post("/api/sync/push", json=push, headers=auth.headers())
            assert down.status_code == 503 and down.json["code"] == "database_unavailable"
            assert down.headers["Retry-After"] == "5"
        assert client.get("/api/health").status_code == 503
        assert count_events() == 5  # (read past the cable) nothing of the refused pushes
        cable.plugged = True
        back = client.post("/api/sync/push", json=push, headers=auth.headers())
        assert back.status_code == 200 and {r["status"] for r in back.json["results"]} == {
            "accepted"
        }
        assert count_events() == 205
    finally:
        with proxied.app_context():
            db.engine.dispose()
        cable.close()
