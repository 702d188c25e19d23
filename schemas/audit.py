"""The audit trail as the admins browse it."""
from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import ROW_ID, BaseSchema


class AuditQueryArgsSchema(BaseSchema):
    action = fields.String()
    target = fields.String()
    actor_id = fields.Integer(validate=ROW_ID)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target = fields.String(allow_none=True)
    details = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class AuditPageSchema(BaseSchema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()
