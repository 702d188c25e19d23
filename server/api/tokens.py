from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.tokens import NewTokenSchema, TokenInSchema, TokenSchema
from server.api.caller import current_user
from server.services import auth

blp = Blueprint("tokens", __name__, url_prefix="/api/tokens",
                description="Bearer tokens for scripts and integrations (admins): named, expiring,"
                            " revocable")


@blp.route("")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """All tokens (never their values)."""
        return auth.list_tokens(current_user())

    @blp.arguments(TokenInSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data):
        """Make a token; its value is in this answer only."""
        return auth.issue_token(current_user(), data["user_id"], data["name"], data["days"])


@blp.route("/<int(max=2147483647):token_id>")
class TokenById(MethodView):
    @blp.response(200, TokenSchema)
    def delete(self, token_id):
        """Revoke a token: it stops working at once."""
        return auth.revoke_token(current_user(), token_id)
