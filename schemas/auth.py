from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from schemas.base import BaseSchema, PlainText
from schemas.paging import PageArgsSchema, page_of
from schemas.sync import DeviceProofSchema
from server.models.user import ROLES


class EnrollmentInSchema(BaseSchema):
    name = PlainText(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True,
                         validate=validate.OneOf([r for r in ROLES if r != "worker"]))
    county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"), load_default=None)
    employer_id = fields.String(load_default=None)
    station = PlainText(validate=validate.Length(max=100), load_default=None)


class EnrollmentSchema(BaseSchema):
    user_id = fields.Integer()
    link = fields.String(metadata={"description": "opens the app with name and code filled in "
                                                  "(/?enroll=…&code=…)"})
    name = fields.String()
    role = fields.String()
    code = fields.String(metadata={"description": "shown once; only its hash is kept"})
    expires_at = fields.DateTime()
    qr_svg = fields.String(metadata={"description": "the code as a QR, for the phone to scan"})


class RegistrationStartSchema(BaseSchema):
    name = PlainText(required=True, validate=validate.Length(min=1, max=100))
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))


class CredentialResponseSchema(BaseSchema):
    """The browser's PublicKeyCredential as JSON, passed unchanged to py_webauthn (camelCase)."""

    credential = fields.Dict(required=True)
    name = PlainText(validate=validate.Length(max=100), load_default=None,
                     metadata={"description": "a name for this passkey, e.g. 招聘会1号手机"})


class SignInSchema(BaseSchema):
    """The browser's assertion (camelCase, passed unchanged to py_webauthn) and, on a phone that
    syncs, the phone's signature of the same challenge: it joins the person to the phone."""

    credential = fields.Dict(required=True)
    device = fields.Nested(DeviceProofSchema, load_default=None)


class PasskeySchema(BaseSchema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    locked_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class PasskeyPatchSchema(BaseSchema):
    name = PlainText(required=True, validate=validate.Length(min=1, max=100))


class MeSchema(BaseSchema):
    """Dumps a ``services.accounts.Me``."""

    @pre_dump
    def _represent(self, me, **kwargs):
        user, employer, worker = me.user, me.employer, me.worker
        return {"id": user.id, "name": user.name,
                "display_name": worker.name if worker else user.name,
                "role": user.role, "county_code": user.county_code,
                "employer_id": user.employer_id,
                "employer_name": employer.name if employer else None,
                "station": user.station, "csrf_token": me.csrf_token}

    id = fields.Integer()
    name = fields.String(metadata={"description": "the account's handle"})
    display_name = fields.String(metadata={"description": "what to call them: a worker's own name,"
                                                          " else the handle"})
    role = fields.String()
    county_code = fields.String(allow_none=True)
    employer_id = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True,
                                  metadata={"description": "an employer's HR officer: their "
                                                           "employer"})
    station = fields.String(allow_none=True)
    csrf_token = fields.String(metadata={"description": "send as X-CSRF-Token with every change "
                                                        "made with the cookie"})


class WorkerInvitationInSchema(BaseSchema):
    worker_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    replace_passkeys = fields.Boolean(load_default=False, metadata={
        "description": "the worker lost their phone: revoke the passkeys they have (audited), "
                       "then invite"})


class UserStatusSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()


class RecordViewSchema(BaseSchema):
    at = fields.DateTime()
    action = fields.String(metadata={"description": "record.viewed, id.revealed or id.searched"})
    what = fields.String(allow_none=True, metadata={"description": "record, timeline or card"})
    reason = fields.String(allow_none=True)
    by_name = fields.String()
    by_role = fields.String()


class UserQueryArgsSchema(PageArgsSchema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean(metadata={"description": "true: only those who may sign in; false: "
                                                     "only the revoked"})


class UserSummarySchema(BaseSchema):
    """An account as its managers see it: who and what scope, never a code, key or ID number.
    Dumps a ``services.accounts.Account``."""

    @pre_dump
    def _represent(self, account, **kwargs):
        user = account.user
        return {
            "id": user.id, "name": user.name, "role": user.role, "county_code": user.county_code,
            "station": user.station, "employer_id": user.employer_id,
            "employer_name": account.employer_name, "active": user.active,
            "created_at": user.created_at, "passkeys": account.passkeys,
            "last_sign_in_at": account.last_sign_in_at, "may_revoke": account.may_revoke}

    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    county_code = fields.String(allow_none=True)
    station = fields.String(allow_none=True)
    employer_id = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)
    active = fields.Boolean(metadata={"description": "false: access revoked"})
    created_at = fields.DateTime()
    passkeys = fields.Integer(metadata={"description": "passkeys that still sign in (neither "
                                                       "revoked nor locked)"})
    last_sign_in_at = fields.DateTime(allow_none=True)
    may_revoke = fields.Boolean(metadata={"description": "whether the one asking may revoke this "
                                                         "account now"})


UserPageSchema = page_of(UserSummarySchema, "UserPageSchema")
