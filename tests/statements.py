"""Counting the SQL statements a request sends: a list's must not grow with its length."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from server.extensions import db


@contextmanager
def statements_sent():
    """The statements sent to the database meanwhile (the transactions' BEGIN left out)."""
    sent: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
