"""The app's log: one JSON object a line, with the request's id, and nothing a person typed."""
import json
import logging

import pytest

from server.logs import JsonFormatter


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines(app):
    handler = Lines()
    app.logger.addHandler(handler)
    yield handler.lines
    app.logger.removeHandler(handler)


def test_each_request_logs_one_line_with_its_id_and_never_the_query(client, auth, register,
                                                                    log_lines):
    register()
    log_lines.clear()
    response = client.get("/api/workers?q=张秀英&id_last4=123X",
                          headers=auth.headers() | {"X-Request-ID": "proxy-7f3a9c21"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "proxy-7f3a9c21"
    [line] = log_lines
    assert line["request_id"] == "proxy-7f3a9c21" and line["level"] == "info"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/workers", 200)
    assert (
        line["user_id"] == auth.users["admin"].id and line["role"] == "admin" and line["ms"] >= 0
    )
    assert "张秀英" not in json.dumps(line, ensure_ascii=False) and "123X" not in json.dumps(line)


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, log_lines):
    response = client.get("/api/health",
                          headers={"X-Request-ID": 'x"} {"level": "error" ' + "a" * 80})
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    assert log_lines[-1]["request_id"] == request_id and log_lines[-1]["user_id"] is None


def test_an_unexpected_error_is_logged_with_its_request_id_and_traceback(app, client, log_lines):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    response = client.get("/boom")
    assert response.status_code == 500
    error = next(line for line in log_lines if line["level"] == "error")
    assert (
        error["request_id"] == response.headers["X-Request-ID"]
        and "RuntimeError: kaput" in error["exception"]
    )


def test_a_database_error_logged_with_its_traceback_quotes_no_value(app, client, log_lines):
    """A failed insert's error text would list every value of the row (SQLAlchemy quotes the
    parameters; the engine hides them) and PostgreSQL's message quotes the duplicate key: the log
    says what kind of error and where, never what the driver said."""
    from sqlalchemy import text

    from server.extensions import db

    @app.get("/insert-twice")
    def insert_twice():
        for _ in range(2):
            db.session.execute(text("INSERT INTO employers (id, name, created_at) VALUES (:id, :"
                                    "name, :at)"),
                               {"id": "same-id", "name": "秘密的名字",
                                "at": "2026-01-01 00:00:00"})
        return "not reached"

    response = client.get("/insert-twice")
    db.session.rollback()
    assert response.status_code == 500
    error = json.dumps(next(line for line in log_lines if line["level"] == "error"),
                       ensure_ascii=False)
    assert "IntegrityError" in error and "insert_twice" in error  # what and where
    # PostgreSQL's own message would quote it: "Key (name)=(…) already exists"
    assert "秘密的名字" not in error
