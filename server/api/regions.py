from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from schemas.base import BaseSchema
from server.domain.regions import consent_notice, program_regions

blp = Blueprint("regions", __name__, url_prefix="/api/regions",
                description="The program's counties (GB/T 2260) and the consent notice")


class CountySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    former_code = fields.String(metadata={"description": "the code before 2003, still on older ID numbers"})
    former_name = fields.String()
    workstation_hotline = fields.String(allow_none=True)


class SideSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    province = fields.String()
    counties = fields.List(fields.Nested(CountySchema))


class RegionsSchema(BaseSchema):
    origin = fields.Nested(SideSchema)
    destination = fields.Nested(SideSchema)


class ConsentNoticeSchema(BaseSchema):
    version = fields.String()
    zh = fields.String()
    en = fields.String()


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
        regions = program_regions()
        return {"origin": regions["origin"], "destination": regions["destination"]}
