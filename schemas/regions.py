"""The program's counties and the consent notice as the API answers them; a county's
workstation number as the office sets it."""
from __future__ import annotations

from marshmallow import ValidationError, fields, pre_dump

from schemas.base import BaseSchema
from server.domain.phones import PhoneError, parse_hotline
from server.domain.regions import county_name


class HotlineField(fields.String):
    """A number a worker can call: a landline with its area code (``0591-87654321``), a mobile, a
    400/800 line or a service line such as 12333; normalised
    (``server.domain.phones.parse_hotline``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_hotline(super()._deserialize(value, attr, data, **kwargs))
        except PhoneError as exc:
            raise ValidationError(str(exc)) from None


class HotlineInSchema(BaseSchema):
    workstation_hotline = HotlineField(required=True, allow_none=True, metadata={
        "description": "the workstation's number; null: workers see the program's line "
                       "(LABORPASS_HOTLINE) again"})


class HotlineSchema(BaseSchema):
    """Dumps a ``services.places.Hotline``."""

    @pre_dump
    def _represent(self, hotline, **kwargs):
        return {"county_code": hotline.county_code,
                "county_name": county_name(hotline.county_code),
                "workstation_hotline": hotline.workstation_hotline,
                "shown_to_workers": hotline.shown_to_workers}

    county_code = fields.String()
    county_name = fields.String()
    workstation_hotline = fields.String(allow_none=True,
                                        metadata={"description": "the workstation's own number"})
    shown_to_workers = fields.String(metadata={"description": "what workers' records and new "
                                                              "cards show"})


class CountySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    former_code = fields.String(metadata={"description": "the code before 2003, still on older ID "
                                                         "numbers"})
    former_name = fields.String()
    workstation_hotline = fields.String(allow_none=True)
    shown_to_workers = fields.String(metadata={
        "description": "origin counties: the number workers' records and new cards show (the "
                       "workstation's, else the program's)"})


class SideSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    province = fields.String()
    counties = fields.List(fields.Nested(CountySchema))


class RegionsSchema(BaseSchema):
    """Dumps ``services.places.program_regions_with_hotlines``: each origin county with its
    number."""

    @pre_dump
    def _represent(self, regions, **kwargs):
        numbers = regions["hotlines"]
        origin = regions["origin"] | {"counties": [
            c | {"workstation_hotline": numbers[c["code"]].workstation_hotline,
                 "shown_to_workers": numbers[c["code"]].shown_to_workers}
            for c in regions["origin"]["counties"]]}
        return {"origin": origin, "destination": regions["destination"]}

    origin = fields.Nested(SideSchema)
    destination = fields.Nested(SideSchema)


class ConsentNoticeSchema(BaseSchema):
    version = fields.String()
    zh = fields.String()
    en = fields.String()
