from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import AtRiskArgsSchema, AtRiskPageSchema
from server.api.caller import current_user
from server.services import lifecycle

blp = Blueprint("at_risk", __name__, url_prefix="/api/at-risk",
                description="The morning list: who in your scope may be leaving, and why")


@blp.route("")
class AtRisk(MethodView):
    @blp.arguments(AtRiskArgsSchema, location="query")
    @blp.response(200, AtRiskPageSchema)
    def get(self, args):
        """The morning list: workers in your scope at risk of leaving, and why."""
        user = current_user()
        return lifecycle.at_risk_lines(lifecycle.at_risk(user, args), user)
