from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.credentials import CardSheetRequestSchema
from server.api.caller import current_user
from server.api.downloads import download
from server.services import printing

blp = Blueprint("cards", __name__, url_prefix="/api/cards",
                description="Cards printed on A4 sheets")


@blp.route("/sheet")
class CardSheet(MethodView):
    @blp.arguments(CardSheetRequestSchema)
    @blp.response(200, content_type="application/pdf", description="A4 sheets, ten cards a page")
    @blp.alt_response(422, schema=ErrorSchema,
                      description="a worker is unknown or outside your scope")
    def post(self, data):
        """Cards of many workers on A4 sheets for printing.

        Workers without a valid card get one."""
        pdf = printing.sheet_for(data["worker_ids"], current_user())
        return download(pdf, "pdf", "laborpass-cards")


