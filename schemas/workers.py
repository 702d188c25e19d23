from __future__ import annotations

from marshmallow import ValidationError, fields, post_dump, pre_dump, validate, validates_schema

from schemas.base import BaseSchema, PlainText
from schemas.paging import PageArgsSchema, page_of
from server.domain import calendar
from server.domain.events import STATUSES
from server.domain.id_numbers import IdNumberError, mask_from_parts, parse_id_number
from server.domain.phones import PhoneError, parse_mobile
from server.domain.reasons import REGISTRATION_WARNINGS
from server.domain.visibility import visible_worker
from server.models import current_programme

EDUCATION_LEVELS = ("none", "primary", "junior_secondary", "senior_secondary", "vocational",
                    "college", "university")


class IdNumberField(fields.String):
    """An 18-character resident ID number, normalised (full-width digits, spaces, lower-case x)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_id_number(
                super()._deserialize(value, attr, data, **kwargs), today=calendar.today()
            ).number
        except IdNumberError as exc:
            raise ValidationError(exc.message) from None


class MobileField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_mobile(super()._deserialize(value, attr, data, **kwargs))
        except PhoneError as exc:
            raise ValidationError(str(exc)) from None


_NAME = validate.Length(min=1, max=50, error="姓名需1–50个字。 A name has 1 to 50 characters.")
_TAGS = fields.List(PlainText(validate=validate.Length(min=1, max=40)),
                    validate=validate.Length(max=20), load_default=list)


_COUNTY_CODE = validate.Regexp(r"^[0-9]{6}\Z",
                               error="县级代码为6位数字，如 621121。 A county code has 6 digits, "
                                     "e.g. 621121.")


class HomeSchema(BaseSchema):
    county_code = fields.String(required=True, validate=_COUNTY_CODE)
    township = PlainText(required=True, validate=validate.Length(min=1, max=50))
    village = PlainText(allow_none=True, validate=validate.Length(max=50))
    county_name = fields.String(dump_only=True)


class HomePatchSchema(HomeSchema):
    county_code = fields.String(validate=_COUNTY_CODE)
    township = PlainText(validate=validate.Length(min=1, max=50))


class ConsentSchema(BaseSchema):
    """The worker's separate consent to processing of sensitive information (PIPL art. 29)."""

    notice_version = fields.String(required=True, validate=validate.Length(min=1, max=20),
                                   metadata={"description": "the version of GET "
                                                            "/api/consent-notice shown"})
    channel = fields.String(required=True, validate=validate.OneOf(("paper", "app", "read_aloud")),
                            metadata={"description": "signed on paper, tapped in the app, or read "
                                                     "aloud to the worker"})
    agreed = fields.Boolean(required=True, validate=validate.Equal(
        True, error="须经本人同意方可登记。 Registration needs the worker's consent."))


class WorkerInSchema(BaseSchema):
    name = PlainText(required=True, validate=_NAME)
    consent = fields.Nested(ConsentSchema, required=True)
    id_number = IdNumberField(required=True, load_only=True)
    phone = MobileField(allow_none=True, load_default=None)
    home = fields.Nested(HomeSchema, required=True)
    poor_household = fields.Boolean(load_default=False)
    skills = _TAGS
    desired_jobs = _TAGS
    education = fields.String(allow_none=True, load_default=None,
                              validate=validate.OneOf(EDUCATION_LEVELS))


class WorkerPatchSchema(BaseSchema):
    name = PlainText(validate=_NAME)
    id_number = IdNumberField(load_only=True)
    phone = MobileField(allow_none=True)
    home = fields.Nested(HomePatchSchema)
    poor_household = fields.Boolean()
    skills = fields.List(PlainText(validate=validate.Length(min=1, max=40)),
                         validate=validate.Length(max=20))
    desired_jobs = fields.List(PlainText(validate=validate.Length(min=1, max=40)),
                               validate=validate.Length(max=20))
    education = fields.String(allow_none=True, validate=validate.OneOf(EDUCATION_LEVELS))

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("没有要修改的字段。 Nothing to change: send at least one field.")


class EmployerRefSchema(BaseSchema):
    id = fields.String()
    name = fields.String()


class WarningSchema(BaseSchema):
    field = fields.String()
    code = fields.String(validate=validate.OneOf(REGISTRATION_WARNINGS))
    message = fields.String()


