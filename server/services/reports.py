"""The dashboards' numbers, each one GROUP BY over the workers' report columns (kept by the
projection: ``domain.progress``), never a loop over events.

- ``funnel``: per county, township, first fair, employer or poor-household flag, how many people
  reached each stage — registered, came to a fair, signed an intention, was reached by a
  follow-up call, departed, arrived,
  onboarded — and 1, 3 and 6 consecutive confirmed months, as of a date.
- ``retention``: the share still employed by month since arrival (Kaplan–Meier:
  ``domain.survival``).
- ``subsidy_totals``: the ledger summed per policy and status.
- ``help_times``: the workstations' requests for help, how fast answered and closed.
- ``pay``: the latest month's pay against what people expected at the fair, per employer, job
  type or county.
- ``follow_ups``: what the calls after the fairs found — reached, still coming, and why not —
  per county, township, fair or employer.

Statistics count everyone, erased people too (their rows keep exactly what statistics need);
a county's staff see their county's numbers only.
"""
from __future__ import annotations

import datetime as dt
import statistics

from sqlalchemy import Integer, case, cast, func, literal_column, select

from server.domain import calendar
from server.domain.follow_up import REASONS
from server.domain.funnel import REPORT_DIMENSIONS, REPORT_STAGES
from server.domain.help import OPEN_DAYS_AT_RISK
from server.domain.job_types import job_types
from server.domain.pay import LOW_PAY
from server.domain.survival import kaplan_meier
from server.errors import InvalidInput
from server.extensions import db
from server.models import Employer, Fair, Payout, Posting, User, Worker
from server.services import access, help_requests
from server.services.places import county_name

STAGE_COLUMNS = (Worker.registered_on, Worker.fair_on, Worker.intent_on, Worker.followed_up_on,
                 Worker.departed_on, Worker.arrived_on, Worker.onboarded_on, Worker.month1_on,
                 Worker.month3_on, Worker.month6_on)
STAGES = tuple(zip(REPORT_STAGES, STAGE_COLUMNS, strict=True))
DIMENSIONS = dict(zip(REPORT_DIMENSIONS, (
    (Worker.home_county_code,),
    (Worker.home_county_code, Worker.home_township),
    (Worker.first_fair_id,),
    (Worker.counted_employer_id,),
    (Worker.poor_household,),
), strict=True))
CURVE_MONTHS = 24


def funnel(user: User, args: dict, as_of: dt.date) -> dict:
    """Counts per stage for each group of ``args["by"]``, and the total; ``from``/``to`` keep the
    people registered in that period."""
    access.require(user, "report.read")
    by = DIMENSIONS[args.get("by", "county")]
    counts = [func.count().filter(column <= as_of).label(name) for name, column in STAGES]
    query = _scoped(select(*by, *counts), user, args).group_by(*by)
    groups = [{"key": list(row[:len(by)]), **{name: int(row._mapping[name]) for name, _ in STAGES}}
              for row in db.session.execute(query)]
    groups.sort(key=lambda g: (-g["registered"], str(g["key"])))
    labels = _labels(args.get("by", "county"), [g["key"] for g in groups])
    for group in groups:
        group["label"] = labels(group["key"])
    total = {name: sum(g[name] for g in groups) for name, _ in STAGES}
    return {"by": args.get("by", "county"), "as_of": as_of, "stages": [name for name, _ in STAGES],
            "groups": groups, "total": total}


def retention(user: User, args: dict, as_of: dt.date) -> dict:
    """The Kaplan–Meier curve of staying employed, month by month since arrival (the first spell
    of employment, ended by its end or by 35 days without evidence of work; someone still
    employed is censored at ``as_of``)."""
    access.require(user, "report.read")
    ended = Worker.spell_ended_on <= as_of
    # nobody has seen them at work for 35 days: gone, unless evidence comes
    silent = Worker.spell_silent_on <= as_of
    last_day = case((ended, Worker.spell_ended_on), (silent, Worker.spell_silent_on), else_=as_of)
    month = (_days_between(Worker.arrived_on, last_day) / 30).label("month")
    did_end = case((ended | silent, 1), else_=0).label("ended")
    query = _scoped(select(month, did_end, func.count()), user, args).where(
        Worker.onboarded_on <= as_of
    )
    rows = db.session.execute(query.group_by(month, did_end)).all()
    curve = kaplan_meier(((int(m), bool(e), n) for m, e, n in rows), CURVE_MONTHS)
    return {"as_of": as_of, "workers": sum(n for _, _, n in rows),
            "points": [{"month": p.month,
                        "survival": None if p.survival is None else round(p.survival, 4),
                        "at_risk": p.at_risk, "ended": p.ended, "censored": p.censored}
                       for p in curve]}


