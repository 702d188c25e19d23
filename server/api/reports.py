from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.help import HelpTimesSchema
from schemas.reports import (
    BulletinArgsSchema,
    FollowUpReportArgsSchema,
    FollowUpReportSchema,
    FunnelArgsSchema,
    PayArgsSchema,
    PayReportSchema,
    ReportFunnelSchema,
    RetentionSchema,
    ScopeArgsSchema,
    SubsidyTotalsArgsSchema,
    SubsidyTotalSchema,
)
from server.api.caller import current_user
from server.api.downloads import download, file_formats
from server.domain import calendar
from server.services import bulletin, reports

blp = Blueprint("reports", __name__, url_prefix="/api/reports",
                description="The dashboards: funnels, the retention curve, subsidy totals; the "
                            "monthly bulletin")


@blp.route("/funnel")
class Funnel(MethodView):
    @blp.arguments(FunnelArgsSchema, location="query")
    @blp.response(200, ReportFunnelSchema)
    def get(self, args):
        """How many reached each stage.

        From the fair to 6 confirmed months, per county, township, first fair, employer or
        poor-household flag."""
        return reports.funnel(current_user(), args, args.get("as_of") or calendar.today())


@blp.route("/follow-ups")
class FollowUps(MethodView):
    @blp.arguments(FollowUpReportArgsSchema, location="query")
    @blp.response(200, FollowUpReportSchema)
    def get(self, args):
        """What the calls after the fairs found, per group.

        Of the people whose latest intention is in the group: called, reached, still coming, not
        coming and why (pay, distance, climate, food, family, farming season, left for
        elsewhere, other), undecided; per county, township, first fair, employer or
        poor-household flag."""
        return reports.follow_ups(current_user(), args)


@blp.route("/help")
class HelpTimes(MethodView):
    @blp.response(200, HelpTimesSchema)
    def get(self):
        """The workstations' requests for help, per county: answered, closed, how fast.

        Median hours to the first answer and to the close, and how many are open more than 3
        days."""
        return reports.help_times(current_user(), calendar.today())


@blp.route("/pay")
class Pay(MethodView):
    @blp.arguments(PayArgsSchema, location="query")
    @blp.response(200, PayReportSchema)
    def get(self, args):
        """Pay against what people expected at the fair, per employer, job type or county.

        The latest month's pay on record (the employer's figure, the worker's where they disputed
        it): how many, on average against the expectation, under it, under 2,800 yuan,
        disputed."""
        return reports.pay(current_user(), args)


@blp.route("/retention")
class Retention(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, RetentionSchema)
    def get(self, args):
        """The share still employed by month since arrival.

        Kaplan–Meier: recent arrivals are censored, not counted as gone."""
        return reports.retention(current_user(), args, args.get("as_of") or calendar.today())


@blp.route("/subsidies")
class SubsidyTotals(MethodView):
    @blp.arguments(SubsidyTotalsArgsSchema, location="query")
    @blp.response(200, SubsidyTotalSchema(many=True))
    def get(self, args):
        """The ledger per policy and status: payouts and yuan."""
        return reports.subsidy_totals(current_user(), args)


@blp.route("/bulletin")
class MonthlyBulletin(MethodView):
    @blp.arguments(BulletinArgsSchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    @file_formats(blp, "pdf", "xlsx")
    def get(self, args):
        """A county's monthly bulletin (统计月报) as PDF or XLSX.

        The month, the totals, the year's targets, retention, subsidies, the townships."""
        report = bulletin.bulletin(current_user(), args["county"], args["month"])
        fmt = args["format"]
        return download(bulletin.as_pdf(report) if fmt == "pdf" else bulletin.as_xlsx(report), fmt,
                        report.stem)