def represent(shown) -> dict:
    """The whole representation of a worker (``services.workers.ShownWorker``: the row and what
    was loaded with it), before what its viewer may not see is left out."""
    worker = shown.worker
    employer = shown.current_employer
    return {
        "name": worker.name,
        "phone": worker.phone,
        "home": {"county_code": worker.home_county_code, "township": worker.home_township,
                 "village": worker.home_village,
                 "county_name": current_programme().county_name(worker.home_county_code)},
        "poor_household": worker.poor_household,
        "skills": worker.skills,
        "desired_jobs": worker.desired_jobs,
        "education": worker.education,
        "id": worker.id,
        "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4),
        "id_last4": worker.id_last4,
        "gender": worker.gender,
        "birth_date": worker.birth_date,
        "status": worker.status,
        "milestones": worker.milestones,
        "current_employer": {"id": employer.id, "name": employer.name} if employer else None,
        "employed_since": worker.employed_since,
        "continuous_employment_days": shown.continuous_employment_days,
        "workstation_hotline": shown.workstation.shown_to_workers,
        "expected_pay": worker.expected_pay,
        "pay": {"month": worker.pay_month, "pay": worker.pay, "disputed": worker.pay_disputed,
                "claimed": worker.pay_claimed} if worker.pay_month else None,
        "workstation": {"name": shown.workstation.name, "address": shown.workstation.address,
                        "phone": shown.workstation.shown_to_workers},
        "last_confirmed_on": worker.last_confirmed_on,
        "card_serial": worker.card_serial,
        "trainings": shown.trainings,
        "event_count": worker.event_count,
        "created_at": worker.created_at,
        "updated_at": worker.updated_at,
    }


class WorkerSchema(BaseSchema):
    """A worker's record as the caller's role may see it: fields it may not see are absent.
    Dumps a ``services.workers.ShownWorker``."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        return represent(shown) | {"warnings": shown.warnings}

    @post_dump(pass_original=True)
    def _visible(self, data, original, **kwargs):
        warnings = data.pop("warnings", None)
        data = visible_worker(data, original.viewer)
        return data if warnings is None else data | {"warnings": warnings}

    id = fields.String()
    name = fields.String()
    id_masked = fields.String(metadata={"example": "621121********123X"})
    id_last4 = fields.String()
    gender = fields.String(validate=validate.OneOf(("male", "female")))
    birth_date = fields.Date()
    phone = fields.String(allow_none=True)
    home = fields.Nested(HomeSchema)
    poor_household = fields.Boolean()
    skills = fields.List(fields.String())
    desired_jobs = fields.List(fields.String())
    education = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    milestones = fields.Dict(keys=fields.String(), values=fields.String(),
                             metadata={"description": "status -> date it was reached"})
    current_employer = fields.Nested(EmployerRefSchema, allow_none=True)
    employed_since = fields.Date(allow_none=True)
    continuous_employment_days = fields.Integer()
    workstation_hotline = fields.String(metadata={"description": "the number the worker calls: "
                                                                 "the home county's workstation"})
    expected_pay = fields.Integer(allow_none=True, metadata={
        "description": "yuan a month expected at the fair (an employer does not see it)"})
    pay = fields.Dict(allow_none=True, metadata={
        "description": "the latest month's pay: {month, pay (the employer's figure), disputed, "
                       "claimed (the worker's)}"})
    workstation = fields.Dict(metadata={
        "description": "the home county's workstation in the destination: {name, address, phone} "
                       "(phone: the workstation's, else the program's line)"})
    last_confirmed_on = fields.Date(allow_none=True)
    card_serial = fields.String(allow_none=True)
    trainings = fields.List(fields.Dict(),
                            metadata={"description": "[{id, title, skill, hours, completed}]"})
    event_count = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class WorkerSavedSchema(WorkerSchema):
    warnings = fields.List(fields.Nested(WarningSchema))


WorkerPageSchema = page_of(WorkerSchema, "WorkerPageSchema")


class WorkerQueryArgsSchema(PageArgsSchema):
    q = fields.String(metadata={"description": "part of the name, or the last 4 characters of the "
                                               "ID number"})
    id_last4 = fields.String(validate=validate.Regexp(r"^\d{3}[\dXx]$"))
    county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"))
    status = fields.String(validate=validate.OneOf(STATUSES))
    employer_id = fields.String()
    fair_id = fields.String()
    batch_id = fields.String()


class IdNumberSearchSchema(BaseSchema):
    id_number = IdNumberField(required=True)


class RevealSchema(BaseSchema):
    reason = PlainText(required=True, validate=validate.Length(min=2, max=500),
                       metadata={"description": "why the full number is needed, kept in the audit "
                                                "trail"})


class RevealedSchema(BaseSchema):
    id_number = fields.String()
