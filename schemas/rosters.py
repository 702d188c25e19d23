"""Roster import and worker export, as the API takes and answers them."""
from __future__ import annotations

from marshmallow import fields, validate

from schemas.base import BaseSchema, PlainText
from schemas.workers import WorkerQueryArgsSchema
from server.domain.roster_files import HEADINGS


class UploadSchema(BaseSchema):
    filename = PlainText(required=True, validate=validate.Regexp(
        r"^.{1,190}\.([xX][lL][sS][xX]|[cC][sS][vV])$",
        error="须为 .xlsx 或 .csv 文件名。 A .xlsx or .csv file name."))
    content_base64 = fields.String(required=True, validate=validate.Length(min=1))


class CheckSchema(BaseSchema):
    mapping = fields.Dict(keys=fields.String(validate=validate.OneOf(list(HEADINGS))),
                          values=fields.String(),
                          required=True,
                          metadata={"description": "our field -> the file's column heading"})
    county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"),
                                metadata={"description": "the home county of rows that give none"})
    consent_on_paper = fields.Boolean(required=True, metadata={
        "description": "every person listed signed the paper consent (notice, channel paper)"})
    fair_id = fields.String(validate=validate.Length(min=1, max=36), metadata={
        "description": "a list of pre-registrations for this fair: each row is also put on the "
                       "fair's list (people registered already are only put on the list)"})


class ImportSchema(BaseSchema):
    id = fields.String()
    filename = fields.String()
    status = fields.String(metadata={"description": "uploaded | checked | applying | applied"})
    headings = fields.List(fields.String())
    mapping = fields.Dict(allow_none=True,
                          metadata={"description": "suggested after upload; as checked "
                                                   "afterwards"})
    fair_id = fields.String(allow_none=True,
                            metadata={"description": "pre-registrations for this fair, when "
                                                     "given"})
    total_rows = fields.Integer()
    valid_rows = fields.Integer()
    problem_rows = fields.Integer()
    imported_rows = fields.Integer(metadata={"description": "while applying: the progress"})
    problems = fields.List(fields.Dict(), allow_none=True, metadata={
        "description": "[{row, name, id_masked, field, code, message}]: every bad row"})
    uploaded_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class ReportArgsSchema(BaseSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))


class ExportArgsSchema(WorkerQueryArgsSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    reveal_reason = PlainText(validate=validate.Length(min=2, max=500), metadata={
        "description": "full ID numbers in the file: roles that may reveal, fresh passkey sign-in;"
                       " audited"})
