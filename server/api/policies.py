from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.subsidies import PolicyInSchema, PolicySchema
from server.api.caller import current_user
from server.services import access, subsidies

blp = Blueprint("policies", __name__, url_prefix="/api/policies",
                description="Subsidy policies: every version, an admin's edit a new one")


@blp.route("")
class Policies(MethodView):
    @blp.response(200, PolicySchema(many=True))
    def get(self):
        """Every version of every policy (the seed's are there from the start)."""
        access.require(current_user(), "payout.read")
        return subsidies.policies()

    @blp.arguments(PolicyInSchema)
    @blp.response(201, PolicySchema)
    def post(self, data):
        """A new version of a policy, or a new policy (admins; audited)."""
        return subsidies.add_version(data, current_user())
