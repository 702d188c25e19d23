"""Is this process fit for traffic: the database answers, its schema is the code's, a card can be
signed."""

from __future__ import annotations

import functools

from alembic.script import ScriptDirectory
from sqlalchemy import text

from server.config import MIGRATIONS_DIR
from server.domain.reasons import Reason
from server.errors import Unavailable
from server.extensions import db
from server.services import keyring


def alive() -> dict:
    database_answers()
    return {"status": "ok", "database": "ok"}


def readiness() -> dict:
    """``Unavailable`` (503 with ``Retry-After``) unless the database answers, ``laborpass
    init-db`` ran after the deploy and a card-signing key is at hand."""
    database_answers()
    current, head = db.session.execute(text("SELECT version_num FROM "
                                            "alembic_version")).scalar(), _head_revision()
    if current != head:
        raise Unavailable(Reason.SCHEMA_NOT_CURRENT,
                          f"数据库结构为 {current}，程序需要 {head}：请运行 laborpass init-db。"
                                                f" The database schema is {current}, the code "
                                                f"needs {head}: "
                                                "run laborpass init-db.", retry_after=30)
    key = keyring.usable_signing_key()
    if key is None:
        raise Unavailable(Reason.NO_SIGNING_KEY, "没有可用的签名密钥：请运行 laborpass init-db。"
                                            " No card-signing key at hand: run laborpass init-db.",
                          retry_after=30)
    return {"status": "ok", "database": "ok", "schema": current, "signing_key": key.kid}


def database_answers() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise Unavailable(Reason.DATABASE_UNAVAILABLE,
                          "数据库暂不可用。 The database is unreachable.", retry_after=5) from None


@functools.cache
def _head_revision() -> str:
    return ScriptDirectory(MIGRATIONS_DIR).get_current_head()
