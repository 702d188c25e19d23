from __future__ import annotations

from flask import g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.sync import (
    MAX_BATCH,
    PullArgsSchema,
    PullResponseSchema,
    PushProofHeadersSchema,
    PushRequestSchema,
    PushResponseSchema,
    QuarantinedEventSchema,
    QuarantinePageSchema,
    QuarantineQueryArgsSchema,
    ReapplySchema,
    ReasonSchema,
)
from schemas.workers import RevealedSchema, RevealSchema
from server.api.caller import current_user, passkey_assertion_at
from server.services import sync

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description=(
    "Offline devices push what they recorded and pull what they need. Push: each envelope is "
    "applied on its own and answered in order (accepted, duplicate or rejected with a reason); "
    "rejected ones are kept in quarantine. Pull: an opaque cursor that never skips a change."))


@blp.route("/push")
class SyncPush(MethodView):
    @blp.arguments(PushRequestSchema)
    @blp.arguments(PushProofHeadersSchema, location="headers")
    @blp.response(200, PushResponseSchema)
    @blp.alt_response(403, schema=ErrorSchema, description=(
        "nothing kept: `not_device_member` (a known phone you never signed in on), "
        "`device_signature_required`"
        " (the phone has a key and this push is not signed by it, e.g. a Bearer token), "
        "`device_signature_invalid`"))
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`device_clock_off`: the signing time is more than 10 minutes off the server's "
        "(`server_time`): sign again"))
    @blp.alt_response(413, schema=ErrorSchema,
                      description=f"more than {MAX_BATCH} events, or a body over 2 MB")
    @blp.alt_response(503, schema=ErrorSchema,
                      description="database busy: send again after Retry-After")
    def post(self, body, headers):
        """Push up to 500 event envelopes recorded on a device.

        One result per envelope, in order."""
        proof = sync.PushProof(headers.get("time"), headers.get("signature"),
                               request.get_data(cache=True))
        return sync.push(current_user(), body["device_id"], body["events"], proof=proof,
                         by_token=g.by_token)


@blp.route("/pull")
class SyncPull(MethodView):
    @blp.arguments(PullArgsSchema, location="query")
    @blp.response(200, PullResponseSchema)
    def get(self, args):
        """Changes since the cursor.

        Keys, revoked card serials, workers in scope, and this device's events if you are one of
        its members. Writes nothing."""
        # Already plain JSON values in the documented shape: dumping a first pull of tens of
        # thousands of rows through marshmallow would cost as much as reading them.
        return jsonify(sync.pull(current_user(), args["device_id"], args["cursor"], args["limit"]))


@blp.route("/quarantine")
class Quarantine(MethodView):
    @blp.arguments(QuarantineQueryArgsSchema, location="query")
    @blp.response(200, QuarantinePageSchema)
    def get(self, args):
        """Envelopes the server could not apply (admins: all; county staff: their county's)."""
        return sync.list_quarantine(current_user(), args)


@blp.route("/quarantine/<int(max=2147483647):entry_id>/reapply")
class QuarantineReapply(MethodView):
    @blp.arguments(ReapplySchema)
    @blp.response(200, QuarantinedEventSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="already resolved")
    @blp.alt_response(422, schema=ErrorSchema,
                      description="still refused: the reason code says why")
    def post(self, body, entry_id):
        """Apply a quarantined envelope again, with corrections to its fields."""
        return sync.reapply_quarantined(current_user(), entry_id, body["corrections"],
                                        body["note"])


@blp.route("/quarantine/<int(max=2147483647):entry_id>/reveal-id")
class QuarantineRevealId(MethodView):
    @blp.arguments(RevealSchema)
    @blp.response(200, RevealedSchema)
    @blp.alt_response(403, schema=ErrorSchema,
                      description="role may not, or no passkey sign-in in the last 5 minutes")
    def post(self, data, entry_id):
        """The full ID number a quarantined registration carried.

        With a stated reason, after a fresh passkey sign-in; audited (the entry answers it
        masked)."""
        return {"id_number": sync.reveal_quarantined_id_number(current_user(), entry_id,
                                                               data["reason"],
                                                               assertion_at=passkey_assertion_at())}


@blp.route("/quarantine/<int(max=2147483647):entry_id>/dismiss")
class QuarantineDismiss(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, QuarantinedEventSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="already resolved")
    def post(self, body, entry_id):
        """Close a quarantined envelope without applying it, giving the reason."""
        return sync.dismiss_quarantined(current_user(), entry_id, body["reason"])


