from __future__ import annotations

from marshmallow import ValidationError, fields, pre_dump, validate, validates_schema

from schemas.base import BaseSchema
from server.domain.id_numbers import mask_from_parts
from server.models import current_programme


class CredentialSchema(BaseSchema):
    worker_id = fields.String()
    serial = fields.String(metadata={"description": "hex of the 8-byte card serial"})
    qr = fields.String(metadata={"description": "the LP1: text the QR encodes"})
    fallback_code = fields.String(metadata={"description": "10 characters printed under the QR"})
    issued_at = fields.DateTime()
    expires_at = fields.Date(attribute="expires_on")


class ScanVerifyRequestSchema(BaseSchema):
    # a hostile text is answered "malformed", as a phone would
    NUL_CHECKED_ELSEWHERE = ("qr", "fallback_code")
    qr = fields.String(validate=validate.Length(max=4096),
                       metadata={"description": "the scanned text"})
    fallback_code = fields.String(validate=validate.Length(max=40),
                                  metadata={"description": "keyed in"})

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("qr" in data) == ("fallback_code" in data):
            raise ValidationError("请提供 qr 或 fallback_code 之一。 Send either qr or "
                                  "fallback_code.")


class CardHolderSchema(BaseSchema):
    id = fields.String()
    name = fields.String()
    id_masked = fields.String()
    home_county_code = fields.String()
    home_county_name = fields.String()
    status = fields.String()


class ScanVerifyResponseSchema(BaseSchema):
    """Dumps a ``services.credentials.Holder``: whose card it is."""

    @pre_dump
    def _represent(self, found, **kwargs):
        credential, worker = found.credential, found.worker
        return {
            "worker": {"id": worker.id, "name": worker.name, "status": worker.status,
                       "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4),
                       "home_county_code": worker.home_county_code,
                       "home_county_name":
                           current_programme().county_name(worker.home_county_code)},
            "serial": credential.serial, "issued_on": credential.issued_on,
            "expires_on": credential.expires_on,
        }

    worker = fields.Nested(CardHolderSchema)
    serial = fields.String()
    issued_on = fields.Date()
    expires_on = fields.Date()


class KeySchema(BaseSchema):
    kid = fields.String(
        metadata={"description": "hex of the first 4 bytes of SHA-256(public key)"})
    alg = fields.String(dump_default="Ed25519")
    public_key = fields.String(metadata={"description": "base64url of the raw 32-byte key"})
    status = fields.String(validate=validate.OneOf(("active", "verify_only", "revoked")))


class KeysSchema(BaseSchema):
    keys = fields.List(fields.Nested(KeySchema))


class CardSheetRequestSchema(BaseSchema):
    worker_ids = fields.List(fields.String(), required=True,
                             validate=validate.Length(min=1, max=1000))
