from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.audit import AuditPageSchema, AuditQueryArgsSchema
from server.api.caller import current_user
from server.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/audit",
                description="The append-only audit trail (admins)")


@blp.route("")
class AuditEntries(MethodView):
    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, args):
        """Browse the audit trail, newest first (admins)."""
        return audit.list_entries(current_user(), args)
