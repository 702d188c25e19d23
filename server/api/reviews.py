from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import ReviewArgsSchema, ReviewDecisionInSchema, ReviewPageSchema
from server.api.caller import current_user
from server.domain.evidence import DOUBTS
from server.models.event import device_time
from server.services import lifecycle

blp = Blueprint("reviews", __name__, url_prefix="/api/reviews",
                description="The review queue: accepted facts that need a reviewer's eye, and the "
                            "decisions")


@blp.route("")
class Reviews(MethodView):
    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewPageSchema)
    def get(self, args):
        """Accepted facts that need a reviewer's eye: onboarded without arrival, a second employer,
        an arrival for two batches, an employment scan after the end. Open ones, newest first."""
        page = lifecycle.list_reviews(current_user(), args)
        return page.with_items([_review(*row) for row in page.items])


@blp.route("/<event_id>")
class ReviewById(MethodView):
    @blp.arguments(ReviewDecisionInSchema)
    @blp.response(200, ReviewDecisionInSchema)
    def post(self, data, event_id):
        """Decide: the fact stands (``accepted``) or is cancelled (``voided``)."""
        decision = lifecycle.decide(current_user(), event_id, data["outcome"], data["note"])
        return {"outcome": decision.outcome, "note": decision.note}


def _review(event, worker, decision) -> dict:
    return {
        "event_id": event.id, "type": event.type,
        "reasons": [f for f in event.flags or [] if f in DOUBTS],
        "occurred_at": device_time(event.occurred_at, event.occurred_offset_minutes).isoformat(),
        "recorded_at": event.recorded_at, "context": event.context, "device_id": event.device_id,
        "actor_id": event.actor_id,
        "worker": {"id": worker.id, "name": worker.name, "status": worker.status},
        "decision": {"outcome": decision.outcome, "note": decision.note,
                     "decided_by": decision.decided_by,
                     "decided_at": decision.decided_at.isoformat()} if decision else None,
    }
