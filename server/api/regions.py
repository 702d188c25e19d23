from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.regions import (
    ConsentNoticeSchema,
    CountyInSchema,
    CountyRenameSchema,
    CountySchema,
    PrefectureInSchema,
    PrefectureSchema,
    RegionsSchema,
    WorkstationInSchema,
    WorkstationSchema,
)
from server.api.caller import current_user
from server.domain.regions import consent_notice
from server.services import places, programme

blp = Blueprint("regions", __name__, url_prefix="/api/regions",
                description="The program's regions (GB/T 2260), their workstations, and the "
                            "consent notice")


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
        """The program's prefectures and their counties, in Chinese and pinyin, each origin
        county with its workstation."""
        return places.programme_with_workstations()


@blp.route("/prefectures")
class Prefectures(MethodView):
    @blp.arguments(PrefectureInSchema)
    @blp.response(201, PrefectureSchema)
    def post(self, data):
        """Add a prefecture to the program (admins; audited)."""
        return programme.add_prefecture(data, current_user())


@blp.route("/counties")
class Counties(MethodView):
    @blp.arguments(CountyInSchema)
    @blp.response(201, CountySchema)
    def post(self, data):
        """Add a county to the program under its prefecture (admins; audited)."""
        return programme.add_county(data, current_user())


@blp.route("/counties/<code>")
class CountyByCode(MethodView):
    @blp.arguments(CountyRenameSchema)
    @blp.response(200, CountySchema)
    @blp.alt_response(404, schema=ErrorSchema, description="county_not_found")
    def patch(self, data, code):
        """Correct a county's names (admins; its codes stay; audited)."""
        return programme.rename_county(code, data, current_user())


@blp.route("/<county_code>/workstation")
class CountyWorkstation(MethodView):
    @blp.arguments(WorkstationInSchema)
    @blp.response(200, WorkstationSchema)
    @blp.alt_response(404, schema=ErrorSchema,
                      description="county_not_found: no origin county, or not the user's own")
    def patch(self, data, county_code):
        """Change an origin county's workstation (admins; a county office its own; audited)."""
        return programme.set_workstation(county_code, data, current_user())
