from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.fairs import LunarAnswerSchema, LunarArgsSchema

blp = Blueprint("lunar", __name__, url_prefix="/api/lunar",
                description="The lunar calendar: a date's day, and the warning for a fair after "
                            "正月十五")


@blp.route("")
class Lunar(MethodView):
    @blp.arguments(LunarArgsSchema, location="query")
    @blp.response(200, LunarAnswerSchema)
    def get(self, args):
        """A date's lunar-calendar day.

        With the warning for a fair planned after 正月十五 (for the fair form)."""
        return args["date"]
