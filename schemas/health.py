"""Liveness and readiness, as load balancers read them."""
from __future__ import annotations

from marshmallow import fields

from schemas.base import BaseSchema


class HealthSchema(BaseSchema):
    status = fields.String()
    database = fields.String()


class ReadinessSchema(HealthSchema):
    schema = fields.String(metadata={"description": "the database's migration revision (the "
                                                    "code's head)"})
    signing_key = fields.String(metadata={"description": "the active card-signing key's id"})
