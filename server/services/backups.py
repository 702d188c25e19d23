"""Backups of the database, taken while the app serves.

SQLite: the online backup API copies a consistent snapshot page by page (a push is one
transaction: it is in the copy whole or not at all); the copy is checked with ``PRAGMA
integrity_check`` before it counts. PostgreSQL: ``pg_dump --format=custom`` (a consistent
snapshot too) and ``pg_restore --clean``. The instance folder's keys are not in the database
and so not in the backup: keep them apart (a stolen backup without them reveals no ID number),
and keep them, or every ID number in every backup is lost.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from server.domain.reasons import Reason
from server.errors import BackupError
from server.extensions import db


def backup(target: Path) -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with db.engine.connect() as connection:
            source = connection.connection.driver_connection
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
        _check_sqlite(target)
        return f"SQLite backup written to {target} and checked (integrity_check ok)"
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
    return f"PostgreSQL dump written to {target} (pg_dump --format=custom)"


def restore(source: Path) -> str:
    """Replace the database's content by the backup's. Stop the app first; run ``init-db`` after
    (a backup of an older version is upgraded by the migrations)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        _check_sqlite(source)
        with sqlite3.connect(source) as backup_file, db.engine.connect() as connection:
            backup_file.backup(connection.connection.driver_connection)
        backup_file.close()
        db.engine.dispose()
        return f"database restored from {source}"
    db.engine.dispose()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq(url)}", str(source)])
    return f"database restored from {source} (pg_restore --clean)"


def _check_sqlite(path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0]
                      for row in connection.execute("SELECT name FROM sqlite_master WHERE type = "
                                                    "'table'")}
        except sqlite3.DatabaseError as error:
            verdict, tables = str(error), set()
    connection.close()
    if verdict != "ok" or not {"alembic_version", "events", "workers"} <= tables:
        raise BackupError(Reason.BACKUP_CORRUPT,
                          f"{path} 不是完好的 LaborPass 数据库（{verdict}）。 {path} is not an "
                                            f"intact LaborPass database ({verdict}).")


def _libpq(url) -> str:
    """The URL as pg_dump takes it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(Reason.TOOL_MISSING, f"找不到 {command[0]}：请安装 PostgreSQL 客户端。"
                                          f" {command[0]} not found: install the PostgreSQL "
                                          "client.")
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(Reason.BACKUP_FAILED,
                          f"{command[0]} 失败。 {command[0]} failed: "
                          f"{finished.stderr.strip()[-500:]}")
