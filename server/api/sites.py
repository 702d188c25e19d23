from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import SiteCodeArgsSchema, SiteCodeSchema, SiteInSchema, SiteSchema
from server.api.caller import current_user
from server.domain import calendar
from server.services import sites

blp = Blueprint("sites", __name__, url_prefix="/api/sites",
                description="Workplaces, and the day's workplace code workers confirm they are at "
                            "work with")


@blp.route("")
class Sites(MethodView):
    @blp.response(200, SiteSchema(many=True))
    def get(self):
        """Workplaces (an employer: its own)."""
        return sites.list_sites(current_user())

    @blp.arguments(SiteInSchema)
    @blp.response(201, SiteSchema)
    def post(self, data):
        """A workplace where the day's code will be posted."""
        return sites.create_site(data, current_user())


@blp.route("/<site_id>/code")
class SiteCode(MethodView):
    @blp.arguments(SiteCodeArgsSchema, location="query")
    @blp.response(200, SiteCodeSchema)
    def get(self, args, site_id):
        """The day's workplace code (LPS1:) and its QR.

        Show it on a screen at the gate, or print it. Workers scan it with their own phone to
        confirm they are at work; it verifies offline and is good that day only."""
        day = args.get("date") or calendar.today()
        return sites.site_code(site_id, current_user(), day)
