from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.rosters import CheckSchema, ImportSchema, ReportArgsSchema, UploadSchema
from server.api.caller import current_user
from server.api.downloads import MIMETYPES, download, file_formats
from server.services import exports, imports

blp = Blueprint("imports", __name__, url_prefix="/api/imports",
                description="Spreadsheets of people to register: upload, a dry run, apply, the "
                            "report of bad rows")
UPLOAD_LIMIT = 24 * 1024 * 1024  # a county's roster as base64: tens of thousands of rows


@blp.before_request
def _room_for_a_roster():
    if request.method == "POST" and request.path == "/api/imports":
        request.max_content_length = UPLOAD_LIMIT


@blp.route("")
class Imports(MethodView):
    @blp.arguments(UploadSchema)
    @blp.response(201, ImportSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="not a readable .xlsx or .csv")
    def post(self, data):
        """Upload a roster.

        XLSX or CSV (UTF-8 or GBK) as base64; answers its headings and a suggested mapping."""
        return imports.upload(data["filename"], data["content_base64"], current_user())


@blp.route("/<import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportSchema)
    def get(self, import_id):
        """The import: status, counts, progress while applying, and every problem."""
        return imports.get_import(import_id, current_user())


@blp.route("/<import_id>/check")
class ImportCheck(MethodView):
    @blp.arguments(CheckSchema)
    @blp.response(200, ImportSchema)
    def post(self, data, import_id):
        """The dry run with a column mapping: every row checked, nothing registered."""
        return imports.check(import_id, current_user(), mapping=data["mapping"],
                             county_code=data.get("county_code"),
                             consent_on_paper=data["consent_on_paper"],
                             fair_id=data.get("fair_id"))


@blp.route("/<import_id>/apply")
class ImportApply(MethodView):
    @blp.response(200, ImportSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="not_checked, or import_applied")
    def post(self, import_id):
        """Register the rows that pass (checked again now), each as a worker.registered event."""
        return imports.apply(import_id, current_user())


@blp.route("/<import_id>/report")
class ImportReport(MethodView):
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MIMETYPES["xlsx"])
    @file_formats(blp, "xlsx", "csv")
    def get(self, args, import_id):
        """Every bad row with its problem, as a spreadsheet (ID numbers masked)."""
        job = imports.get_import(import_id, current_user())
        table = imports.report_rows(job)
        body = exports.table_bytes(table, args["format"])
        return download(body, args["format"], f"import-report-{job.id[:8]}")
