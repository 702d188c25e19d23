from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.credentials import KeysSchema
from server.services import keyring

blp = Blueprint("keys", __name__, url_prefix="/api/keys",
                description="Public keys scanners verify cards with")


@blp.route("")
class Keys(MethodView):
    @blp.doc(security=[])
    @blp.response(200, KeysSchema)
    def get(self):
        """The card-signing public keys and their status (no sign-in needed: they are public)."""
        return {"keys": keyring.list_keys()}
