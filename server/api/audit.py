from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from schemas.base import ROW_ID, BaseSchema
from server.api.auth import current_user
from server.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="The append-only audit trail (admins)")


class AuditQueryArgsSchema(BaseSchema):
    action = fields.String()
    target = fields.String()
    actor_id = fields.Integer(validate=ROW_ID)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target = fields.String(allow_none=True)
    details = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class AuditPageSchema(BaseSchema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()


@blp.route("")
class AuditEntries(MethodView):
    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, args):
        """Browse the audit trail, newest first (admins)."""
        items, total = audit.list_entries(current_user(), args)
        return {"items": items, "total": total}
