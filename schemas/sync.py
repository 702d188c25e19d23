"""The sync wire format: envelopes pushed by devices, their results, and pulled changes."""
from __future__ import annotations

import datetime as dt
import functools
import unicodedata

from marshmallow import (
    EXCLUDE,
    ValidationError,
    fields,
    post_load,
    pre_dump,
    pre_load,
    validate,
    validates_schema,
)

from schemas.base import ROW_ID, BaseSchema, PlainText, ProgramDate, ProgramMoment
from schemas.paging import PageArgsSchema, page_of
from schemas.workers import WorkerInSchema, WorkerPatchSchema
from server.domain.follow_up import REASONS, data_problems
from server.domain.help import ACTIONS as HELP_ACTIONS
from server.domain.help import CATEGORIES as HELP_CATEGORIES
from server.domain.help import request_problems
from server.domain.id_numbers import PROTECTED_FIELDS, mask_from_parts
from server.domain.lifecycle import END_REASONS
from server.domain.pay import answer_problems
from server.domain.reasons import SCAN_REFUSALS
from server.domain.sync_rules import PUSHABLE_TYPES
from server.domain.temporary_pass import pass_worker_id

MAX_BATCH = 500


def _no_control_characters(text: str) -> None:
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise ValidationError("含有不可见的控制字符。 Contains invisible control characters.")


DEVICE_ID = {"validate": [validate.Length(min=1, max=100), _no_control_characters],
             "metadata": {"description": "the UUID the phone made once"}}
SERVER_FIELDS = ("seq", "recorded_at", "actor", "actor_id", "received_at", "status", "reason",
                 "flags")
_ID = fields.String(validate=validate.Length(min=1, max=100))


class NoteSchema(BaseSchema):
    note = PlainText(validate=validate.Length(max=500))


class IntentDataSchema(NoteSchema):
    posting_id = fields.String(validate=validate.Length(max=100))
    job_type = PlainText(validate=validate.Length(max=100))
    expected_pay = fields.Integer(validate=validate.Range(min=500, max=100_000), metadata={
        "description": "yuan a month the person expects (default 3500, the seed's figure)"})


class OnboardedDataSchema(NoteSchema):
    start_date = ProgramDate()
    posting_id = fields.String(validate=validate.Length(max=100))
    job_type = PlainText(validate=validate.Length(max=100))
    wage = fields.Integer(validate=validate.Range(min=0, max=100_000),
                          metadata={"description": "yuan a month"})
    housing = fields.Boolean()


class ConfirmedDataSchema(NoteSchema):
    month = fields.String(validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z"),
                          metadata={"example": "2026-04"})
    site_code = fields.String(validate=validate.Length(min=1, max=400), metadata={
        "description": "the workplace code (LPS1:) the worker's own phone scanned that day"})
    pay = fields.Integer(validate=validate.Range(min=0, max=100_000), metadata={
        "description": "the month's pay in yuan, the employer's figure (with month)"})

    @validates_schema
    def _pay_of_a_month(self, data, **kwargs):
        if "pay" in data and not data.get("month"):
            raise ValidationError("工资须注明月份。 Pay needs its month.", "month")


class ReassignedDataSchema(NoteSchema):
    from_employer_id = fields.String(validate=validate.Length(max=100))
    reason = PlainText(validate=validate.Length(max=500))


class EndedDataSchema(NoteSchema):
    end_date = ProgramDate()
    reason = fields.String(required=True, validate=validate.OneOf(list(END_REASONS)), metadata={
        "description": "pay, climate, food, homesick, family, health, dismissed, contract_ended, "
                       "other"})
    text = PlainText(validate=validate.Length(max=500),
                     metadata={"description": "what happened; required for other"})

    @validates_schema
    def _other_says_what(self, data, **kwargs):
        if data.get("reason") == "other" and not data.get("text"):
            raise ValidationError("原因为“其他”时请说明。 Say what happened when the reason is "
                                  "other.", "text")


class TrainingDataSchema(NoteSchema):
    hours = fields.Float(validate=validate.Range(min=0, max=24))


class FollowUpDataSchema(NoteSchema):
    reached = fields.Boolean(required=True, metadata={"description": "the person answered"})
    coming = fields.Boolean(allow_none=True, metadata={
        "description": "reached: still coming (true), not coming (false), not decided (null)"})
    reason = fields.String(allow_none=True, validate=validate.OneOf(REASONS), metadata={
        "description": "not coming: " + ", ".join(REASONS)})

    @validates_schema
    def _fits(self, data, **kwargs):
        problems = data_problems(data)
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})


