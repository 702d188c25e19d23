from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.credentials import (
    CardSheetRequestSchema,
    CredentialSchema,
    ScanVerifyRequestSchema,
    ScanVerifyResponseSchema,
)
from server.api.caller import current_user
from server.api.downloads import download
from server.domain.id_numbers import mask_from_parts
from server.domain.regions import county_name
from server.extensions import db
from server.models import Worker
from server.services import cards, credentials, printing

blp = Blueprint("cards", __name__, url_prefix="/api", description="QR identity: issue, verify, print")


@blp.route("/workers/<worker_id>/credentials")
class WorkerCredentials(MethodView):
    @blp.response(201, CredentialSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"},
                          "description": "repeat a request safely: the same key answers the same card"}])
    def post(self, worker_id):
        """Issue a new signed card; the worker's previous card is revoked."""
        key = request.headers.get("Idempotency-Key", "").strip()[:100] or None
        return credentials.issue_credential(worker_id, current_user(), idempotency_key=key)


@blp.route("/workers/<worker_id>/card.svg")
class WorkerCardSvg(MethodView):
    @blp.response(200, content_type="image/svg+xml", description="the card, 85.6 × 54 mm")
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker, or no card issued yet")
    def get(self, worker_id):
        """The worker's card as SVG."""
        face = printing.face_for(worker_id, current_user())
        return Response(cards.render_svg(face), mimetype="image/svg+xml")


@blp.route("/workers/<worker_id>/card.png")
class WorkerCardPng(MethodView):
    @blp.response(200, content_type="image/png", description="the card at 300 dpi")
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker, or no card issued yet")
    def get(self, worker_id):
        """The worker's card as PNG (300 dpi)."""
        face = printing.face_for(worker_id, current_user())
        return Response(cards.render_png(face), mimetype="image/png")


@blp.route("/cards/sheet")
class CardSheet(MethodView):
    @blp.arguments(CardSheetRequestSchema)
    @blp.response(200, content_type="application/pdf", description="A4 sheets, ten cards a page")
    @blp.alt_response(422, schema=ErrorSchema, description="a worker is unknown or outside your scope")
    def post(self, data):
        """Cards of many workers on A4 sheets for printing; workers without a valid card get one."""
        pdf = printing.sheet_for(data["worker_ids"], current_user())
        return download(pdf, "pdf", "laborpass-cards")


@blp.route("/scan/verify")
class ScanVerify(MethodView):
    @blp.arguments(ScanVerifyRequestSchema)
    @blp.response(200, ScanVerifyResponseSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="malformed, unsupported_version, unknown_key, "
                      "bad_signature, revoked, expired (QR) or unknown_code (fallback code)")
    def post(self, data):
        """Check a scanned QR text or a keyed-in fallback code; answer whose card it is."""
        credential = credentials.verify_scan(current_user(), **data)
        worker = db.session.get(Worker, credential.worker_id)
        return {
            "worker": {"id": worker.id, "name": worker.name, "status": worker.status,
                       "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4),
                       "home_county_code": worker.home_county_code,
                       "home_county_name": county_name(worker.home_county_code)},
            "serial": credential.serial, "issued_on": credential.issued_on, "expires_on": credential.expires_on,
        }
