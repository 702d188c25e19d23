from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.subsidies import TargetArgsSchema, TargetInSchema, TargetSchema
from server.api.caller import current_user
from server.services import targets

blp = Blueprint("targets", __name__, url_prefix="/api/targets",
                description="Each county's yearly targets, and how far it has come")


@blp.route("")
class Targets(MethodView):
    @blp.arguments(TargetArgsSchema, location="query")
    @blp.response(200, TargetSchema(many=True))
    def get(self, args):
        """Each county's targets for the year and the counts so far (a county sees its own)."""
        return targets.progress(current_user(), args["year"])


@blp.route("/<county_code>/<int(min=2000, max=2099):year>")
class TargetByCounty(MethodView):
    @blp.arguments(TargetInSchema)
    @blp.response(200, TargetSchema)
    def put(self, data, county_code, year):
        """Set a county's targets for a year (admins; audited)."""
        return targets.set_target(county_code, year, data, current_user())
