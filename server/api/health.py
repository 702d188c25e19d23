from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import text

from schemas.base import BaseSchema
from server.errors import Unavailable
from server.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness for load balancers")


class HealthSchema(BaseSchema):
    status = fields.String()
    database = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """Is the service up and its database reachable? (no sign-in needed)"""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:
            db.session.rollback()
            raise Unavailable("database_unavailable", "数据库暂不可用。 The database is unreachable.") from None
        return {"status": "ok", "database": "ok"}
