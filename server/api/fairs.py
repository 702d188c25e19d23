from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.fairs import (
    FairEmployerInSchema,
    FairInSchema,
    FairPageSchema,
    FairPatchSchema,
    FairQueryArgsSchema,
    FairSchema,
    PostingInSchema,
    PostingPatchSchema,
    PostingSchema,
)
from server.api.caller import current_user
from server.services import fairs

blp = Blueprint("fairs", __name__, url_prefix="/api/fairs",
                description="Recruitment fairs in the origin's townships: employers, jobs, "
                            "check-ins and what came of them")


@blp.route("")
class Fairs(MethodView):
    @blp.arguments(FairQueryArgsSchema, location="query")
    @blp.response(200, FairPageSchema)
    def get(self, args):
        """Fairs in your scope, newest first.

        County staff see their county's; employers those they take part in."""
        return fairs.listed_fairs(fairs.list_fairs(current_user(), args))

    @blp.arguments(FairInSchema)
    @blp.response(201, FairSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="your role does not plan fairs")
    def post(self, data):
        """Plan a fair. The answer shows the lunar date and warns when it is after 正月十五."""
        user = current_user()
        return fairs.shown_fair(fairs.create_fair(data, user), user)


@blp.route("/<fair_id>")
class FairById(MethodView):
    @blp.response(200, FairSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such fair in your scope")
    def get(self, fair_id):
        """A fair's page.

        The funnel first (attended → intention → batch → departed → arrived → onboarded → still
        employed at 1, 3 and 6 months), then its employers, jobs and live counts."""
        user = current_user()
        return fairs.shown_fair(fairs.get_fair(fair_id, user), user)

    @blp.arguments(FairPatchSchema)
    @blp.response(200, FairSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such fair in your scope")
    def patch(self, changes, fair_id):
        """Change a fair's details; ``employer_ids`` adds employers."""
        user = current_user()
        return fairs.shown_fair(fairs.update_fair(fair_id, changes, user), user)


@blp.route("/<fair_id>/employers")
class FairEmployers(MethodView):
    @blp.arguments(FairEmployerInSchema)
    @blp.response(200, FairSchema)
    def post(self, data, fair_id):
        """An employer takes part in the fair."""
        user = current_user()
        return fairs.shown_fair(fairs.add_employer(fair_id, data["employer_id"], user), user)


@blp.route("/<fair_id>/postings")
class Postings(MethodView):
    @blp.arguments(PostingInSchema)
    @blp.response(201, PostingSchema)
    def post(self, data, fair_id):
        """Add a job an employer brings to the fair.

        Type, openings, wage range and basis, hours, housing, food, district."""
        return fairs.ShownPosting(fairs.add_posting(fair_id, data, current_user()))


@blp.route("/<fair_id>/postings/<posting_id>")
class PostingById(MethodView):
    @blp.arguments(PostingPatchSchema)
    @blp.response(200, PostingSchema)
    def patch(self, changes, fair_id, posting_id):
        """Correct a job posting (an employer only its own)."""
        return fairs.ShownPosting(fairs.update_posting(fair_id, posting_id, changes,
                                                       current_user()))
