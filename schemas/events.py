from __future__ import annotations

from marshmallow import fields, pre_dump

from schemas.base import BaseSchema
from server.domain.visibility import visible_event_data


class ActorSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()


class EventSchema(BaseSchema):
    """One entry of a worker's timeline: what, when (device and server clocks), who, where, which
    device. Dumps a ``services.workers.ShownEvent``: the data as its viewer may see it."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        event = shown.event
        actor = event.actor
        return {
            "id": event.id, "seq": event.seq, "type": event.type,
            "occurred_at": event.local_occurred_at, "recorded_at": event.recorded_at,
            "device_id": event.device_id,
            "actor": {"id": actor.id, "name": actor.name, "role": actor.role} if actor else None,
            "context": event.context, "data": visible_event_data(event.data, shown.viewer),
            "flags": event.flags,
        }

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
