"""Bearer tokens for scripts and integrations."""
from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from schemas.base import ROW_ID, BaseSchema, PlainText


class TokenInSchema(BaseSchema):
    user_id = fields.Integer(required=True, validate=ROW_ID,
                             metadata={"description": "the user the token acts as (its role and "
                                                      "scope)"})
    name = PlainText(required=True, validate=validate.Length(min=1, max=100))
    days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))


class TokenSchema(BaseSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    """Dumps a ``services.auth.IssuedToken``."""

    @pre_dump
    def _represent(self, issued, **kwargs):
        return {field: getattr(issued.row, field) for field in TokenSchema().fields} | {
            "token": issued.token}

    token = fields.String(metadata={"description": "shown this once; only its hash is kept"})