class PayAnsweredDataSchema(NoteSchema):
    month = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z"),
                          metadata={"example": "2027-04"})
    agreed = fields.Boolean(required=True, metadata={"description": "the employer's figure is "
                                                                    "what the worker got"})
    actual = fields.Integer(validate=validate.Range(min=0, max=100_000),
                            metadata={"description": "disputed: the pay the worker got"})

    @validates_schema
    def _fits(self, data, **kwargs):
        problems = answer_problems(data)
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})


class HelpRequestDataSchema(BaseSchema):
    category = fields.String(required=True, validate=validate.OneOf(HELP_CATEGORIES), metadata={
        "description": ", ".join(HELP_CATEGORIES)})
    text = PlainText(validate=validate.Length(max=500),
                     metadata={"description": "what happened; required for other"})

    @validates_schema
    def _fits(self, data, **kwargs):
        problems = request_problems(data)
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})


class HelpStepDataSchema(BaseSchema):
    request_id = fields.UUID(required=True, metadata={"description": "the request's event id"})
    action = fields.String(load_default="answered", validate=validate.OneOf(HELP_ACTIONS),
                           metadata={"description": ", ".join(HELP_ACTIONS)})
    text = PlainText(required=True, validate=validate.Length(min=1, max=500),
                     metadata={"description": "the answer the worker reads"})

    @post_load
    def _plain_id(self, data, **kwargs):
        return data | {"request_id": str(data["request_id"])}


class HelpClosedDataSchema(BaseSchema):
    request_id = fields.UUID(required=True)
    note = PlainText(validate=validate.Length(max=500))

    @post_load
    def _plain_id(self, data, **kwargs):
        return data | {"request_id": str(data["request_id"])}


class VoidDataSchema(BaseSchema):
    event_id = fields.UUID(required=True)
    reason = PlainText(required=True, validate=validate.Length(min=1, max=500))


DATA_SCHEMAS = {
    "worker.registered": WorkerInSchema,
    "worker.updated": WorkerPatchSchema,
    "fair.checked_in": NoteSchema,
    "fair.intent_signed": IntentDataSchema,
    "batch.assigned": NoteSchema,
    "batch.departed": NoteSchema,
    "station.arrived": NoteSchema,
    "employer.onboarded": OnboardedDataSchema,
    "employment.confirmed": ConfirmedDataSchema,
    "employment.reassigned": ReassignedDataSchema,
    "employment.ended": EndedDataSchema,
    "training.attended": TrainingDataSchema,
    "intention.followed_up": FollowUpDataSchema,
    "pay.answered": PayAnsweredDataSchema,
    "help.requested": HelpRequestDataSchema,
    "help.answered": HelpStepDataSchema,
    "help.closed": HelpClosedDataSchema,
    "event.voided": VoidDataSchema,
}


class ContextSchema(BaseSchema):
    fair_id = _ID
    batch_id = _ID
    employer_id = _ID
    training_id = _ID
    station = PlainText(validate=validate.Length(min=1, max=100))


class EnvelopeSchema(BaseSchema):
    """One scan or form, as the device recorded it. ``seq``, ``recorded_at`` and the actor are
    the server's to set: if a device sends them they are ignored."""

    # quarantined with the card's own reason
    NUL_CHECKED_ELSEWHERE = ("credential", "temporary_pass")

    id = fields.UUID(required=True,
                     metadata={"description": "made by the device: the idempotency key"})
    type = fields.String(required=True, validate=validate.OneOf(PUSHABLE_TYPES))
    occurred_at = ProgramMoment(required=True,
                                metadata={"description": "device clock, ISO 8601 with offset "
                                                         "(2000–2099)"})
    device_seq = fields.Integer(required=True, validate=validate.Range(min=1, max=2**53))
    credential = fields.String(validate=validate.Length(min=1, max=400),
                               metadata={"description": "scanned LP1: text"})
    worker_id = _ID
    temporary_pass = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "the scanned LPT1: text of an on-the-spot registration's temporary pass; "
                       "worker_id names the same worker"})
    scanned_by = fields.Integer(validate=ROW_ID, metadata={
        "description": "the user who made the scan, on a phone several people share (default: who "
                       "pushes)"})
    context = fields.Nested(ContextSchema, load_default=dict)
    data = fields.Dict(load_default=dict)

    @pre_load
    def _ignore_server_fields(self, envelope, **kwargs):
        if isinstance(envelope, dict):
            return {k: v for k, v in envelope.items() if k not in SERVER_FIELDS}
        return envelope

    @validates_schema
    def _who_and_data(self, envelope, **kwargs):
        type = envelope.get("type")
        if type == "worker.registered":
            if "credential" in envelope:
                raise ValidationError("a registration carries no credential", "credential")
        elif ("credential" in envelope) == ("worker_id" in envelope):
            raise ValidationError("send either credential (the scanned card) or worker_id",
                                  "worker_id")
        if "temporary_pass" in envelope and pass_worker_id(
            envelope["temporary_pass"]
        ) != envelope.get("worker_id"):
            raise ValidationError("not a temporary pass, or not the pass of worker_id",
                                  "temporary_pass")

    @post_load
    def _typed(self, envelope, **kwargs):
        try:
            data = _data_schema(envelope["type"]).load(envelope["data"])
        except ValidationError as exc:
            raise ValidationError(exc.messages, "data") from None
        return envelope | {"id": str(envelope["id"]), "data": jsonable(data)}


