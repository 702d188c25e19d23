"""The follow-up worklist as the API takes and answers it (a call itself is an
``intention.followed_up`` envelope: ``schemas.sync.FollowUpDataSchema``)."""
from __future__ import annotations

import datetime as dt

from marshmallow import fields, pre_dump, validate

from schemas.base import BaseSchema
from schemas.paging import PageArgsSchema, page_of
from server.domain.visibility import visible_worker


class FollowUpArgsSchema(PageArgsSchema.sized(100, 500)):
    fair_id = fields.String(validate=validate.Length(max=100),
                            metadata={"description": "the intentions of one fair only"})


class FollowUpLineSchema(BaseSchema):
    """Dumps a ``services.follow_ups.FollowUpLine``: the worker as its viewer may see them."""

    @pre_dump
    def _represent(self, line, **kwargs):
        worker, follow_up = line.worker, line.worker.follow_up
        shown = visible_worker({"id": worker.id, "name": worker.name, "status": worker.status,
                                "phone": worker.phone,
                                "home": {"county_code": worker.home_county_code,
                                         "township": worker.home_township,
                                         "village": worker.home_village}}, line.viewer)
        return {"worker": shown, "call": line.call.kind, "opens_on": line.call.opens_on,
                "due_on": line.call.due_on,
                "fair": {"id": line.fair.id, "name": line.fair.name, "date": line.fair.date}
                if line.fair else None,
                "employer_name": line.employer_name,
                "intent_on": worker.follow_up_intent_on, "departs_on": line.departs_on,
                "calls": follow_up["calls"],
                "last_on": follow_up["last_on"] and dt.date.fromisoformat(follow_up["last_on"]),
                "last_reached": follow_up["last_reached"], "coming": worker.follow_up_coming}

    worker = fields.Dict(metadata={"description": "{id, name, status, phone, home}"})
    call = fields.String(metadata={"description": "first (within 3 days of the fair), again (the "
                                                  "last call reached no one), before_batch (the "
                                                  "week before the batch leaves)"})
    opens_on = fields.Date()
    due_on = fields.Date()
    fair = fields.Dict(allow_none=True, metadata={"description": "{id, name, date}: where the "
                                                                 "intention was signed"})
    employer_name = fields.String(allow_none=True)
    intent_on = fields.Date()
    departs_on = fields.Date(allow_none=True, metadata={
        "description": "their batch's day of departure, else their county's next"})
    calls = fields.Integer(metadata={"description": "calls since the intention"})
    last_on = fields.Date(allow_none=True)
    last_reached = fields.Boolean(allow_none=True)
    coming = fields.Boolean(allow_none=True, metadata={"description": "the latest answer"})


FollowUpPageSchema = page_of(FollowUpLineSchema, "FollowUpPageSchema")
