"""The monthly bulletin of a county's transfer work (统计月报): what the seed's bureau publishes as
its statistics bulletin and assessment, from the same numbers as the dashboards.

Sections: the month (who reached each stage for the first time in it — the difference of the
funnel at the month's end and the day before it began), the totals so far, the year's targets,
retention (Kaplan–Meier at 1, 3, 6 and 12 months), subsidies, and the townships. As XLSX (one
sheet, the sections one under the other) or PDF (A4, Chinese first).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import func, select

from server.extensions import db
from server.models import Payout, User
from server.services import access, exports, places, reports, targets
from server.services.cards import pdf_font
from server.services.places import county_name

STAGE_NAMES = {"registered": "登记 Registered", "at_fair": "参加招聘会 Came to a fair",
               "intent": "签订意向 Signed an intention", "departed": "出发 Departed",
               "arrived": "到达 Arrived",
               "onboarded": "入职 Onboarded", "month1": "稳定就业满1个月 1 month",
               "month3": "满3个月 3 months", "month6": "满6个月 6 months"}
STATUS_NAMES = {"eligible": "待审核 Eligible", "review": "复核 Review",
                "approved": "已批准 Approved",
                "paid": "已发放 Paid", "rejected": "已驳回 Rejected"}
RETENTION_MONTHS = (1, 3, 6, 12)
WIDTH = A4[0] - 36 * mm  # between the margins


@dataclass(frozen=True)
class Section:
    heading: str
    rows: list[list]  # the first row is the column headings


@dataclass(frozen=True)
class Bulletin:
    title: str
    subtitle: str
    sections: list[Section]
    stem: str  # the file name without extension


def bulletin(user: User, county_code: str, month: str) -> Bulletin:
    """The bulletin of ``county_code`` for ``month`` (YYYY-MM), in ``user``'s scope."""
    access.require(user, "report.read")
    county_code = places.origin_county(county_code, user, "county")
    first = dt.date.fromisoformat(f"{month}-01")
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    scope = {"county": county_code}
    before = reports.funnel(user, scope, first - dt.timedelta(days=1))["total"]
    by_end = reports.funnel(user, scope, last)["total"]
    name = county_name(county_code)
    sections = [
        Section("一、本月情况 This month (first reached in the month)",
                [["指标 Measure", "人数 People"],
                 *([STAGE_NAMES[s], by_end[s] - before[s]] for s in STAGE_NAMES)]),
        Section("二、累计 Since the start",
                [["指标 Measure", "人数 People"],
                 *([STAGE_NAMES[s], by_end[s]] for s in STAGE_NAMES)]),
        _targets(user, county_code, last),
        _retention(user, scope, last),
        _subsidies(county_code, first, last),
        _townships(user, scope, last),
    ]
    return Bulletin(f"{name}劳务输转工作统计月报（{first.year}年{first.month}月）",
                    f"Labour transfer bulletin, {name}, {month} — 截至 {last.isoformat()}，"
                    "数据来自扫码记录",
                    sections, f"bulletin-{county_code}-{month}")


def as_xlsx(report: Bulletin) -> bytes:
    table = [[report.title], [report.subtitle]]
    for section in report.sections:
        table += [[], [section.heading], *section.rows]
    return exports.table_bytes(table, "xlsx", sheet="统计月报")


def as_pdf(report: Bulletin) -> bytes:
    font = pdf_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=2 * mm)
    small = ParagraphStyle("small", fontName=font, fontSize=8.5, leading=11, textColor=colors.grey)
    heading = ParagraphStyle("heading", fontName=font, fontSize=11.5, leading=15,
                             spaceBefore=5 * mm, spaceAfter=2 * mm)
    text = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
    number = ParagraphStyle("number", parent=text, alignment=TA_RIGHT)
    story = [Paragraph(report.title, title), Paragraph(report.subtitle, small)]
    for section in report.sections:
        columns = len(section.rows[0])
        widths = [70 * mm, 40 * mm] if columns == 2 else [WIDTH / columns] * columns
        rows = [[Paragraph(escape(str(v)) if v is not None else "",
                           number if isinstance(v, int) else text)
                 for v in row] for row in section.rows]
        table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa8b8")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [Paragraph(section.heading, heading), table]
    story.append(Spacer(1, 6 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=report.title, leftMargin=18 * mm,
                      rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)
    return out.getvalue()


def _targets(user: User, county_code: str, last: dt.date) -> Section:
    rows = [["指标 Measure", "目标 Target", "完成 Done", "完成率 Share"]]
    found = targets.progress(user, last.year, county_code)
    for measure, label in (("transfers", "输转 Transfers"), ("arrivals", "到达 Arrivals"),
                           ("stable_3_months", "稳岗3个月 Stable 3 months")):
        for target in found:
            goal, done = target["targets"][measure], target["actual"][measure]
            rows.append([label, goal, done, f"{done / goal:.0%}" if goal else "—"])
    if not found:
        rows.append(["本年度未设目标 No targets set for the year", "—", "—", "—"])
    return Section(f"三、{last.year}年目标完成情况 Targets {last.year} (to date)", rows)


def _retention(user: User, scope: dict, last: dt.date) -> Section:
    curve = reports.retention(user, scope, last)
    points = {p["month"]: p for p in curve["points"]}
    rows = [["到达后 Since arrival", "仍在岗（估计） Still employed (estimate)",
             "观察人数 Still observed"]]
    rows += [[f"{k}个月 {k} months",
              "—" if points[k]["survival"] is None else f"{points[k]['survival']:.1%}",
              points[k]["at_risk"]] for k in RETENTION_MONTHS]
    return Section(f"四、稳岗率 Retention (Kaplan–Meier, {curve['workers']} 名入职人员 onboarded)",
                   rows)


def _subsidies(county_code: str, first: dt.date, last: dt.date) -> Section:
    rows = [["政策 Policy", "状态 Status", "本月达到 Reached this month", "金额（元） Yuan",
             "累计 To date", "累计金额 Yuan"]]
    month, to_date = {}, {}
    for since, found in ((first, month), (dt.date.min, to_date)):
        for code, status, n, amount in db.session.execute(
                select(Payout.policy_code, Payout.status, func.count(),
                       func.coalesce(func.sum(Payout.amount), 0))
                .where(Payout.county_code == county_code, Payout.reached_on >= since,
                       Payout.reached_on <= last)
                .group_by(Payout.policy_code, Payout.status)):
            found[(code, status)] = (n, int(amount))
    for key in sorted(to_date):
        n, amount = month.get(key, (0, 0))
        rows.append([key[0], STATUS_NAMES.get(key[1], key[1]), n, amount, *to_date[key]])
    if len(rows) == 1:
        rows.append(["尚无补贴记录 No payouts yet", "—", 0, 0, 0, 0])
    return Section("五、补贴 Subsidies", rows)


def _townships(user: User, scope: dict, last: dt.date) -> Section:
    answer = reports.funnel(user, {**scope, "by": "township"}, last)
    stages = ("registered", "departed", "arrived", "onboarded", "month3")
    rows = [["乡镇 Township", *(STAGE_NAMES[s].split(" ")[0] for s in stages)]]
    rows += [[group["key"][1] or "—", *(group[s] for s in stages)] for group in answer["groups"]]
    return Section("六、分乡镇累计 By township, since the start", rows)
