from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import (
    AtRiskArgsSchema,
    AtRiskPageSchema,
    ReviewArgsSchema,
    ReviewDecisionInSchema,
    ReviewPageSchema,
    SiteCodeArgsSchema,
    SiteCodeSchema,
    SiteInSchema,
    SiteSchema,
    TrainingInSchema,
    TrainingPageSchema,
    TrainingSchema,
)
from schemas.paging import PageArgsSchema
from server.api.auth import current_user
from server.domain import calendar
from server.domain.evidence import DOUBTS
from server.models.event import device_time
from server.services import lifecycle, sites, trainings

blp = Blueprint("lifecycle", __name__, url_prefix="/api",
                description="After arrival: the review queue, the at-risk list, training sessions, workplace codes")


@blp.route("/reviews")
class Reviews(MethodView):
    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewPageSchema)
    def get(self, args):
        """Accepted facts that need a reviewer's eye: onboarded without arrival, a second employer, an
        arrival for two batches, an employment scan after the end. Open ones, newest first."""
        page = lifecycle.list_reviews(current_user(), args)
        return page.with_items([_review(*row) for row in page.items])


@blp.route("/reviews/<event_id>")
class ReviewById(MethodView):
    @blp.arguments(ReviewDecisionInSchema)
    @blp.response(200, ReviewDecisionInSchema)
    def post(self, data, event_id):
        """Decide: the fact stands (``accepted``) or is cancelled (``voided``)."""
        decision = lifecycle.decide(current_user(), event_id, data["outcome"], data["note"])
        return {"outcome": decision.outcome, "note": decision.note}


@blp.route("/at-risk")
class AtRisk(MethodView):
    @blp.arguments(AtRiskArgsSchema, location="query")
    @blp.response(200, AtRiskPageSchema)
    def get(self, args):
        """The morning list: workers in your scope at risk of leaving, and why."""
        user = current_user()
        page = lifecycle.at_risk(user, args)
        return page.with_items(lifecycle.describe_at_risk(page.items, user))


@blp.route("/trainings")
class Trainings(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, TrainingPageSchema)
    def get(self, args):
        """Training sessions (county staff: their county's), latest first."""
        return trainings.list_trainings(current_user(), args)

    @blp.arguments(TrainingInSchema)
    @blp.response(201, TrainingSchema)
    def post(self, data):
        """Plan a training: title, skill, provider, place, dates, capacity, hours that complete it."""
        user = current_user()
        return trainings.describe_training(trainings.create_training(data, user), user)


@blp.route("/trainings/<training_id>")
class TrainingById(MethodView):
    @blp.response(200, TrainingSchema)
    def get(self, training_id):
        """A training with its attendees (in your scope) and who completed it."""
        user = current_user()
        return trainings.describe_training(trainings.get_training(training_id, user), user)


@blp.route("/sites")
class Sites(MethodView):
    @blp.response(200, SiteSchema(many=True))
    def get(self):
        """Workplaces (an employer: its own)."""
        return sites.list_sites(current_user())

    @blp.arguments(SiteInSchema)
    @blp.response(201, SiteSchema)
    def post(self, data):
        """A workplace where the day's code will be posted."""
        return sites.create_site(data, current_user())


@blp.route("/sites/<site_id>/code")
class SiteCode(MethodView):
    @blp.arguments(SiteCodeArgsSchema, location="query")
    @blp.response(200, SiteCodeSchema)
    def get(self, args, site_id):
        """The day's workplace code (LPS1:) and its QR: show it on a screen at the gate, or print it. Workers
        scan it with their own phone to confirm they are at work; it verifies offline and is good that day only."""
        day = args.get("date") or calendar.today()
        return sites.site_code(site_id, current_user(), day)


def _review(event, worker, decision) -> dict:
    return {
        "event_id": event.id, "type": event.type, "reasons": [f for f in event.flags or [] if f in DOUBTS],
        "occurred_at": device_time(event.occurred_at, event.occurred_offset_minutes).isoformat(),
        "recorded_at": event.recorded_at, "context": event.context, "device_id": event.device_id,
        "actor_id": event.actor_id, "worker": {"id": worker.id, "name": worker.name, "status": worker.status},
        "decision": {"outcome": decision.outcome, "note": decision.note, "decided_by": decision.decided_by,
                     "decided_at": decision.decided_at.isoformat()} if decision else None,
    }
