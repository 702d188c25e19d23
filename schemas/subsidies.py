"""Subsidy policies, eligibility and the payout ledger, as the API takes and answers them."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from schemas.base import BaseSchema, PlainText, ProgramDate
from schemas.paging import PageArgsSchema
from server.domain.subsidies import KINDS


def _yuan():
    return fields.Integer(required=True, validate=validate.Range(min=1, max=10_000_000))


def _count():
    return fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))


class MilestoneParams(BaseSchema):
    steps = fields.List(fields.List(fields.Integer(validate=validate.Range(min=1, max=10_000_000)),
                                    validate=validate.Length(equal=2)), required=True,
                        validate=validate.Length(min=1),
                        metadata={"description": "[[months, yuan], …]"})
    two_party = fields.Boolean(metadata={"description": "each month needs the employer's evidence "
                                                        "and the worker's own (workplace code) or "
                                                        "a workstation's follow-up"})


class MonthlyParams(BaseSchema):
    after_months, amount, max_months = _count(), _yuan(), _count()
    two_party = fields.Boolean()


class ArrivalParams(BaseSchema):
    amount = _yuan()


class EmployerRewardParams(BaseSchema):
    threshold, step, amount, stable_months = _count(), _count(), _yuan(), _count()


PARAMS = {"milestone": MilestoneParams, "monthly": MonthlyParams, "arrival": ArrivalParams,
          "employer_reward": EmployerRewardParams}


class FiltersSchema(BaseSchema):
    poor_household = fields.Boolean()
    first_time = fields.Boolean()
    counties = fields.List(fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z")))


class PolicyInSchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{3,60}$"), metadata={
        "description": "an existing code makes a new version of that policy; a new code a new "
                       "policy"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = PlainText(required=True, validate=validate.Length(min=1, max=200))
    effective_from = ProgramDate(required=True)
    effective_to = ProgramDate(allow_none=True, load_default=None)
    params = fields.Dict(required=True)
    filters = fields.Nested(FiltersSchema, load_default=dict)

    @validates_schema
    def _params_fit_the_kind(self, data, **kwargs):
        errors = PARAMS[data["kind"]]().validate(data["params"])
        if errors:
            raise ValidationError(errors, "params")
        if data["effective_to"] and data["effective_to"] < data["effective_from"]:
            raise ValidationError("结束日期早于开始日期。 effective_to is before effective_from.",
                                  "effective_to")


class PolicySchema(PolicyInSchema):
    id = fields.Integer()
    version = fields.Integer()
    created_by = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class AsOfSchema(BaseSchema):
    as_of = ProgramDate(metadata={"description": "the day eligibility is computed for (default: "
                                                 "today)"})


class ItemSchema(BaseSchema):
    key = fields.String(metadata={"description": "policy, subject, spell and milestone: never "
                                                 "paid twice"})
    policy_code = fields.String()
    policy_version = fields.Integer()
    amount = fields.Integer(metadata={"description": "yuan"})
    reached_on = fields.Date()
    explanation = fields.List(fields.String(),
                              metadata={"description": "month by month, the evidence"})
    held_for = fields.List(fields.Nested(lambda: DoubtfulEvidenceSchema()), metadata={
        "description": "the doubtful evidence it rests on: non-empty, it is held until a reviewer "
                       "settles each"})


class DoubtfulEvidenceSchema(BaseSchema):
    event_id = fields.String()
    type = fields.String()
    day = fields.String(metadata={"format": "date", "description": "the day it speaks of"})
    reasons = fields.List(fields.String(), metadata={
        "description": "late | keyed | onboarded_without_arrival | second_employer | "
                       "arrived_for_two_batches | after_leaving"})


class EligibleItemSchema(ItemSchema):
    status = fields.String(allow_none=True, metadata={
        "description": "the ledger's: eligible, held, approved, paid, rejected; null until the "
                       "next recompute"})


class EligibilitySchema(BaseSchema):
    worker_id = fields.String()
    as_of = fields.Date()
    items = fields.List(fields.Nested(EligibleItemSchema))


class RecomputedSchema(BaseSchema):
    new = fields.Integer()
    unchanged = fields.Integer()
    no_longer_eligible = fields.Integer()


class PayoutSchema(ItemSchema):
    id = fields.Integer()
    worker_id = fields.String(allow_none=True)
    employer_id = fields.String(allow_none=True)
    county_code = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "eligible | held (doubtful evidence: see "
                                                    "held_for) | approved | "
                                                    "paid | rejected | review"})
    flags = fields.List(fields.String(),
                        metadata={"description": "no_longer_eligible: later evidence removed it"})
    history = fields.List(fields.Dict(), metadata={"description": "[{status, by, at, reason}]"})
    computed_at = fields.AwareDateTime()


class PayoutArgsSchema(BaseSchema):
    status = fields.String(validate=validate.OneOf(("eligible", "held", "approved", "paid",
                                                    "rejected", "review")))
    policy_code = fields.String()
    worker_id = fields.String()
    employer_id = fields.String()


class PayoutPageArgsSchema(PayoutArgsSchema, PageArgsSchema.sized(500, 1000)):
    """The ledger's filters and its page: long pages, as finance reads it in long runs."""


class PayoutExportArgsSchema(PayoutArgsSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))


class TargetInSchema(BaseSchema):
    transfers = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    arrivals = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    stable_3_months = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))


class TargetArgsSchema(BaseSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class TargetSchema(BaseSchema):
    county_code = fields.String()
    county_name = fields.String(allow_none=True)
    year = fields.Integer()
    targets = fields.Nested(TargetInSchema)
    actual = fields.Nested(TargetInSchema, metadata={
        "description": "people who first departed, first arrived, first reached 3 confirmed "
                       "months in the year"})


class StepSchema(BaseSchema):
    reason = PlainText(validate=validate.Length(min=1, max=500))
