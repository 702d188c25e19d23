from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.lifecycle import TrainingInSchema, TrainingPageSchema, TrainingSchema
from schemas.paging import PageArgsSchema
from server.api.caller import current_user
from server.services import trainings

blp = Blueprint("trainings", __name__, url_prefix="/api/trainings",
                description="Training sessions, who attended and who completed them")


@blp.route("")
class Trainings(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, TrainingPageSchema)
    def get(self, args):
        """Training sessions (county staff: their county's), latest first."""
        return trainings.list_trainings(current_user(), args)

    @blp.arguments(TrainingInSchema)
    @blp.response(201, TrainingSchema)
    def post(self, data):
        """Plan a training.

        Title, skill, provider, place, dates, capacity, and the hours that complete it."""
        user = current_user()
        return trainings.shown_training(trainings.create_training(data, user), user)


@blp.route("/<training_id>")
class TrainingById(MethodView):
    @blp.response(200, TrainingSchema)
    def get(self, training_id):
        """A training with its attendees (in your scope) and who completed it."""
        user = current_user()
        return trainings.shown_training(trainings.get_training(training_id, user), user)
