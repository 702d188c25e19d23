from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.sync import DeviceInSchema, DeviceSchema, ReasonSchema
from server.api.caller import current_user
from server.services import sync

blp = Blueprint("devices", __name__, url_prefix="/api/devices",
                description="The phones: yours, a new one registered, one blocked")


@blp.route("")
class Devices(MethodView):
    @blp.response(200, DeviceSchema(many=True))
    def get(self):
        """Your devices (admins: every device)."""
        return sync.list_devices(current_user())

    @blp.arguments(DeviceInSchema)
    @blp.response(200, DeviceSchema)
    @blp.alt_response(403, schema=ErrorSchema, description=(
        "`not_device_member`: the phone is known and you never signed in on it (join it by "
        "signing in on it)"))
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`device_key_conflict`: a known phone is given its key only by a passkey sign-in on it"))
    def post(self, body):
        """Register a phone as yours.

        A phone never seen, by the UUID it made once and its public key; a member may rename it.
        Repeating it is harmless."""
        return sync.register_device(current_user(), body["device_id"], name=body["name"],
                                    mode=body["mode"], public_key=body["public_key"])


@blp.route("/<device_id>/block")
class DeviceBlock(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, DeviceSchema)
    def post(self, body, device_id):
        """Block a device (admins): its later pushes are quarantined as device_blocked."""
        return sync.block_device(current_user(), device_id, body["reason"])
