from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.batches import (
    BatchInSchema,
    BatchPageSchema,
    BatchPatchSchema,
    BatchQueryArgsSchema,
    BatchSchema,
    BoardSchema,
    DepartAnswerSchema,
    DepartInSchema,
    HandoverInSchema,
    HandoverSchema,
    RosterAnswerSchema,
    RosterInSchema,
    RosterRemoveSchema,
    TeamLeaderInSchema,
)
from server.api.caller import current_user
from server.services import batches

blp = Blueprint("batches", __name__, url_prefix="/api/batches",
                description="Transfer batches: roster, team leaders, departure, the arrival board "
                            "and the hand-over")


@blp.route("")
class Batches(MethodView):
    @blp.arguments(BatchQueryArgsSchema, location="query")
    @blp.response(200, BatchPageSchema)
    def get(self, args):
        """Batches in your scope (a greeter: those due at its station), latest departure first."""
        return batches.list_batches(current_user(), args)

    @blp.arguments(BatchInSchema)
    @blp.response(201, BatchSchema)
    def post(self, data):
        """Organise a batch: origin county, train, stations and times, the employers receiving."""
        return batches.shown_batch(batches.create_batch(data, current_user()))


@blp.route("/<batch_id>")
class BatchById(MethodView):
    @blp.response(200, BatchSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="no such batch in your scope")
    def get(self, batch_id):
        """The batch with its roster by township and its team leaders."""
        return batches.shown_batch(batches.get_batch(batch_id, current_user()))

    @blp.arguments(BatchPatchSchema)
    @blp.response(200, BatchSchema)
    def patch(self, changes, batch_id):
        """Change the batch's details; ``employer_ids`` adds receiving employers."""
        return batches.shown_batch(batches.update_batch(batch_id, changes, current_user()))


@blp.route("/<batch_id>/roster")
class Roster(MethodView):
    @blp.arguments(RosterInSchema)
    @blp.response(200, RosterAnswerSchema)
    @blp.alt_response(422, schema=ErrorSchema,
                      description="batch_departed, or workers outside your scope")
    def post(self, data, batch_id):
        """Put workers on the batch.

        By id, or all who signed an intention at a fair (a ``batch.assigned`` each)."""
        return batches.add_to_roster(batch_id, current_user(), worker_ids=data["worker_ids"],
                                     from_fair_id=data.get("from_fair_id"),
                                     employer_id=data.get("employer_id"))


@blp.route("/<batch_id>/roster/<worker_id>")
class RosterMember(MethodView):
    @blp.arguments(RosterRemoveSchema)
    @blp.response(204)
    def delete(self, data, batch_id, worker_id):
        """Take a worker off a batch that has not left.

        The assignment is voided, with the reason."""
        batches.remove_from_roster(batch_id, worker_id, data["reason"], current_user())


@blp.route("/<batch_id>/team-leaders")
class TeamLeaders(MethodView):
    @blp.arguments(TeamLeaderInSchema)
    @blp.response(200, BatchSchema)
    def put(self, data, batch_id):
        """Name the team leader of a township: a worker from it, on the roster."""
        user = current_user()
        batches.name_team_leader(batch_id, data["township"], data["worker_id"], user)
        return batches.shown_batch(batches.get_batch(batch_id, user))


@blp.route("/<batch_id>/depart")
class Depart(MethodView):
    @blp.arguments(DepartInSchema)
    @blp.response(200, DepartAnswerSchema)
    @blp.alt_response(422, schema=ErrorSchema,
                      description="team_leader_required: more than 20 from a township and no "
                                  "leader travelling")
    def post(self, data, batch_id):
        """The roll-call: all on the roster departed but ``absent``."""
        return batches.depart(batch_id, current_user(), absent=data["absent"],
                              at=data.get("departed_at"))


@blp.route("/<batch_id>/board")
class Board(MethodView):
    @blp.response(200, BoardSchema)
    def get(self, batch_id):
        """The arrival board.

        Expected, arrived, missing and unexpected, by township with its team leader."""
        return batches.board(batch_id, current_user())


@blp.route("/<batch_id>/handovers")
class Handovers(MethodView):
    @blp.response(200, HandoverSchema(many=True))
    def get(self, batch_id):
        """The groups handed over to employers so far."""
        return batches.handovers(batch_id, current_user())

    @blp.arguments(HandoverInSchema)
    @blp.response(201, HandoverSchema)
    def post(self, data, batch_id):
        """Hand a group that arrived over to an employer's representative, in one action."""
        return batches.hand_over(batch_id, current_user(), **data)
