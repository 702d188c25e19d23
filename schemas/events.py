from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema


class ActorSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()


class EventSchema(BaseSchema):
    """One entry of a worker's timeline: what, when (device and server clocks), who, where, which
    device."""

    id = fields.String()
    seq = fields.Integer()
    type = fields.String()
    occurred_at = fields.DateTime(metadata={"description": "device clock, with the device's "
                                                           "offset"})
    recorded_at = fields.DateTime(metadata={"description": "server clock, UTC"})
    device_id = fields.String(allow_none=True)
    actor = fields.Nested(ActorSchema, allow_none=True)
    context = fields.Dict()
    data = fields.Dict()
    flags = fields.List(fields.String())
