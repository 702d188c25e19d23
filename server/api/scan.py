from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.credentials import ScanVerifyRequestSchema, ScanVerifyResponseSchema
from server.api.caller import current_user
from server.services import credentials

blp = Blueprint("scan", __name__, url_prefix="/api/scan",
                description="A scanned card or a typed fallback code: whose card it is")


@blp.route("/verify")
class ScanVerify(MethodView):
    @blp.arguments(ScanVerifyRequestSchema)
    @blp.response(200, ScanVerifyResponseSchema)
    @blp.alt_response(422, schema=ErrorSchema,
                      description="malformed, unsupported_version, unknown_key, "
                      "bad_signature, revoked, expired (QR) or unknown_code (fallback code)")
    def post(self, data):
        """Check a scanned QR text or a keyed-in fallback code; answer whose card it is."""
        credential = credentials.verify_scan(current_user(), **data)
        return credentials.holder(credential)
