from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import ErrorSchema
from schemas.subsidies import (
    AsOfSchema,
    EligibilitySchema,
    PayoutArgsSchema,
    PayoutExportArgsSchema,
    PayoutSchema,
    PolicyInSchema,
    PolicySchema,
    RecomputedSchema,
    StepSchema,
    TargetArgsSchema,
    TargetInSchema,
    TargetSchema,
)
from server.api.auth import current_user
from server.api.downloads import MIMETYPES, download, file_formats
from server.domain import calendar
from server.services import access, exports, subsidies, targets

blp = Blueprint("subsidies", __name__, url_prefix="/api",
                description="Subsidy policies (versioned), eligibility with its evidence, and the payout ledger")


@blp.route("/policies")
class Policies(MethodView):
    @blp.response(200, PolicySchema(many=True))
    def get(self):
        """Every version of every policy (the seed's are there from the start)."""
        access.require(current_user(), "payout.read")
        return subsidies.policies()

    @blp.arguments(PolicyInSchema)
    @blp.response(201, PolicySchema)
    def post(self, data):
        """A new version of a policy, or a new policy (admins; audited)."""
        return subsidies.add_version(data, current_user())


@blp.route("/workers/<worker_id>/eligibility")
class Eligibility(MethodView):
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, EligibilitySchema)
    def get(self, args, worker_id):
        """What the worker is eligible for as of a date, month by month with the evidence."""
        return subsidies.eligibility(worker_id, current_user(), args.get("as_of") or calendar.today())


@blp.route("/payouts")
class Payouts(MethodView):
    @blp.arguments(PayoutArgsSchema, location="query")
    @blp.response(200, PayoutSchema(many=True))
    def get(self, args):
        """The ledger (a county sees its own workers')."""
        return subsidies.list_payouts(current_user(), args)


@blp.route("/targets")
class Targets(MethodView):
    @blp.arguments(TargetArgsSchema, location="query")
    @blp.response(200, TargetSchema(many=True))
    def get(self, args):
        """Each county's targets for the year and the counts so far (a county sees its own)."""
        return targets.progress(current_user(), args["year"])


@blp.route("/targets/<county_code>/<int(min=2000, max=2099):year>")
class TargetByCounty(MethodView):
    @blp.arguments(TargetInSchema)
    @blp.response(200, TargetSchema)
    def put(self, data, county_code, year):
        """Set a county's targets for a year (admins; audited)."""
        return targets.set_target(county_code, year, data, current_user())


@blp.route("/payouts/export")
class PayoutsExport(MethodView):
    @blp.arguments(PayoutExportArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MIMETYPES["xlsx"])
    @file_formats(blp, "xlsx", "csv")
    def get(self, args):
        """The ledger for finance as XLSX or CSV, with totals per county, per employer and per policy."""
        fmt = args.pop("format")
        body = exports.table_bytes(subsidies.finance_table(current_user(), args), fmt, sheet="补贴发放")
        return download(body, fmt, f"payouts-{calendar.today().isoformat()}")


@blp.route("/payouts/recompute")
class Recompute(MethodView):
    @blp.arguments(AsOfSchema)
    @blp.response(200, RecomputedSchema)
    def post(self, data):
        """Everyone's eligibility as of a date, reconciled with the ledger: new milestones become
        eligible payouts; nothing is paid twice; an unpaid payout no longer supported returns to review."""
        return subsidies.recompute(current_user(), data.get("as_of") or calendar.today())


@blp.route("/payouts/<int(max=2147483647):payout_id>/<any(approve, pay, reject):action>")
class Step(MethodView):
    @blp.arguments(StepSchema)
    @blp.response(200, PayoutSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="wrong_status: not a step from where the payout is")
    def post(self, data, payout_id, action):
        """eligible → approved → paid, or rejected with a reason; by the signed-in user, recorded."""
        return subsidies.step(payout_id, action, current_user(), data.get("reason"))
