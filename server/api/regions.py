from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.regions import ConsentNoticeSchema, HotlineInSchema, HotlineSchema, RegionsSchema
from server.api.caller import current_user
from server.domain.regions import consent_notice
from server.services import places

blp = Blueprint("regions", __name__, url_prefix="/api/regions",
                description="The program's counties (GB/T 2260) and the consent notice")


@blp.route("/consent-notice")
class ConsentNotice(MethodView):
    @blp.response(200, ConsentNoticeSchema)
    def get(self):
        """The notice shown (or printed, or read aloud) to a worker before registration."""
        return consent_notice()


@blp.route("")
class Regions(MethodView):
    @blp.response(200, RegionsSchema)
    def get(self):
        """The origin and destination counties, in Chinese and pinyin."""
        return places.program_regions_with_hotlines()


@blp.route("/<county_code>/hotline")
class CountyHotline(MethodView):
    @blp.arguments(HotlineInSchema)
    @blp.response(200, HotlineSchema)
    @blp.alt_response(404, schema=ErrorSchema,
                      description="county_not_found: no origin county, or not the user's own")
    def put(self, data, county_code):
        """Set the county workstation's number (admins; a county office its own; audited)."""
        return places.set_hotline(county_code, data["workstation_hotline"], current_user())