def subsidy_totals(user: User, args: dict) -> list[dict]:
    """The ledger per policy and status: how many payouts, how many yuan."""
    access.require(user, "payout.read")
    query = select(Payout.policy_code, Payout.status, func.count(),
                   func.coalesce(func.sum(Payout.amount), 0))
    if own := access.own_county(user):
        query = query.where(Payout.county_code == own)
    elif args.get("county"):
        query = query.where(Payout.county_code == args["county"])
    rows = db.session.execute(
        query.group_by(Payout.policy_code, Payout.status).order_by(Payout.policy_code)
    )
    return [{"policy_code": p, "status": s, "count": n, "amount": int(a)} for p, s, n, a in rows]


def _scoped(query, user: User, args: dict):
    if access.own_county(user):
        if args.get("county") and args["county"] != user.county_code:
            raise InvalidInput({"county": ["只能查看本县的数字。 You see your own county's "
                                           "numbers only."]})
        query = query.where(Worker.home_county_code == user.county_code)
    elif args.get("county"):
        query = query.where(Worker.home_county_code == args["county"])
    if "poor_household" in args:
        query = query.where(Worker.poor_household == args["poor_household"])
    if args.get("from_"):
        query = query.where(Worker.registered_on >= args["from_"])
    if args.get("to"):
        query = query.where(Worker.registered_on <= args["to"])
    return query


def follow_ups(user: User, args: dict) -> dict:
    """Of the intentions per group of ``args["by"]``: how many people were called, reached, are
    still coming, not coming, undecided, and each reason not to come — counted on the record's
    latest answer since the latest intention, one GROUP BY; ``from``/``to`` keep the intentions
    signed in that period."""
    access.require(user, "report.read")
    by_name = args.get("by", "county")
    by = DIMENSIONS[by_name]
    reason = Worker.follow_up_reason
    called = Worker.follow_up_calls > 0
    answered = Worker.follow_up_reached.is_(True)
    query = _scoped(select(*by, reason, func.count().label("intent"),
                          func.count().filter(called).label("called"),
                          func.count().filter(answered).label("reached"),
                          func.count().filter(Worker.follow_up_coming.is_(True)).label("coming"),
                          func.count().filter(Worker.follow_up_coming.is_(False))
                          .label("not_coming")),
                    user, {k: v for k, v in args.items() if k not in ("from_", "to")}
                    ).where(Worker.follow_up_intent_on.is_not(None))
    if args.get("from_"):
        query = query.where(Worker.follow_up_intent_on >= args["from_"])
    if args.get("to"):
        query = query.where(Worker.follow_up_intent_on <= args["to"])
    groups: dict[tuple, dict] = {}
    for row in db.session.execute(query.group_by(*_unordered(*by, reason))):
        key = tuple(row[:len(by)])
        group = groups.setdefault(key, {"key": list(key), "intent": 0, "called": 0, "reached": 0,
                                        "coming": 0, "not_coming": 0,
                                        "reasons": dict.fromkeys(REASONS, 0)})
        for name in ("intent", "called", "reached", "coming", "not_coming"):
            group[name] += row._mapping[name]
        if row.follow_up_reason:
            group["reasons"][row.follow_up_reason] += row._mapping["not_coming"]
    found = sorted(groups.values(), key=lambda g: (-g["intent"], str(g["key"])))
    for group in found:
        group["undecided"] = group["reached"] - group["coming"] - group["not_coming"]
    labels = _labels(by_name, [g["key"] for g in found])
    for group in found:
        group["label"] = labels(group["key"])
    total = {name: sum(g[name] for g in found)
             for name in ("intent", "called", "reached", "coming", "not_coming", "undecided")}
    total["reasons"] = {r: sum(g["reasons"][r] for g in found) for r in REASONS}
    return {"by": by_name, "groups": found, "total": total}


def help_times(user: User, today: dt.date) -> dict:
    """Per county (its workstation): how many asked for help, were answered, closed, the median
    hours to the first answer and to the close, and how many are open more than 3 days."""
    access.require(user, "help.read")
    workers = dict(db.session.execute(select(Worker.id, Worker.home_county_code).where(
        Worker.id.in_(help_requests.requesters(user)))).all())
    groups: dict[str, dict] = {}
    for worker_id, requests in help_requests.requests_by_worker(workers).items():
        group = groups.setdefault(workers[worker_id], {"requests": 0, "answered": 0, "closed": 0,
                                                       "open_over_3_days": 0, "_answer": [],
                                                       "_close": []})
        for request in requests:
            group["requests"] += 1
            if request.first_answer_at:
                group["answered"] += 1
                group["_answer"].append(_hours(request.requested_at, request.first_answer_at))
            if request.closed_at:
                group["closed"] += 1
                group["_close"].append(_hours(request.requested_at, request.closed_at))
            elif (today - calendar.day_of(request.requested_at)).days >= OPEN_DAYS_AT_RISK:
                group["open_over_3_days"] += 1
    found = []
    for county, group in sorted(groups.items()):
        answer, close = group.pop("_answer"), group.pop("_close")
        found.append({"county_code": county, "county_name": county_name(county), **group,
                      "hours_to_answer": _median(answer), "hours_to_close": _median(close)})
    return {"as_of": today, "groups": found}


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


