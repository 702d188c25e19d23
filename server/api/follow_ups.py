from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.follow_ups import FollowUpArgsSchema, FollowUpPageSchema
from server.api.caller import current_user
from server.services import follow_ups

blp = Blueprint("follow_ups", __name__, url_prefix="/api/follow-ups",
                description="The calls after a fair: who signed an intention and is due a call")


@blp.route("")
class FollowUps(MethodView):
    @blp.arguments(FollowUpArgsSchema, location="query")
    @blp.response(200, FollowUpPageSchema)
    def get(self, args):
        """The calls due today in your scope, the overdue first.

        Within 3 days of the fair, again when the last call reached no one, and in the week
        before the batch leaves. A call is recorded as an ``intention.followed_up`` envelope
        pushed to ``/api/sync/push`` (context ``fair_id``; data ``reached``, ``coming``,
        ``reason``, ``note``)."""
        return follow_ups.worklist(current_user(), args)
