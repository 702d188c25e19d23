"""The audit trail as the admins browse it."""
from __future__ import annotations

from marshmallow import fields

from schemas.base import ROW_ID, BaseSchema
from schemas.paging import PageArgsSchema, page_of


class AuditQueryArgsSchema(PageArgsSchema.sized(100, 1000)):
    action = fields.String()
    target = fields.String()
    actor_id = fields.Integer(validate=ROW_ID)


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target = fields.String(allow_none=True)
    details = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


AuditPageSchema = page_of(AuditEntrySchema, "AuditPageSchema")
