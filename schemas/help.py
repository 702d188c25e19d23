"""Requests for help as the API answers them (a request, an answer and a closing are envelopes:
``schemas.sync.HelpRequestDataSchema`` and its siblings)."""
from __future__ import annotations

from marshmallow import fields, pre_dump

from schemas.base import BaseSchema
from schemas.paging import PageArgsSchema, page_of
from server.domain.help import ACTIONS, CATEGORIES
from server.domain.visibility import visible_worker


class HelpStepSchema(BaseSchema):
    at = fields.AwareDateTime()
    action = fields.String(metadata={"description": ", ".join(ACTIONS)})
    text = fields.String(allow_none=True)


class HelpRequestSchema(BaseSchema):
    """Dumps a ``domain.help.HelpRequest``."""

    @pre_dump
    def _represent(self, request, **kwargs):
        return {"id": request.id, "category": request.category, "text": request.text,
                "requested_at": request.requested_at, "status": request.status,
                "steps": [{"at": s.at, "action": s.action, "text": s.text}
                          for s in request.steps],
                "closed_at": request.closed_at, "closing_note": request.closing_note}

    id = fields.String(metadata={"description": "the request's event id: answers name it"})
    category = fields.String(metadata={"description": ", ".join(CATEGORIES)})
    text = fields.String(allow_none=True)
    requested_at = fields.AwareDateTime()
    status = fields.String(metadata={"description": "open, answered, closed"})
    steps = fields.List(fields.Nested(HelpStepSchema))
    closed_at = fields.AwareDateTime(allow_none=True)
    closing_note = fields.String(allow_none=True)


class HelpLineSchema(BaseSchema):
    """Dumps a ``services.help_requests.HelpLine``."""

    @pre_dump
    def _represent(self, line, **kwargs):
        worker = line.worker
        return {"worker": visible_worker({"id": worker.id, "name": worker.name,
                                          "status": worker.status, "phone": worker.phone,
                                          "home": {"county_code": worker.home_county_code,
                                                   "township": worker.home_township}},
                                         line.viewer),
                "request": line.request}

    worker = fields.Dict(metadata={"description": "{id, name, status, phone, home}"})
    request = fields.Nested(HelpRequestSchema)


HelpArgsSchema = PageArgsSchema.sized(100, 500)
HelpPageSchema = page_of(HelpLineSchema, "HelpPageSchema")


class HelpTimesGroupSchema(BaseSchema):
    county_code = fields.String()
    county_name = fields.String()
    requests = fields.Integer()
    answered = fields.Integer()
    closed = fields.Integer()
    open_over_3_days = fields.Integer()
    hours_to_answer = fields.Float(allow_none=True, metadata={"description": "median"})
    hours_to_close = fields.Float(allow_none=True, metadata={"description": "median"})


class HelpTimesSchema(BaseSchema):
    as_of = fields.Date()
    groups = fields.List(fields.Nested(HelpTimesGroupSchema))
