from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.help import HelpArgsSchema, HelpPageSchema
from server.api.caller import current_user
from server.services import help_requests

blp = Blueprint("help_requests", __name__, url_prefix="/api/help-requests",
                description="The workstations' services: workers' requests for help")


@blp.route("")
class HelpRequests(MethodView):
    @blp.arguments(HelpArgsSchema, location="query")
    @blp.response(200, HelpPageSchema)
    def get(self, args):
        """The requests for help in your scope not closed yet, the oldest first.

        A worker asks with a ``help.requested`` envelope (data ``category``: unpaid_wages, injury,
        housing, food, job_fit, going_home, other; ``text``); the workstation answers with
        ``help.answered`` (``request_id``, ``action``, ``text``) and closes with ``help.closed``
        (``request_id``, ``note``), all pushed to ``/api/sync/push``."""
        return help_requests.open_requests(current_user(), args)
