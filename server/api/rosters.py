from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.rosters import CheckSchema, ExportArgsSchema, ImportSchema, ReportArgsSchema, UploadSchema
from server.api.auth import current_user, passkey_assertion_at
from server.api.downloads import MIMETYPES, download, file_formats
from server.domain import calendar
from server.services import exports, imports

blp = Blueprint("rosters", __name__, url_prefix="/api",
                description="Roster spreadsheets: import with a dry run, export of any filtered list")
UPLOAD_LIMIT = 24 * 1024 * 1024  # a county's roster as base64: tens of thousands of rows


@blp.before_request
def _room_for_a_roster():
    if request.method == "POST" and request.path == "/api/imports":
        request.max_content_length = UPLOAD_LIMIT


@blp.route("/imports")
class Imports(MethodView):
    @blp.arguments(UploadSchema)
    @blp.response(201, ImportSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="not a readable .xlsx or .csv")
    def post(self, data):
        """Upload a roster (XLSX or CSV, UTF-8 or GBK) as base64; answers its headings and a suggested mapping."""
        return imports.upload(data["filename"], data["content_base64"], current_user())


@blp.route("/imports/<import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportSchema)
    def get(self, import_id):
        """The import: status, counts, progress while applying, and every problem."""
        return imports.get_import(import_id, current_user())


@blp.route("/imports/<import_id>/check")
class ImportCheck(MethodView):
    @blp.arguments(CheckSchema)
    @blp.response(200, ImportSchema)
    def post(self, data, import_id):
        """The dry run with a column mapping: every row checked, nothing registered."""
        return imports.check(import_id, current_user(), mapping=data["mapping"], county_code=data.get("county_code"),
                             consent_on_paper=data["consent_on_paper"], fair_id=data.get("fair_id"))


@blp.route("/imports/<import_id>/apply")
class ImportApply(MethodView):
    @blp.response(200, ImportSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="not_checked, or import_applied")
    def post(self, import_id):
        """Register the rows that pass (checked again now), each as a worker.registered event."""
        return imports.apply(import_id, current_user())


@blp.route("/imports/<import_id>/report")
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


@blp.route("/workers/export")
class WorkersExport(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MIMETYPES["xlsx"])
    @file_formats(blp, "xlsx", "csv")
    def get(self, args):
        """Any filtered worker list as XLSX or CSV; ID numbers masked unless ``reveal_reason`` (audited)."""
        fmt = args.pop("format")
        body = exports.export_workers(current_user(), args, fmt, reveal_reason=args.pop("reveal_reason", None),
                                      assertion_at=passkey_assertion_at())
        return download(body, fmt, f"workers-{calendar.today().isoformat()}")

