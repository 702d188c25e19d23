from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.paging import PAGE_HEADERS, page_headers
from schemas.subsidies import (
    AsOfSchema,
    PayoutExportArgsSchema,
    PayoutPageArgsSchema,
    PayoutSchema,
    RecomputedSchema,
    StepSchema,
)
from server.api.caller import current_user
from server.api.downloads import MIMETYPES, download, file_formats
from server.domain import calendar
from server.services import exports, subsidies

blp = Blueprint("payouts", __name__, url_prefix="/api/payouts",
                description="The payout ledger: recomputed from the evidence, approved, paid or "
                            "rejected, exported for finance")


@blp.route("")
class Payouts(MethodView):
    @blp.arguments(PayoutPageArgsSchema, location="query")
    @blp.response(200, PayoutSchema(many=True), headers=PAGE_HEADERS)
    def get(self, args):
        """The payout ledger, a page at a time.

        A county sees its own workers'; how many there are is in the headers."""
        page = subsidies.payouts_page(current_user(), args)
        return page.items, 200, page_headers(page)


@blp.route("/export")
class PayoutsExport(MethodView):
    @blp.arguments(PayoutExportArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MIMETYPES["xlsx"])
    @file_formats(blp, "xlsx", "csv")
    def get(self, args):
        """The ledger for finance as XLSX or CSV.

        With totals per county, per employer and per policy."""
        fmt = args.pop("format")
        body = exports.table_bytes(subsidies.finance_table(current_user(), args), fmt,
                                   sheet="补贴发放")
        return download(body, fmt, f"payouts-{calendar.today().isoformat()}")


@blp.route("/recompute")
class Recompute(MethodView):
    @blp.arguments(AsOfSchema)
    @blp.response(200, RecomputedSchema)
    def post(self, data):
        """Recompute everyone's eligibility as of a date.

        Reconciled with the ledger: new milestones become eligible payouts; nothing is paid
        twice; an unpaid payout no longer supported returns to review."""
        return subsidies.recompute(current_user(), data.get("as_of") or calendar.today())


@blp.route("/<int(max=2147483647):payout_id>/<any(approve, pay, reject):action>")
class Step(MethodView):
    @blp.arguments(StepSchema)
    @blp.response(200, PayoutSchema)
    @blp.alt_response(409, schema=ErrorSchema,
                      description="wrong_status: not a step from where the payout is")
    def post(self, data, payout_id, action):
        """Approve, pay or reject a payout.

        eligible → approved → paid, or rejected with a reason; by the signed-in user, recorded."""
        return subsidies.step(payout_id, action, current_user(), data.get("reason"))
