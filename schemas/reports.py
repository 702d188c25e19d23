"""The dashboards' and the bulletin's questions and answers."""
from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, ProgramDate
from server.domain.follow_up import REASONS
from server.domain.funnel import REPORT_DIMENSIONS, REPORT_STAGES

COUNTY = validate.Regexp(r"^[0-9]{6}\Z", error="县代码为6位数字。 A county code has 6 digits.")


class ScopeArgsSchema(BaseSchema):
    county = fields.String(validate=COUNTY,
                           metadata={"description": "one origin county (a county's staff: their "
                                                    "own)"})
    poor_household = fields.Boolean()
    from_ = ProgramDate(data_key="from",
                        metadata={"description": "people registered on or after this day"})
    to = ProgramDate(metadata={"description": "people registered on or before this day"})
    as_of = ProgramDate(metadata={"description": "the day the counts are for (default: today)"})


class FunnelArgsSchema(ScopeArgsSchema):
    by = fields.String(load_default="county", validate=validate.OneOf(REPORT_DIMENSIONS))


StageCountsSchema = BaseSchema.from_dict({name: fields.Integer() for name in REPORT_STAGES},
                                         name="StageCounts")


class ReportFunnelGroupSchema(StageCountsSchema):
    key = fields.List(fields.Raw(allow_none=True),
                      metadata={"description": "the group's value(s) of the dimension"})
    label = fields.String()


class ReportFunnelSchema(BaseSchema):
    by = fields.String()
    as_of = fields.Date()
    stages = fields.List(fields.String(),
                         metadata={"description": "the stages in order: registered … month6"})
    groups = fields.List(fields.Nested(ReportFunnelGroupSchema))
    total = fields.Nested(StageCountsSchema)


class FollowUpReportArgsSchema(BaseSchema):
    by = fields.String(load_default="county", validate=validate.OneOf(REPORT_DIMENSIONS))
    county = fields.String(validate=COUNTY, metadata={"description": "one origin county (a "
                                                                     "county's staff: their own)"})
    poor_household = fields.Boolean()
    from_ = ProgramDate(data_key="from",
                        metadata={"description": "intentions signed on or after this day"})
    to = ProgramDate(metadata={"description": "intentions signed on or before this day"})


FOLLOW_UP_COUNTS = ("intent", "called", "reached", "coming", "not_coming", "undecided")
ReasonCountsSchema = BaseSchema.from_dict({name: fields.Integer() for name in REASONS},
                                          name="FollowUpReasonCounts")


class FollowUpCountsSchema(BaseSchema):
    intent = fields.Integer(metadata={"description": "people whose latest intention is in the "
                                                     "group"})
    called = fields.Integer(metadata={"description": "called at least once since"})
    reached = fields.Integer()
    coming = fields.Integer(metadata={"description": "the latest answer: still coming"})
    not_coming = fields.Integer()
    undecided = fields.Integer(metadata={"description": "reached, not decided"})
    reasons = fields.Nested(ReasonCountsSchema, metadata={
        "description": "of those not coming, why: " + ", ".join(REASONS)})


class FollowUpGroupSchema(FollowUpCountsSchema):
    key = fields.List(fields.Raw(allow_none=True))
    label = fields.String()


class FollowUpReportSchema(BaseSchema):
    by = fields.String()
    groups = fields.List(fields.Nested(FollowUpGroupSchema))
    total = fields.Nested(FollowUpCountsSchema)


class PayArgsSchema(BaseSchema):
    by = fields.String(load_default="employer",
                       validate=validate.OneOf(("employer", "job_type", "county")))
    county = fields.String(validate=COUNTY, metadata={"description": "one origin county (a "
                                                                     "county's staff: their own)"})


class PayCountsSchema(BaseSchema):
    paid = fields.Integer(metadata={"description": "people with a month's pay on record"})
    average_pay = fields.Integer(metadata={"description": "yuan a month: the latest month's, the "
                                                          "worker's figure where disputed"})
    average_expected = fields.Integer(metadata={"description": "what they expected at the fair "
                                                               "(3500 when they did not say)"})
    under_expected = fields.Integer()
    under_low = fields.Integer(metadata={"description": "paid under low_pay"})
    disputed = fields.Integer(metadata={"description": "the worker disputed the employer's "
                                                       "figure"})


class PayGroupSchema(PayCountsSchema):
    key = fields.Raw(allow_none=True)
    label = fields.String()


class PayReportSchema(BaseSchema):
    by = fields.String()
    low_pay = fields.Integer(metadata={"description": "yuan: under it is low (2800, the seed's)"})
    groups = fields.List(fields.Nested(PayGroupSchema))
    total = fields.Nested(PayCountsSchema)


class CurvePointSchema(BaseSchema):
    month = fields.Integer()
    survival = fields.Float(allow_none=True, metadata={
        "description": "estimated share still employed at the start of the month; null once "
                       "nobody is observed"})
    at_risk, ended, censored = fields.Integer(), fields.Integer(), fields.Integer()


class RetentionSchema(BaseSchema):
    as_of = fields.Date()
    workers = fields.Integer(metadata={"description": "onboarded workers the curve is estimated "
                                                      "from"})
    points = fields.List(fields.Nested(CurvePointSchema))


class SubsidyTotalsArgsSchema(BaseSchema):
    county = fields.String(validate=COUNTY)


class SubsidyTotalSchema(BaseSchema):
    policy_code, status = fields.String(), fields.String()
    count = fields.Integer()
    amount = fields.Integer(metadata={"description": "yuan"})


class BulletinArgsSchema(BaseSchema):
    county = fields.String(required=True, validate=COUNTY)
    month = fields.String(required=True, validate=validate.Regexp(
        r"^20\d\d-(0[1-9]|1[0-2])$", error="月份写作 YYYY-MM。 Write the month as YYYY-MM."))
    format = fields.String(load_default="pdf", validate=validate.OneOf(("pdf", "xlsx")))