PAY_DIMENSIONS = ("employer", "job_type", "county")


def pay(user: User, args: dict) -> dict:
    """Pay against expectation per employer (the one the worker is counted for), job type or home
    county: of the people with a month's pay on record (the latest, the worker's figure where
    they disputed the employer's), how many, their average pay and expectation, how many are paid
    under what they expected and under 2,800 yuan, how many disputed. One GROUP BY."""
    access.require(user, "report.read")
    by_name = args.get("by", "employer")
    counted = func.coalesce(Worker.pay_claimed, Worker.pay)
    key = {"employer": Worker.counted_employer_id, "job_type": Posting.job_type,
           "county": Worker.home_county_code}[by_name]
    query = _scoped(select(key.label("key"), func.count().label("paid"),
                           func.avg(counted).label("average"),
                           func.avg(Worker.expected_pay).label("expected"),
                           func.count().filter(counted < Worker.expected_pay)
                           .label("under_expected"),
                           func.count().filter(counted < LOW_PAY).label("under_low"),
                           func.count().filter(Worker.pay_disputed.is_(True)).label("disputed")),
                    user, {k: v for k, v in args.items() if k == "county"}
                    ).where(Worker.pay_month.is_not(None))  # the pay index's first column
    if by_name == "job_type":
        query = query.outerjoin(Posting, Posting.id == Worker.pay_posting_id)
    rows = db.session.execute(query.group_by(*_unordered(key))).all()
    names = ({e.id: e.name for e in db.session.execute(select(Employer.id, Employer.name).where(
        Employer.id.in_([r.key for r in rows if r.key])))} if by_name == "employer" else {})
    groups = [{"key": row.key, "label": _pay_label(by_name, row.key, names),
               "paid": row.paid, "average_pay": round(row.average or 0),
               "average_expected": round(row.expected or 0),
               "under_expected": row.under_expected, "under_low": row.under_low,
               "disputed": row.disputed} for row in rows]
    groups.sort(key=lambda g: (-g["paid"], str(g["key"])))
    paid = sum(g["paid"] for g in groups)
    total = {name: sum(g[name] for g in groups) for name in ("paid", "under_expected",
                                                             "under_low", "disputed")}
    for name, average in (("average_pay", "average_pay"), ("average_expected",
                                                           "average_expected")):
        total[name] = round(sum(g[average] * g["paid"] for g in groups) / paid) if paid else 0
    return {"by": by_name, "low_pay": LOW_PAY, "groups": groups, "total": total}


def _pay_label(by: str, key, names: dict) -> str:
    if by == "employer":
        return names.get(key, "—")
    if by == "county":
        return county_name(key) or "—"
    if not key:
        return "未注明工种 No job type"
    known = job_types().get(key)
    return f"{known['zh']} {known['en']}" if known else key


def _unordered(*columns):
    """GROUP BY ``columns``, read from the report's own covering index. SQLite's planner otherwise
    walks a funnel index ordered by the grouping column, for the sort it saves, and reads every
    worker's wide row for the rest (0.6 s for 0.1 s on 200,000 workers); a unary plus keeps it off
    that order. PostgreSQL chooses well by itself."""
    if db.engine.dialect.name != "sqlite":
        return columns
    return [literal_column(f"+{c.table.name}.{c.name}") if hasattr(c, "table") else c
            for c in columns]


def _days_between(start, end):
    """Whole days from ``start`` to ``end`` (dates), on either database."""
    if db.engine.dialect.name == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    return end - start


def _labels(by: str, keys: list[list]):
    """Names for the groups: county and township names, fairs' and employers' names."""
    if by == "county":
        return lambda key: county_name(key[0]) if key[0] else "—"
    if by == "township":
        return lambda key: f"{county_name(key[0])} {key[1] or '—'}"
    if by == "poor_household":
        return lambda key: "建档立卡贫困户 Poor household" if key[0] else "非贫困户 Not poor"
    ids = [key[0] for key in keys if key[0]]
    if by == "fair":
        fairs = {id: f"{name} {day.isoformat()}" for id, name, day in db.session.execute(
            select(Fair.id, Fair.name, Fair.date).where(Fair.id.in_(ids)))} if ids else {}
        return lambda key: fairs.get(key[0], "未到招聘会 No fair")
    employers = (
        dict(
            db.session.execute(
                select(Employer.id, Employer.name).where(Employer.id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    return lambda key: employers.get(key[0], "未定企业 No employer yet")
