from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.credentials import CredentialSchema
from schemas.events import EventSchema
from schemas.help import HelpRequestSchema
from schemas.rosters import ExportArgsSchema
from schemas.subsidies import AsOfSchema, EligibilitySchema
from schemas.workers import (
    IdNumberSearchSchema,
    RevealedSchema,
    RevealSchema,
    WorkerInSchema,
    WorkerPageSchema,
    WorkerPatchSchema,
    WorkerQueryArgsSchema,
    WorkerSavedSchema,
    WorkerSchema,
)
from server.api.caller import current_user, passkey_assertion_at
from server.api.downloads import MIMETYPES, download, file_formats
from server.domain import calendar
from server.services import (
    cards,
    credentials,
    exports,
    help_requests,
    printing,
    privacy,
    registration,
    subsidies,
    workers,
)
from server.services.queries import Page

blp = Blueprint("workers", __name__, url_prefix="/api/workers",
                description="The real-name worker registry")


@blp.route("")
class Workers(MethodView):
    @blp.arguments(WorkerQueryArgsSchema, location="query")
    @blp.response(200, WorkerPageSchema)
    def get(self, args):
        """Search workers in your scope.

        By name, last 4 of the ID number, county, status, employer, fair or batch."""
        user = current_user()
        page = workers.search_workers(user, args)
        return page.with_items(workers.shown(page.items, user))

    @blp.arguments(WorkerInSchema)
    @blp.response(201, WorkerSavedSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="outside your role or county")
    @blp.alt_response(409, schema=ErrorSchema,
                      description="duplicate_id_number, with the existing worker_id")
    def post(self, data):
        """Register a worker; gender and birth date come from the ID number."""
        user = current_user()
        worker, warnings = registration.register_worker(data, user)
        return workers.shown_one(worker, user, warnings=warnings)


@blp.route("/<worker_id>")
class WorkerById(MethodView):
    @blp.response(200, WorkerSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    def get(self, worker_id):
        """One worker's real-name record."""
        user = current_user()
        return workers.shown_one(workers.view_worker(worker_id, user), user)

    @blp.arguments(WorkerPatchSchema)
    @blp.response(200, WorkerSavedSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    @blp.alt_response(409, schema=ErrorSchema, description="duplicate_id_number")
    def patch(self, changes, worker_id):
        """Correct a worker's details; recorded as a worker.updated event."""
        user = current_user()
        worker, warnings = registration.update_worker(worker_id, changes, user)
        return workers.shown_one(worker, user, warnings=warnings)


@blp.route("/search")
class WorkerSearch(MethodView):
    @blp.arguments(IdNumberSearchSchema)
    @blp.response(200, WorkerPageSchema)
    def post(self, data):
        """Find a worker by full ID number (in the body, never a URL); the search is audited."""
        user = current_user()
        items = privacy.find_by_id_number(data["id_number"], user)
        # one person at most
        return Page(workers.shown(items, user), total=len(items), page=1, per_page=1)


@blp.route("/<worker_id>/reveal-id")
class WorkerRevealId(MethodView):
    @blp.arguments(RevealSchema)
    @blp.response(200, RevealedSchema)
    @blp.alt_response(403, schema=ErrorSchema,
                      description="role may not, or no passkey sign-in in the last 5 minutes")
    def post(self, data, worker_id):
        """The full ID number, with a stated reason, after a fresh passkey sign-in; audited."""
        number = privacy.reveal_id_number(worker_id, current_user(), data["reason"],
                                          assertion_at=passkey_assertion_at())
        return {"id_number": number}


@blp.route("/<worker_id>/help")
class WorkerHelp(MethodView):
    @blp.response(200, HelpRequestSchema(many=True))
    def get(self, worker_id):
        """A worker's requests for help with each answer, newest first.

        The worker's own, or the office's in scope (audited); never an employer's."""
        return help_requests.requests_for(worker_id, current_user())


@blp.route("/<worker_id>/events")
class WorkerEvents(MethodView):
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    def get(self, worker_id):
        """The worker's timeline, newest first: what, when, who, where and on which device."""
        user = current_user()
        return workers.worker_timeline(worker_id, user)


@blp.route("/export")
class WorkersExport(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MIMETYPES["xlsx"])
    @file_formats(blp, "xlsx", "csv")
    def get(self, args):
        """Any filtered worker list as XLSX or CSV.

        ID numbers masked unless ``reveal_reason`` (audited)."""
        fmt = args.pop("format")
        body = exports.export_workers(current_user(), args, fmt,
                                      reveal_reason=args.pop("reveal_reason", None),
                                      assertion_at=passkey_assertion_at())
        return download(body, fmt, f"workers-{calendar.today().isoformat()}")


@blp.route("/<worker_id>/eligibility")
class Eligibility(MethodView):
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, EligibilitySchema)
    def get(self, args, worker_id):
        """What the worker is eligible for as of a date, month by month with the evidence."""
        return subsidies.eligibility(worker_id, current_user(),
                                     args.get("as_of") or calendar.today())


@blp.route("/<worker_id>/credentials")
class WorkerCredentials(MethodView):
    @blp.response(201, CredentialSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": False,
                          "schema": {"type": "string"},
                          "description": "repeat a request safely: the same key answers the same "
                                         "card"}])
    def post(self, worker_id):
        """Issue a new signed card; the worker's previous card is revoked."""
        key = request.headers.get("Idempotency-Key", "").strip()[:100] or None
        return credentials.issue_credential(worker_id, current_user(), idempotency_key=key)


@blp.route("/<worker_id>/card.svg")
class WorkerCardSvg(MethodView):
    @blp.response(200, content_type="image/svg+xml", description="the card, 85.6 × 54 mm")
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker, or no card issued yet")
    def get(self, worker_id):
        """The worker's card as SVG."""
        face = printing.face_for(worker_id, current_user())
        return Response(cards.render_svg(face), mimetype="image/svg+xml")


@blp.route("/<worker_id>/card.png")
class WorkerCardPng(MethodView):
    @blp.response(200, content_type="image/png", description="the card at 300 dpi")
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker, or no card issued yet")
    def get(self, worker_id):
        """The worker's card as PNG (300 dpi)."""
        face = printing.face_for(worker_id, current_user())
        return Response(cards.render_png(face), mimetype="image/png")
