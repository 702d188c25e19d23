from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.reports import (
    FunnelArgsSchema,
    ReportFunnelSchema,
    RetentionSchema,
    ScopeArgsSchema,
    SubsidyTotalsArgsSchema,
    SubsidyTotalSchema,
)
from server.api.auth import current_user
from server.services import reports

blp = Blueprint("reports", __name__, url_prefix="/api/reports",
                description="The dashboards: funnels, the retention curve, subsidy totals; the monthly bulletin")


@blp.route("/funnel")
class Funnel(MethodView):
    @blp.arguments(FunnelArgsSchema, location="query")
    @blp.response(200, ReportFunnelSchema)
    def get(self, args):
        """How many reached each stage (fair … 6 confirmed months), per county, township, first fair,
        employer or poor-household flag."""
        return reports.funnel(current_user(), args, args.get("as_of") or dt.date.today())


@blp.route("/retention")
class Retention(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, RetentionSchema)
    def get(self, args):
        """The share still employed by month since arrival (Kaplan–Meier: recent arrivals are
        censored, not counted as gone)."""
        return reports.retention(current_user(), args, args.get("as_of") or dt.date.today())


@blp.route("/subsidies")
class SubsidyTotals(MethodView):
    @blp.arguments(SubsidyTotalsArgsSchema, location="query")
    @blp.response(200, SubsidyTotalSchema(many=True))
    def get(self, args):
        """The ledger per policy and status: payouts and yuan."""
        return reports.subsidy_totals(current_user(), args)
