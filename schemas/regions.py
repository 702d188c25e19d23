"""The program's regions and the consent notice as the API answers them; what an admin adds to
the program, and an origin county's workstation as the office sets it."""
from __future__ import annotations

from marshmallow import ValidationError, fields, pre_dump, validate, validates_schema

from schemas.base import BaseSchema, PlainText, ProgramDate
from server.domain.phones import PhoneError, parse_hotline
from server.domain.regions import SIDES
from server.models import current_programme

_CODE = validate.Regexp(r"^[0-9]{6}\Z", error="六位行政区划代码。 A six-digit region code.")
_NAME = validate.Length(min=1, max=50)


class HotlineField(fields.String):
    """A number a worker can call: a landline with its area code (``0591-87654321``), a mobile, a
    400/800 line or a service line such as 12333; normalised
    (``server.domain.phones.parse_hotline``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_hotline(super()._deserialize(value, attr, data, **kwargs))
        except PhoneError as exc:
            raise ValidationError(str(exc)) from None


class StaffMemberSchema(BaseSchema):
    name = PlainText(required=True, validate=_NAME)
    phone = HotlineField(allow_none=True, load_default=None)
    duty = PlainText(allow_none=True, load_default=None, validate=validate.Length(max=50),
                     metadata={"description": "e.g. 站长, 驻站干部"})


class WorkstationInSchema(BaseSchema):
    """What changes of a workstation: the fields given (``null`` clears one)."""

    name = PlainText(allow_none=True, validate=validate.Length(max=100),
                     metadata={"description": "e.g. 通渭县驻福州劳务工作站"})
    address = PlainText(allow_none=True, validate=validate.Length(max=200))
    phone = HotlineField(allow_none=True, metadata={
        "description": "the workstation's number; null: workers see the program's line "
                       "(LABORPASS_HOTLINE) again"})
    staff = fields.List(fields.Nested(StaffMemberSchema), validate=validate.Length(max=30))
    established_on = ProgramDate(allow_none=True, metadata={
        "description": "the day it was set up: counts toward the plan's 10 workstations"})
    note = PlainText(allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请填写要修改的内容。 Give what changes.", "_schema")


class WorkstationSchema(BaseSchema):
    """Dumps a ``services.places.Hotline``."""

    @pre_dump
    def _represent(self, hotline, **kwargs):
        return {"county_code": hotline.county_code,
                "county_name": current_programme().county_name(hotline.county_code),
                "name": hotline.name, "address": hotline.address,
                "phone": hotline.workstation_hotline,
                "workstation_hotline": hotline.workstation_hotline,
                "shown_to_workers": hotline.shown_to_workers, "staff": list(hotline.staff),
                "established_on": hotline.established_on, "note": hotline.note}

    county_code = fields.String()
    county_name = fields.String()
    name = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True,
                          metadata={"description": "the workstation's own number"})
    workstation_hotline = fields.String(allow_none=True, metadata={"description": "= phone"})
    shown_to_workers = fields.String(metadata={"description": "what workers' records and new "
                                                              "cards show: the phone, else the "
                                                              "program's line"})
    staff = fields.List(fields.Nested(StaffMemberSchema))
    established_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class PrefectureInSchema(BaseSchema):
    code = fields.String(required=True, validate=_CODE, metadata={"description": "e.g. 640400"})
    name = PlainText(required=True, validate=_NAME)
    pinyin = PlainText(load_default="", validate=validate.Length(max=100))
    province = PlainText(required=True, validate=_NAME)
    side = fields.String(load_default="origin", validate=validate.OneOf(SIDES))


class PrefectureSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    province = fields.String()
    side = fields.String()


class CountyInSchema(BaseSchema):
    code = fields.String(required=True, validate=_CODE,
                         metadata={"description": "the current code"})
    prefecture_code = fields.String(required=True, validate=_CODE)
    name = PlainText(required=True, validate=_NAME)
    pinyin = PlainText(load_default="", validate=validate.Length(max=100))
    former_code = fields.String(allow_none=True, load_default=None, validate=_CODE, metadata={
        "description": "the code of the earlier period, still on older ID numbers"})
    former_name = PlainText(allow_none=True, load_default=None, validate=validate.Length(max=50))


class CountyRenameSchema(BaseSchema):
    name = PlainText(validate=_NAME)
    pinyin = PlainText(validate=validate.Length(max=100))
    former_name = PlainText(allow_none=True, validate=validate.Length(max=50))

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请填写要修改的名称。 Give the names that change.", "_schema")


class CountySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    side = fields.String()
    prefecture_code = fields.String()
    former_code = fields.String(allow_none=True, metadata={
        "description": "the code of the earlier period, still on older ID numbers"})
    former_name = fields.String(allow_none=True)


class ListedCountySchema(CountySchema):
    prefecture_name = fields.String()
    workstation_hotline = fields.String(allow_none=True)
    shown_to_workers = fields.String(metadata={
        "description": "origin counties: the number workers' records and new cards show (the "
                       "workstation's, else the program's)"})
    workstation = fields.Nested(WorkstationSchema, allow_none=True)


class SideSchema(BaseSchema):
    counties = fields.List(fields.Nested(ListedCountySchema))


class RegionsSchema(BaseSchema):
    """Dumps ``services.places.programme_with_workstations``: the prefectures, then the counties of
    each side (an origin county with its workstation)."""

    @pre_dump
    def _represent(self, found, **kwargs):
        programme = found["programme"]
        names = {p.code: p.name for p in programme.prefectures}

        def listed(county):
            shown = {"code": county.code, "name": county.name, "pinyin": county.pinyin,
                     "side": county.side, "prefecture_code": county.prefecture_code,
                     "prefecture_name": names[county.prefecture_code],
                     "former_code": county.former_code, "former_name": county.former_name}
            station = found["hotlines"].get(county.code)
            if station is not None:
                shown |= {"workstation_hotline": station.workstation_hotline,
                          "shown_to_workers": station.shown_to_workers, "workstation": station}
            return shown

        return {"prefectures": programme.prefectures,
                **{side: {"counties": [listed(c) for c in programme.side_of(side)]}
                   for side in SIDES}}

    prefectures = fields.List(fields.Nested(PrefectureSchema))
    origin = fields.Nested(SideSchema)
    destination = fields.Nested(SideSchema)


class ConsentNoticeSchema(BaseSchema):
    version = fields.String()
    zh = fields.String()
    en = fields.String()