@functools.cache
def _data_schema(type: str) -> BaseSchema:
    return DATA_SCHEMAS[type]()  # schemas hold no state between loads: one instance per type


def jsonable(value):
    """Dates and UUIDs as strings, for a JSON column."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "hex") and type(value).__name__ == "UUID":
        return str(value)
    return value


class PushRequestSchema(BaseSchema):
    device_id = fields.String(required=True, **DEVICE_ID)
    events = fields.List(fields.Raw(), required=True, metadata={
        "description": f"at most {MAX_BATCH} envelopes (see EnvelopeSchema); each is checked on "
                       "its own"})

    class Meta:
        unknown = EXCLUDE


class PushProofHeadersSchema(BaseSchema):
    """The phone's signature of a push (``server.domain.device_keys``): required once the phone has
    a key."""

    time = fields.Integer(data_key="X-Device-Time", validate=validate.Range(min=0, max=2**53),
                          metadata={
        "description": "the phone's signing time, milliseconds since 1970 (within 10 minutes of "
                       "the server's)"})
    signature = fields.String(data_key="X-Device-Signature",
                              validate=validate.Length(min=1, max=200), metadata={
        "description": 'base64url ECDSA P-256 (r ‖ s) of "LP-PUSH1\\n" device_id "\\n" time "\\n" '
                       'base64url(SHA-256(body))'})

    class Meta:
        unknown = EXCLUDE  # every other header


class PushResultSchema(BaseSchema):
    id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(("accepted", "duplicate", "rejected")))
    reason = fields.String(allow_none=True, validate=validate.OneOf(SCAN_REFUSALS), metadata={
        "description": "why a rejected event was kept in quarantine instead"})
    message = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    worker_id = fields.String(allow_none=True)


class PushResponseSchema(BaseSchema):
    results = fields.List(fields.Nested(PushResultSchema),
                          metadata={"description": "one per event, in order"})
    missing = fields.List(fields.List(fields.Integer()), metadata={
        "description": "[from, to] ranges of device_seq the server has never received from this "
                       "device"})
    server_time = fields.AwareDateTime()


class PullArgsSchema(BaseSchema):
    device_id = fields.String(required=True, **DEVICE_ID)
    cursor = fields.String(load_default="",
                           metadata={"description": "opaque; empty for a full copy"})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class ChangeSchema(BaseSchema):
    kind = fields.String(metadata={"description": "key, revocation, worker, event"})
    id = fields.String()
    op = fields.String(validate=validate.OneOf(("upsert", "delete")))
    data = fields.Dict(allow_none=True)


class PullResponseSchema(BaseSchema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    more = fields.Boolean()


class DeviceInSchema(BaseSchema):
    device_id = fields.String(required=True, **DEVICE_ID)
    name = PlainText(validate=validate.Length(max=100), load_default=None)
    mode = fields.String(validate=validate.Length(max=40), load_default=None)
    public_key = fields.String(load_default=None, validate=validate.Length(min=1, max=400),
                               metadata={
        "description": "the phone's ECDSA P-256 public key, SPKI DER in base64url; its pushes "
                       "must be signed by it"})


class DeviceProofSchema(BaseSchema):
    """At a passkey sign-in on a phone: the phone's key signs the same challenge, which joins the
    person to the phone (``server.domain.device_keys``)."""

    device_id = fields.String(required=True, **DEVICE_ID)
    public_key = fields.String(load_default=None, validate=validate.Length(min=1, max=400),
                               metadata={
        "description": "SPKI DER, base64url: needed when the phone is new to the server"})
    signature = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": 'base64url ECDSA P-256 (r ‖ s) of "LP-JOIN1\\n" device_id "\\n" the '
                       'challenge (base64url)'})


class DeviceSchema(BaseSchema):
    id = fields.String()
    user_id = fields.Integer()
    name = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_push_at = fields.DateTime(allow_none=True)
    blocked_at = fields.DateTime(allow_none=True)
    blocked_reason = fields.String(allow_none=True)
    has_key = fields.Function(lambda device: bool(device.public_key), metadata={
        "description": "the phone signs its pushes"})


class ReasonSchema(BaseSchema):
    reason = PlainText(required=True, validate=validate.Length(min=1, max=500))


class ReapplySchema(BaseSchema):
    corrections = fields.Dict(load_default=dict, metadata={
        "description": "envelope fields to replace before applying again (e.g. context, "
                       "worker_id)"})
    note = PlainText(validate=validate.Length(max=500), load_default=None)


class QuarantineQueryArgsSchema(PageArgsSchema):
    status = fields.String(load_default="open",
                           validate=validate.OneOf(("open", "reapplied", "dismissed", "all")))
    reason = fields.String(validate=[validate.Length(max=40), _no_control_characters])
    device_id = fields.String(**DEVICE_ID)


class QuarantinedEventSchema(BaseSchema):
    id = fields.Integer()
    event_id = fields.String(allow_none=True)
    device_id = fields.String()
    device_seq = fields.Integer(allow_none=True)
    user_id = fields.Integer()
    county_code = fields.String(allow_none=True)
    reason = fields.String(validate=validate.OneOf(SCAN_REFUSALS))
    message = fields.String()
    envelope = fields.Method("_envelope", metadata={
        "description": "as the phone sent it, but an ID number only masked "
                       "(data.id_number_masked)"})
    received_at = fields.DateTime()
    times_received = fields.Integer()
    status = fields.String()
    resolved_by = fields.Integer(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)
    resolved_event_id = fields.String(allow_none=True)
    summary = fields.Nested(lambda: QuarantineSummarySchema(), dump_only=True, metadata={
        "description": "what a reviewer reads the entry by (names, never a full ID number)"})


class QuarantinePersonSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()


class QuarantineSummarySchema(BaseSchema):
    """Dumps a ``services.sync.quarantine.EntrySummary``: names, never a full ID number."""

    @pre_dump
    def _represent(self, summary, **kwargs):
        def person(user):
            return {"id": user.id, "name": user.name, "role": user.role} if user else None

        worker, card = summary.worker, summary.card
        return {
            "pushed_by": person(summary.pushed_by), "scanner": person(summary.scanner),
            "resolver": person(summary.resolver),
            "worker": {"id": worker.id, "name": worker.name,
                       "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4)}
            if worker else None,
            "card": {"name": card.display_name, "id_last4": card.id_last4,
                     "county_code": str(card.county_code)} if card else None,
            "places": summary.places,
        }

    pushed_by = fields.Nested(QuarantinePersonSchema, allow_none=True,
                              metadata={"description": "whose push it was"})
    scanner = fields.Nested(QuarantinePersonSchema, allow_none=True, metadata={
        "description": "the user the phone named as scanner (scanned_by), when not the pusher: a "
                       "claim, checked on re-apply"})
    resolver = fields.Nested(QuarantinePersonSchema, allow_none=True,
                             metadata={"description": "who settled it"})
    worker = fields.Dict(allow_none=True, metadata={
        "description": "{id, name, id_masked} of the worker the envelope names by id, when yours "
                       "to see"})
    card = fields.Dict(allow_none=True, metadata={
        "description": "{name, id_last4, county_code} as the scanned card says, its signature "
                       "unchecked"})
    places = fields.Dict(metadata={"description": "names of the context's fair, batch, employer, "
                                                  "training; the station"})


def _without_protected(envelope: dict) -> dict:
    data = envelope.get("data")
    if not isinstance(data, dict):
        return envelope
    return envelope | {"data": {k: v for k, v in data.items() if k not in PROTECTED_FIELDS}}


QuarantinedEventSchema._envelope = lambda self, entry: _without_protected(entry.envelope)


QuarantinePageSchema = page_of(QuarantinedEventSchema, "QuarantinePageSchema")
