from __future__ import annotations

import functools

from alembic.script import ScriptDirectory
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from schemas.health import HealthSchema, ReadinessSchema
from server.errors import Unavailable
from server.extensions import db
from server.services import keyring

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness and readiness for load balancers")


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """Is the service up and its database reachable? (no sign-in needed)"""
        _database_answers()
        return {"status": "ok", "database": "ok"}


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="not ready: the reason is in `code`")
    def get(self):
        """May this process take traffic? The database answers, its schema is the code's (``laborpass
        init-db`` ran after the deploy) and a card-signing key is at hand. 503 with ``Retry-After``
        otherwise: a deploy whose migrations have not run gets no traffic."""
        _database_answers()
        current, head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar(), _head_revision()
        if current != head:
            raise Unavailable("schema_not_current", f"数据库结构为 {current}，程序需要 {head}：请运行 laborpass init-db。"
                                                    f" The database schema is {current}, the code needs {head}: "
                                                    "run laborpass init-db.", retry_after=30)
        key = keyring.usable_signing_key()
        if key is None:
            raise Unavailable("no_signing_key", "没有可用的签名密钥：请运行 laborpass init-db。"
                                                " No card-signing key at hand: run laborpass init-db.", retry_after=30)
        return {"status": "ok", "database": "ok", "schema": current, "signing_key": key.kid}


def _database_answers() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise Unavailable("database_unavailable", "数据库暂不可用。 The database is unreachable.",
                          retry_after=5) from None


@functools.cache
def _head_revision() -> str:
    from server.app import MIGRATIONS

    return ScriptDirectory(MIGRATIONS).get_current_head()
