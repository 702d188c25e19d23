"""The review queue, the at-risk list and training sessions, as the API takes and answers them."""
from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from schemas.base import BaseSchema, PlainText, ProgramDate
from schemas.paging import PageArgsSchema, page_of
from server.domain.evidence import DOUBTS
from server.domain.visibility import visible_worker


class ReviewArgsSchema(PageArgsSchema):
    status = fields.String(load_default="open",
                           validate=validate.OneOf(("open", "decided", "all")))
    reason = fields.String(validate=validate.OneOf(DOUBTS))


class ReviewDecisionInSchema(BaseSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(("accepted", "voided")),
                            metadata={
        "description": "accepted: the fact stands; voided: it is cancelled and the record "
                       "re-folds without it"})
    note = PlainText(required=True, validate=validate.Length(min=1, max=500))


class ReviewItemSchema(BaseSchema):
    """Dumps an (event, worker, decision or None) row of ``services.lifecycle.list_reviews``."""

    @pre_dump
    def _represent(self, row, **kwargs):
        event, worker, decision = row
        return {
            "event_id": event.id, "type": event.type,
            "reasons": [f for f in event.flags or [] if f in DOUBTS],
            "occurred_at": event.local_occurred_at.isoformat(),
            "recorded_at": event.recorded_at, "context": event.context,
            "device_id": event.device_id, "actor_id": event.actor_id,
            "worker": {"id": worker.id, "name": worker.name, "status": worker.status},
            "decision": {"outcome": decision.outcome, "note": decision.note,
                         "decided_by": decision.decided_by,
                         "decided_at": decision.decided_at.isoformat()} if decision else None,
        }

    event_id = fields.String()
    type = fields.String()
    reasons = fields.List(fields.String(), metadata={"description": ", ".join(DOUBTS)})
    occurred_at = fields.String()
    recorded_at = fields.AwareDateTime()
    context = fields.Dict()
    device_id = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    worker = fields.Dict(metadata={"description": "{id, name, status}"})
    decision = fields.Dict(allow_none=True,
                           metadata={"description": "{outcome, note, decided_by, decided_at}"})


ReviewPageSchema = page_of(ReviewItemSchema, "ReviewPageSchema")


AtRiskArgsSchema = PageArgsSchema.sized(100, 500)


AT_RISK_DATES = ("last_confirmed_on", "employed_since", "employment_ended_on")


class AtRiskItemSchema(BaseSchema):
    """Dumps a ``services.lifecycle.AtRiskLine``: the worker as its viewer may see them."""

    @pre_dump
    def _represent(self, line, **kwargs):
        worker = line.worker
        shown = visible_worker({"id": worker.id, "name": worker.name, "status": worker.status,
                                "phone": worker.phone,
                                "current_employer_id": worker.current_employer_id,
                                "current_employer_name": line.employer_name,
                                "home": {"county_code": worker.home_county_code,
                                         "township": worker.home_township},
                                **{date: getattr(worker, date) for date in AT_RISK_DATES}},
                               line.viewer)
        return {"worker": {k: v for k, v in shown.items() if k not in AT_RISK_DATES},
                "reasons": line.reasons,
                **{date: shown[date] for date in AT_RISK_DATES if date in shown}}

    worker = fields.Dict(metadata={"description": "{id, name, status, phone, current_employer_id, "
                                                  "current_employer_name, home}: a greeter gets "
                                                  "{id, name, status, home}"})
    reasons = fields.List(fields.String(), metadata={
        "description": "no_confirmation_35_days, ended_within_30_days_of_arrival, "
                       "low_pay_2_months, help_open_3_days, "
                       "reassigned_twice"})
    last_confirmed_on = fields.Date(allow_none=True)
    employed_since = fields.Date(allow_none=True)
    employment_ended_on = fields.Date(allow_none=True)


AtRiskPageSchema = page_of(AtRiskItemSchema, "AtRiskPageSchema")


TRAINING_FIELDS = ("title", "skill", "provider", "place", "county_code", "starts_on", "ends_on",
                   "capacity", "hours")


class TrainingInSchema(BaseSchema):
    title = PlainText(required=True, validate=validate.Length(min=1, max=200))
    skill = PlainText(required=True, validate=validate.Length(min=1, max=100))
    provider = PlainText(required=True, validate=validate.Length(min=1, max=200))
    place = PlainText(required=True, validate=validate.Length(min=1, max=200))
    county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"))
    starts_on = ProgramDate(required=True)
    ends_on = ProgramDate(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    hours = fields.Float(load_default=0, validate=validate.Range(min=0, max=2000),
                         metadata={"description": "hours of attendance that complete it (0: "
                                                  "attending completes it)"})


class TrainingSummarySchema(BaseSchema):
    id = fields.String()
    title = fields.String()
    skill = fields.String()
    provider = fields.String()
    place = fields.String()
    county_code = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    capacity = fields.Integer()
    hours = fields.Float()


class TrainingSchema(TrainingSummarySchema):
    """Dumps a ``services.trainings.ShownTraining``."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        training = shown.training
        people = [{"worker_id": a.worker_id, "name": a.name, "hours": a.hours,
                   "completed": a.completed} for a in shown.attendees]
        return {**{k: getattr(training, k) for k in TRAINING_FIELDS}, "id": training.id,
                "attendees": people, "attended": len(people),
                "completed": sum(p["completed"] for p in people)}

    attended = fields.Integer()
    completed = fields.Integer()
    attendees = fields.List(fields.Dict(),
                            metadata={"description": "[{worker_id, name, hours, completed}]"})


TrainingPageSchema = page_of(TrainingSummarySchema, "TrainingPageSchema")


class SiteInSchema(BaseSchema):
    employer_id = fields.String(metadata={"description": "an employer's own users omit it"})
    name = PlainText(required=True, validate=validate.Length(min=1, max=200),
                     metadata={"example": "闽江纺织 长乐二厂"})
    address = PlainText(required=True, validate=validate.Length(min=1, max=300))
    district_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}\Z"))


class SiteSchema(BaseSchema):
    id = fields.String()
    employer_id = fields.String()
    name = fields.String()
    address = fields.String()
    district_code = fields.String()
    created_at = fields.AwareDateTime()


class SiteCodeArgsSchema(BaseSchema):
    date = ProgramDate(metadata={"description": "the day (default: today, China time)"})


class SiteCodeSchema(BaseSchema):
    site_id = fields.String()
    day = fields.Date()
    code = fields.String(metadata={"description": "LPS1: text, good on this day only"})
    valid_until = fields.AwareDateTime(metadata={
        "description": "when the day ends in Beijing and the next day's code takes over"})
    qr_svg = fields.String()
