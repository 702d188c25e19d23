"""Fairs, the employers at them and their job postings, as the API takes and answers them."""
from __future__ import annotations

from marshmallow import ValidationError, fields, pre_dump, validate, validates_schema

from schemas.base import BaseSchema, FairDate, PlainText, ProgramDate
from schemas.paging import PageArgsSchema, page_of
from server.domain.job_types import job_types
from server.domain.lunar import fair_timing_warning, lunar_day
from server.models import current_programme

_COUNTY = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z",
                                                 error="六位县级代码。 A six-digit county code."))
WAGE_BASES = ("fixed", "piece_rate")
FAIR_FIELDS = ("name", "county_code", "township", "village", "venue", "date", "starts_at",
               "ends_at", "organiser", "note")
POSTING_FIELDS = ("job_type", "title", "openings", "wage_min", "wage_max", "wage_basis", "hours",
                  "housing", "food", "district_code", "note")


class FairInSchema(BaseSchema):
    name = PlainText(required=True, validate=validate.Length(min=1, max=200))
    county_code = _COUNTY
    township = PlainText(validate=validate.Length(max=100))
    village = PlainText(validate=validate.Length(max=100))
    venue = PlainText(required=True, validate=validate.Length(min=1, max=200))
    date = FairDate(required=True)
    starts_at = fields.Time(required=True, metadata={"example": "09:00"})
    ends_at = fields.Time(required=True, metadata={"example": "16:00"})
    organiser = PlainText(required=True, validate=validate.Length(min=1, max=200))
    note = PlainText(validate=validate.Length(max=2000))
    employer_ids = fields.List(fields.String(), load_default=list,
                               metadata={"description": "the employers taking part (more can be "
                                                        "added later)"})

    @validates_schema
    def _hours(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("结束时间须晚于开始时间。 The fair must end after it starts.",
                                  "ends_at")


class FairPatchSchema(FairInSchema):
    """Any of the fair's fields; ``employer_ids`` adds employers."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class PostingInSchema(BaseSchema):
    employer_id = fields.String(metadata={"description": "an employer taking part; an employer's "
                                                         "own users omit it"})
    job_type = fields.String(required=True, validate=validate.OneOf(
        list(job_types()),
        error="不在工种目录中（见 /api/job-types）。 Not in the job-type catalogue (see "
              "/api/job-types)."))
    title = PlainText(validate=validate.Length(max=100))
    openings = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    wage_min = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000),
                              metadata={"description": "yuan a month"})
    wage_max = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    wage_basis = fields.String(required=True, validate=validate.OneOf(WAGE_BASES))
    hours = PlainText(required=True, validate=validate.Length(min=1, max=100),
                      metadata={"example": "每天8小时，月休4天"})
    housing = fields.Boolean(required=True)
    food = fields.Boolean(required=True)
    district_code = fields.String(required=True, validate=_COUNTY.validate, metadata={
        "description": "where the work is: a district of the destination city"})
    note = PlainText(validate=validate.Length(max=2000))

    @validates_schema
    def _wages(self, data, **kwargs):
        if "wage_min" in data and "wage_max" in data and data["wage_max"] < data["wage_min"]:
            raise ValidationError("最高工资不能低于最低工资。 The top of the wage range is below "
                                  "its bottom.", "wage_max")


class PostingPatchSchema(PostingInSchema):
    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class EmployerSchema(BaseSchema):
    id = fields.String()
    name = fields.String()


class JobTypeSchema(BaseSchema):
    code = fields.String()
    zh = fields.String()
    en = fields.String()


def lunar_fields(date) -> dict:
    """A date's lunar-calendar day as the API answers it."""
    lunar = lunar_day(date)
    return {"text": lunar.text, "year": lunar.year, "month": lunar.month, "day": lunar.day,
            "leap": lunar.leap}


class PostingSchema(BaseSchema):
    """Dumps a ``services.fairs.ShownPosting``: a job, and on a fair's page how many signed."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        posting = shown.posting
        job_type = job_types().get(posting.job_type, {"code": posting.job_type,
                                                      "zh": posting.job_type,
                                                      "en": posting.job_type})
        represented = {
            "id": posting.id, "fair_id": posting.fair_id,
            "employer": {"id": posting.employer.id, "name": posting.employer.name},
            **{key: getattr(posting, key) for key in POSTING_FIELDS},
            "job_type": job_type,
            "district_name": current_programme().county_name(posting.district_code),
        }
        if shown.intentions is not None:
            represented["intentions"] = shown.intentions
        return represented

    id = fields.String()
    fair_id = fields.String()
    employer = fields.Dict(metadata={"description": "{id, name}"})
    job_type = fields.Nested(JobTypeSchema)
    title = fields.String(allow_none=True)
    openings = fields.Integer()
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    wage_basis = fields.String()
    hours = fields.String()
    housing = fields.Boolean()
    food = fields.Boolean()
    district_code = fields.String()
    district_name = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    intentions = fields.Integer(metadata={"description": "workers who signed an intention for "
                                                         "this job"})


class LunarSchema(BaseSchema):
    text = fields.String(metadata={"example": "农历正月十二"})
    year = fields.Integer()
    month = fields.Integer()
    day = fields.Integer()
    leap = fields.Boolean()


class FunnelSchema(BaseSchema):
    attended = fields.Integer(metadata={"description": "people checked in (or signing) at the "
                                                       "fair"})
    intent = fields.Integer(metadata={"description": "of them, who signed a job intention here"})
    followed_up = fields.Integer(metadata={"description": "of those, reached by a follow-up call "
                                                          "since the fair"})
    assigned = fields.Integer(metadata={"description": "put on a transfer batch after the fair"})
    departed = fields.Integer()
    arrived = fields.Integer()
    onboarded = fields.Integer()
    employed_1_month = fields.Integer(metadata={"description": "employed without a break for 30 "
                                                               "days or more"})
    employed_3_months = fields.Integer(metadata={"description": "90 days or more"})
    employed_6_months = fields.Integer(metadata={"description": "180 days or more"})


class FairSchema(BaseSchema):
    """Dumps a ``services.fairs.ShownFair``."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        fair = shown.fair
        warning = fair_timing_warning(fair.date)
        return {
            "id": fair.id,
            "funnel": shown.funnel,
            **{key: getattr(fair, key) for key in FAIR_FIELDS},
            "county_name": current_programme().county_name(fair.county_code),
            "lunar": lunar_fields(fair.date),
            "employers": [{"id": e.id, "name": e.name} for e in shown.employers],
            "postings": shown.postings,
            "counts": shown.counts,
            "warnings": [warning] if warning else [],
            "created_at": fair.created_at,
            "updated_at": fair.updated_at,
        }

    id = fields.String()
    funnel = fields.Nested(FunnelSchema,
                           metadata={"description": "first: how many of who came are still at "
                                                    "work"})
    name = fields.String()
    county_code = fields.String()
    county_name = fields.String(allow_none=True)
    township = fields.String(allow_none=True)
    village = fields.String(allow_none=True)
    venue = fields.String()
    date = fields.Date()
    lunar = fields.Nested(LunarSchema)
    starts_at = fields.Time()
    ends_at = fields.Time()
    organiser = fields.String()
    note = fields.String(allow_none=True)
    employers = fields.List(fields.Dict(), metadata={"description": "[{id, name}]"})
    postings = fields.List(fields.Nested(PostingSchema))
    counts = fields.Dict(metadata={"description": "live: preregistered, preregistered_came, "
                                                  "checked_in, "
                                                     "intentions (events), workers_with_intent"})
    warnings = fields.List(fields.Dict(),
                           metadata={"description": "e.g. after_departures: planned after "
                                                    "正月十五"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FairSummarySchema(BaseSchema):
    """Dumps a ``services.fairs.ListedFair``."""

    @pre_dump
    def _represent(self, listed, **kwargs):
        fair = listed.fair
        return {
            "id": fair.id, "name": fair.name, "county_code": fair.county_code,
            "township": fair.township, "venue": fair.venue, "date": fair.date,
            "starts_at": fair.starts_at, "ends_at": fair.ends_at, "lunar": lunar_fields(fair.date),
            "employer_count": listed.employer_count, "checked_in": listed.checked_in,
        }

    id = fields.String()
    name = fields.String()
    county_code = fields.String()
    township = fields.String(allow_none=True)
    venue = fields.String()
    date = fields.Date()
    lunar = fields.Nested(LunarSchema)
    starts_at = fields.Time()
    ends_at = fields.Time()
    employer_count = fields.Integer()
    checked_in = fields.Integer()


FairPageSchema = page_of(FairSummarySchema, "FairPageSchema")


class FairQueryArgsSchema(PageArgsSchema):
    county_code = _COUNTY
    date_from = ProgramDate(data_key="from")
    date_to = ProgramDate(data_key="to")


class FairEmployerInSchema(BaseSchema):
    employer_id = fields.String(required=True)


class LunarArgsSchema(BaseSchema):
    date = FairDate(required=True)


class LunarAnswerSchema(LunarSchema):
    """Dumps a date: its lunar day, and the warning for a fair planned on it after 正月十五."""

    @pre_dump
    def _represent(self, date, **kwargs):
        warning = fair_timing_warning(date)
        return {"date": date, **lunar_fields(date), "warnings": [warning] if warning else []}

    date = fields.Date()
    warnings = fields.List(fields.Dict())
