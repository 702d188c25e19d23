from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import ReviewArgsSchema, ReviewDecisionInSchema, ReviewPageSchema
from server.api.caller import current_user
from server.services import lifecycle

blp = Blueprint("reviews", __name__, url_prefix="/api/reviews",
                description="The review queue: accepted facts that need a reviewer's eye, and the "
                            "decisions")


@blp.route("")
class Reviews(MethodView):
    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewPageSchema)
    def get(self, args):
        """Accepted facts that need a reviewer's eye.

        Onboarded without arrival, a second employer, an arrival for two batches, an employment
        scan after the end. Open ones, newest first."""
        return lifecycle.list_reviews(current_user(), args)


@blp.route("/<event_id>")
class ReviewById(MethodView):
    @blp.arguments(ReviewDecisionInSchema)
    @blp.response(200, ReviewDecisionInSchema)
    def post(self, data, event_id):
        """Decide: the fact stands (``accepted``) or is cancelled (``voided``)."""
        return lifecycle.decide(current_user(), event_id, data["outcome"], data["note"])
