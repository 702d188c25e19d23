from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.fairs import EmployerSchema
from server.api.caller import current_user
from server.services import fairs

blp = Blueprint("employers", __name__, url_prefix="/api/employers",
                description="The programme's employers")


@blp.route("")
class Employers(MethodView):
    @blp.response(200, EmployerSchema(many=True))
    def get(self):
        """The employers in the program.

        To invite to a fair or to receive a batch; an employer sees itself."""
        return fairs.list_employers(current_user())
